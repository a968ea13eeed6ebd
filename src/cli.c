// SPDX-License-Identifier: GPL-2.0-or-later
/* What every subcommand shares: its error messages, prefixed "bpfspy: ". */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

void die_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("bpfspy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
