/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpfspy report --html: the page (report_html.c). */
#ifndef BPFSPY_REPORT_HTML_H
#define BPFSPY_REPORT_HTML_H

#include <stdbool.h>

/* Read @n traces and write the page to @out ("-": standard output).
 * Returns 0 or EXIT_USAGE (with a message). */
int report_html(char *const *paths, int n, bool lenient, const char *out);

#endif
