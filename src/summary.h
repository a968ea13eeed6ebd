/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpfspy run --summary: the table of a trace's summary lines (summary.c). */
#ifndef BPFSPY_SUMMARY_H
#define BPFSPY_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

/* Add up the "summary" lines of the @n traces @paths and print them to
 * @out, as a table or (@json) one JSON object.  0, or -1 when a trace
 * can't be read. */
int summary_print(char *const *paths, int n, bool json, FILE *out);

#endif
