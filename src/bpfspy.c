// SPDX-License-Identifier: GPL-2.0-or-later
/* bpfspy: run programs under the bpf(2) tracer and read its traces. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"Usage: bpfspy COMMAND [OPTIONS]\n"
	"\n"
	"Trace the bpf(2) calls of a program as JSON Lines.\n"
	"\n"
	"Commands:\n"
	"  run [-o FILE] [--no-follow] [--log-bytes N] [--str-bytes N]\n"
	"      [--data-bytes N] [--no-data] [--insns] [--spool-dir DIR]\n"
	"      -- PROGRAM [ARGS...]\n"
	"                 run PROGRAM under the tracer; the trace goes to FILE\n"
	"                 (default: standard error); exits with PROGRAM's status\n"
	"  run --kernel [-o FILE] [--no-follow] -- PROGRAM [ARGS...]\n"
	"                 the same, traced from the kernel: no shim in PROGRAM\n"
	"                 (statically linked and Go programs too)\n"
	"  attach [-o FILE] [--follow] -p PID[,PID...] | --comm NAME | --all\n"
	"                 trace running processes from the kernel until they\n"
	"                 exit or bpfspy is interrupted (CAP_BPF, CAP_PERFMON)\n"
	"  check [--json] [--lenient] TRACE...\n"
	"                 report the findings of the checks in traces\n"
	"  rules [--json] list the rules calls are checked against\n"
	"  report [--json] [--full-log] [--lenient] TRACE...\n"
	"                 what each process did and what went wrong\n"
	"  diff [--json] [--ignore FIELD]... [--libbpf] [--payload] [--lenient]\n"
	"      OLD NEW    what changed between two runs; exits 0 when they are\n"
	"                 equivalent, 1 when not\n"
	"\n"
	"Options:\n"
	"  -h, --help     show this help (bpfspy run --help for run's options)\n"
	"  -V, --version  show the version\n"
	"\n"
	"See bpfspy(1) and, for the trace format, bpfspy-trace(5).\n";

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("bpfspy %s\n", BPFSPY_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "rules"))
		return cmd_rules(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return cmd_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "attach"))
		return cmd_attach(argc - 1, argv + 1);
	if (!strcmp(cmd, "diff"))
		return cmd_diff(argc - 1, argv + 1);
	die_msg("unknown command '%s' (see bpfspy --help)", cmd);
	return EXIT_USAGE;
}
