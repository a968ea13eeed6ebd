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

/* An entry's name and release are offsets into its table's str: with
 * pointers, every entry took two relocations when the shim was loaded
 * (1,311 of its 3,565) and a page written in every traced process. */
struct xlat_entry {
	uint64_t val;
	uint32_t name;     /* xlat_entry_name() */
	uint32_t since;    /* xlat_entry_since(): first kernel release, "" when unknown */
};

struct xlat {
	const char *name;
	enum xlat_kind kind;
	const struct xlat_entry *e;
	size_t n;
	const char *str;   /* the entries' names and releases */
};

static inline const char *xlat_entry_name(const struct xlat *x, const struct xlat_entry *e)
{
	return x->str + e->name;
}

static inline const char *xlat_entry_since(const struct xlat *x, const struct xlat_entry *e)
{
	return x->str + e->since;
}

/* Name of @val in an enum table, or NULL when the value is unknown. */
const char *xlat_name(const struct xlat *x, uint64_t val);
/* Entry of @val, or NULL. */
const struct xlat_entry *xlat_find(const struct xlat *x, uint64_t val);
/* Value of @name, or -1 when the table has no such name. */
int64_t xlat_value(const struct xlat *x, const char *name);

#include "base/xlat_tables.h"

#endif
