// SPDX-License-Identifier: GPL-2.0-or-later
/* bpfspy: run programs under the bpf(2) tracer and read its traces. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"Usage: bpfspy COMMAND [OPTIONS]\n"
	"\n"
	"Trace the bpf(2) calls of a program as JSON Lines.\n"
	"\n"
	"Commands:\n"
	"  run [-o FILE] [--no-follow] [--journal] [--log-bytes N] [--str-bytes N]\n"
	"      [--data-bytes N] [--no-data] [--insns] [--spool-dir DIR]\n"
	"      -- PROGRAM [ARGS...]\n"
	"                 run PROGRAM under the tracer; the trace goes to FILE\n"
	"                 (default: standard error); exits with PROGRAM's status\n"
	"  run --kernel [-o FILE] [--no-follow] -- PROGRAM [ARGS...]\n"
	"                 the same, traced from the kernel: no shim in PROGRAM\n"
	"                 (statically linked and Go programs too)\n"
	"  collect --spool-dir DIR [-o FILE|-] [--format json|text] [--once]\n"
	"                 render the spools of processes traced in bare mode,\n"
	"                 live, until stopped; reopens FILE on SIGHUP\n"
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
	"  export --format=chrome [-o FILE] TRACE...\n"
	"                 the trace as a timeline for Perfetto or chrome://tracing\n"
	"  shim-path      print the path of the shim bpfspy run preloads\n"
	"  env [-o FILE] [--spool-dir DIR] [--export]\n"
	"                 print the environment that traces a program without\n"
	"                 bpfspy run (bare mode): LD_PRELOAD, BPFSPY_OUTPUT\n"
	"\n"
	"Options:\n"
	"  -h, --help     show this help (bpfspy run --help for run's options)\n"
	"  -V, --version  show the version\n"
	"\n"
	"See bpfspy(1) and, for the trace format, bpfspy-trace(5).\n";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "check", cmd_check },
	{ "rules", cmd_rules },
	{ "report", cmd_report },
	{ "diff", cmd_diff },
	{ "attach", cmd_attach },
	{ "collect", cmd_collect },
	{ "export", cmd_export },
	{ "shim-path", cmd_shim_path },
	{ "env", cmd_env },
};

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	size_t i;

	opterr = 0;   /* bad_option() says it, in our format */
	if (!cmd)
		return usage_error("no COMMAND given (run, collect, check, report, diff, export, rules, shim-path, env)");
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("bpfspy %s\n", BPFSPY_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(cmd, commands[i].name)) {
			cli_cmd = commands[i].name;
			return commands[i].fn(argc - 1, argv + 1);
		}
	}
	if (cmd[0] == '-')
		return usage_error("unknown option '%s'", cmd);
	return usage_error("unknown command '%s'", cmd);
}
