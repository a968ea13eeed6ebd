/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Symbol tables: numbers to names.  Each table is generated at build time
 * from one source file, decoders/base/xlat/NAME.in (see gen-xlat.sh), so a new
 * kernel value is one line in one place.
 */
#ifndef BPFSPY_XLAT_H
#define BPFSPY_XLAT_H

#include <stddef.h>
#include <stdint.h>

enum xlat_kind {
	XLAT_ENUM,  /* value is exactly one entry */
	XLAT_FLAGS, /* value is an OR of single-bit entries */
};

struct xlat_entry {
	uint64_t val;
	const char *name;
	const char *since; /* first kernel release, "" when unknown */
};

struct xlat {
	const char *name;
	enum xlat_kind kind;
	const struct xlat_entry *e;
	size_t n;
};

/* Name of @val in an enum table, or NULL when the value is unknown. */
const char *xlat_name(const struct xlat *x, uint64_t val);
/* Entry of @val, or NULL. */
const struct xlat_entry *xlat_find(const struct xlat *x, uint64_t val);
/* Value of @name, or -1 when the table has no such name. */
int64_t xlat_value(const struct xlat *x, const char *name);

#include "base/xlat_tables.h"

#endif
