// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Symbol table look-ups.  The tables come from gen-xlat.sh, which sorts
 * every table by value and rejects duplicate values, so a value look-up is
 * a binary search.  Nothing here allocates or locks: the shim calls it from
 * inside traced programs, possibly from signal handlers.
 */
#include "base/xlat.h"

#include <stdbool.h>

const struct xlat_entry *xlat_find(const struct xlat *x, uint64_t val)
{
	size_t lo = 0, hi;

	if (!x)
		return NULL;
	hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t v = x->e[mid].val;

		if (v == val)
			return &x->e[mid];
		if (v < val)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *xlat_name(const struct xlat *x, uint64_t val)
{
	const struct xlat_entry *e = xlat_find(x, val);

	return e ? xlat_entry_name(x, e) : NULL;
}

/* strcmp() without relying on libc being safe to call here. */
static bool names_equal(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

int64_t xlat_value(const struct xlat *x, const char *name)
{
	size_t i;

	if (!x || !name)
		return -1;
	for (i = 0; i < x->n; i++) {
		if (names_equal(xlat_entry_name(x, &x->e[i]), name))
			return (int64_t)x->e[i].val;
	}
	return -1;
}
