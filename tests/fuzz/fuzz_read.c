// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness over the trace readers: the input is one or two trace
 * files (split at the first NUL byte), and bpfspy's readers run over them
 * exactly as the command line runs them:
 *
 *   check [--json] [--lenient] A
 *   report [--json|--full-log] [--lenient] A [B]
 *   diff [--json] [--libbpf] [--payload] [--lenient] A B
 *
 * The first byte of the input picks the options, so strict and lenient
 * parsing, both output formats and the merge of two files are all reached.
 *
 * Checks, each an abort() so libFuzzer keeps the input:
 *  - no sanitizer report (ASan, UBSan, LeakSanitizer: a reader that leaks
 *    per line would exhaust memory on a GiB trace);
 *  - every command returns one of its documented exit codes: 0, 1 or 2.
 *
 * stdout and stderr are closed by run-fuzz.sh (-close_fd_mask=3): the
 * readers' output and their file:line messages would drown the log.
 *
 * Build and run: tests/fuzz/run-fuzz.sh SECONDS read.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static char dir[] = "/tmp/fuzz_read.XXXXXX";
static char path_a[64], path_b[64];

static void write_file(const char *path, const uint8_t *data, size_t n)
{
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	if (n && fwrite(data, 1, n, f) != n)
		abort();
	if (fclose(f) != 0)
		abort();
}

/* Run one command as main() would, and hold it to its exit codes. */
static void run(int (*cmd)(int, char **), char **argv)
{
	int argc = 0, rc;

	while (argv[argc])
		argc++;
	optind = 0;   /* glibc: reinitialise getopt for the next argv */
	rc = cmd(argc, argv);
	if (rc < 0 || rc > 2) {
		fprintf(stderr, "fuzz_read: %s returned %d\n", argv[0], rc);
		abort();
	}
}

static void cleanup(void)
{
	unlink(path_a);
	unlink(path_b);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(path_a, sizeof(path_a), "%s/a.jsonl", dir);
	snprintf(path_b, sizeof(path_b), "%s/b.jsonl", dir);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = size ? data[0] : 0;
	const uint8_t *body = size ? data + 1 : data, *nul;
	size_t n = size ? size - 1 : 0, na;
	char *lenient = (opt & 1) ? "--lenient" : NULL;
	char *json = (opt & 2) ? "--json" : NULL;
	char *full = (opt & 4) ? "--full-log" : NULL;

	nul = memchr(body, 0, n);
	na = nul ? (size_t)(nul - body) : n;
	write_file(path_a, body, na);
	write_file(path_b, nul ? nul + 1 : body, nul ? n - na - 1 : 0);

	/* Options first, absent ones dropped: argv[] ends at the first NULL,
	 * so each list is built compactly. */
	{
		char *v[6] = { "check" }, **p = v + 1;

		if (lenient)
			*p++ = lenient;
		if (json)
			*p++ = json;
		*p++ = path_a;
		run(cmd_check, v);
	}
	{
		char *v[7] = { "report" }, **p = v + 1;

		if (lenient)
			*p++ = lenient;
		*p++ = json ? json : full ? full : "--lenient";
		*p++ = path_a;
		if (nul)
			*p++ = path_b;
		run(cmd_report, v);
	}
	{
		char *v[8] = { "diff" }, **p = v + 1;

		if (lenient)
			*p++ = lenient;
		if (json)
			*p++ = json;
		if (opt & 8)
			*p++ = "--libbpf";
		if (opt & 16)
			*p++ = "--payload";
		*p++ = path_a;
		*p++ = path_b;
		run(cmd_diff, v);
	}
	return 0;
}
