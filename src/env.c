// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy shim-path and bpfspy env: what a program needs to be traced
 * without bpfspy run ("bare mode": a systemd unit, a container, a script
 * that starts the loader itself).
 */
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char shim_usage[] =
	"Usage: bpfspy shim-path\n"
	"\n"
	"Print the path of the shim (libbpfspy.so) bpfspy run preloads:\n"
	"$BPFSPY_PRELOAD_LIB, else the build tree next to this bpfspy, else the\n"
	"installed copy.  Exits 2 when there is none.\n";

/* Options without arguments but --help: 0 to go on, else the exit code. */
static int only_help(int argc, char **argv, const char *usage)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if (c != 'h')
			return bad_option(c, argv);
		fputs(usage, stdout);
		return -1;
	}
	if (optind < argc)
		return usage_error("takes no arguments, not '%s'", argv[optind]);
	return 0;
}

int cmd_shim_path(int argc, char **argv)
{
	char shim[PATH_MAX];
	int rc = only_help(argc, argv, shim_usage);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (find_shim(shim, sizeof(shim)) != 0) {
		die_msg("no libbpfspy.so at %s; set BPFSPY_PRELOAD_LIB", shim);
		return EXIT_USAGE;
	}
	puts(shim);
	return 0;
}

static const char env_usage[] =
	"Usage: bpfspy env [-o FILE] [--spool-dir DIR] [--export]\n"
	"\n"
	"Print the environment that traces a program without bpfspy run, one\n"
	"NAME=VALUE line each (for env(1) or systemd's Environment=):\n"
	"\n"
	"  LD_PRELOAD        the shim (bpfspy shim-path)\n"
	"  BPFSPY_OUTPUT     the trace, FILE made absolute (default: trace.jsonl)\n"
	"  BPFSPY_SPOOL_DIR  DIR, when given (default: FILE.spool)\n"
	"\n"
	"  -o, --output FILE   the trace file\n"
	"      --spool-dir DIR where the processes spool their events\n"
	"      --export        print shell commands (export NAME='VALUE') for eval\n"
	"  -h, --help          show this help\n"
	"\n"
	"  env $(bpfspy env -o trace.jsonl) ./loader\n";

/* One line; with @sh, quoted for the shell. */
static void env_line(const char *name, const char *value, bool sh)
{
	const char *p;

	if (!sh) {
		printf("%s=%s\n", name, value);
		return;
	}
	printf("export %s='", name);
	for (p = value; *p; p++)
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	fputs("'\n", stdout);
}

int cmd_env(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "spool-dir", required_argument, NULL, 'D' },
		{ "export", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *output = "trace.jsonl", *spool = NULL;
	char shim[PATH_MAX], out[PATH_MAX], dir[PATH_MAX];
	bool sh = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'D': spool = optarg; break;
		case 'E': sh = true; break;
		case 'h': fputs(env_usage, stdout); return 0;
		default: return bad_option(c, argv);
		}
	}
	if (optind < argc)
		return usage_error("takes no arguments, not '%s'", argv[optind]);
	if (find_shim(shim, sizeof(shim)) != 0) {
		die_msg("no libbpfspy.so at %s; set BPFSPY_PRELOAD_LIB", shim);
		return EXIT_USAGE;
	}
	if (absolute_path(output, out, sizeof(out)) != 0) {
		die_msg("cannot make '%s' an absolute path (does its directory exist?)", output);
		return EXIT_USAGE;
	}
	if (spool && !realpath(spool, dir)) {
		die_msg("--spool-dir '%s' does not exist", spool);
		return EXIT_USAGE;
	}
	env_line("LD_PRELOAD", shim, sh);
	env_line("BPFSPY_OUTPUT", out, sh);
	if (spool)
		env_line("BPFSPY_SPOOL_DIR", dir, sh);
	return 0;
}
