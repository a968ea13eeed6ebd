// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every subcommand shares: its messages, in one format.  Every error
 * reads "bpfspy SUBCOMMAND: message"; a usage error adds one line
 * "Try 'bpfspy SUBCOMMAND --help'." and exits 2, without the help itself.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *cli_cmd;

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "bpfspy%s%s: ", cli_cmd ? " " : "", cli_cmd ? cli_cmd : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void die_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

static void try_help(void)
{
	fprintf(stderr, "Try 'bpfspy%s%s --help'.\n", cli_cmd ? " " : "",
		cli_cmd ? cli_cmd : "");
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	try_help();
	return EXIT_USAGE;
}

int bad_option(int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':') {
		if (optopt && !(arg[0] == '-' && arg[1] == '-'))
			return usage_error("option '-%c' needs an argument", optopt);
		return usage_error("option '%s' needs an argument", arg);
	}
	if (optopt)
		return usage_error("unknown option '-%c'", optopt);
	return usage_error("unknown option '%s'", arg);
}
