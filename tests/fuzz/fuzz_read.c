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
 *  - every command returns one of its documented exit codes: 0, 1 or 2;
 *  - a strict reader refuses (exit 2) a file with a line that holds more
 *    than one JSON object (text, a NUL, a second value after it) or that is
 *    not strict UTF-8, as judged here with json-c's tokener and a UTF-8
 *    check of our own;
 *  - what the commands print is strict UTF-8, and their text output holds
 *    no control character but newline and tab (no ESC, no C1).
 *
 * stdout and stderr are closed by run-fuzz.sh (-close_fd_mask=3): the
 * readers' output and their file:line messages would drown the log.  Each
 * command's stdout goes to a file here instead, to be checked.
 *
 * Build and run: tests/fuzz/run-fuzz.sh SECONDS read.
 */
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static char dir[] = "/tmp/fuzz_read.XXXXXX";
static char path_a[64], path_b[64], path_out[64];

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

/* RFC 3629, written from the table: no overlongs, surrogates or code
 * points above U+10FFFF. */
static bool strict_utf8(const uint8_t *s, size_t n)
{
	size_t i = 0, need, k;
	uint32_t cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		need = s[i] >= 0xf0 ? 4 : s[i] >= 0xe0 ? 3 : s[i] >= 0xc0 ? 2 : 0;
		if (!need || need > n - i)
			return false;
		cp = s[i] & (0x3f >> (need - 1));
		for (k = 1; k < need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
		    (need == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need;
	}
	return true;
}

/* A line a strict reader must refuse: not strict UTF-8, or one JSON
 * object followed by more than blanks. */
static bool line_must_fail(const uint8_t *p, size_t n)
{
	struct json_tokener *tok;
	struct json_object *o;
	bool bad = false;
	size_t end;

	if (!strict_utf8(p, n))
		return true;
	tok = json_tokener_new();
	if (!tok)
		abort();
	o = json_tokener_parse_ex(tok, (const char *)p, (int)n);
	if (o && json_tokener_get_error(tok) == json_tokener_success &&
	    json_object_is_type(o, json_type_object))
		for (end = json_tokener_get_parse_end(tok); end < n; end++)
			if (p[end] != ' ' && p[end] != '\t' && p[end] != '\r' && p[end] != '\n')
				bad = true;
	json_object_put(o);
	json_tokener_free(tok);
	return bad;
}

static bool file_must_fail(const uint8_t *p, size_t n)
{
	const uint8_t *nl;
	size_t len;

	while (n) {
		nl = memchr(p, '\n', n);
		len = nl ? (size_t)(nl - p) + 1 : n;
		if (memchr(p, 0, len) || line_must_fail(p, len))
			return true;
		p += len;
		n -= len;
	}
	return false;
}

/* What a command printed: strict UTF-8; as text, no control characters
 * but newline and tab. */
static void check_output(const char *cmd, bool text)
{
	static uint8_t buf[1 << 22];
	int fd = open(path_out, O_RDONLY);
	ssize_t n;
	size_t i;

	if (fd < 0)
		abort();
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		abort();
	if (!strict_utf8(buf, (size_t)n)) {
		fprintf(stderr, "fuzz_read: %s printed invalid UTF-8\n", cmd);
		abort();
	}
	for (i = 0; text && i < (size_t)n; i++)
		if ((buf[i] < 0x20 && buf[i] != '\n' && buf[i] != '\t') || buf[i] == 0x7f ||
		    (buf[i] == 0xc2 && i + 1 < (size_t)n && buf[i + 1] >= 0x80 && buf[i + 1] <= 0x9f)) {
			fprintf(stderr, "fuzz_read: %s printed control byte %#x\n", cmd, buf[i]);
			abort();
		}
}

/* Run one command as main() would, with its stdout in path_out, and hold
 * it to its exit codes (0 to 2; check also 3, "a loader failed for want
 * of a privilege", bpfspy(1) EXIT STATUS); returns its exit code. */
static int run(int (*cmd)(int, char **), char **argv, bool text)
{
	int argc = 0, rc, out, saved;

	while (argv[argc])
		argc++;
	optind = 0;   /* glibc: reinitialise getopt for the next argv */
	fflush(stdout);
	out = open(path_out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	saved = dup(1);
	if (out < 0 || saved < 0 || dup2(out, 1) < 0)
		abort();
	close(out);
	rc = cmd(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	if (rc < 0 || rc > (cmd == cmd_check ? 3 : 2)) {
		fprintf(stderr, "fuzz_read: %s returned %d\n", argv[0], rc);
		abort();
	}
	check_output(argv[0], text);
	return rc;
}

static void cleanup(void)
{
	unlink(path_a);
	unlink(path_b);
	unlink(path_out);
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
	snprintf(path_out, sizeof(path_out), "%s/out", dir);
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
		if (run(cmd_check, v, !json) != 2 && !lenient && file_must_fail(body, na)) {
			fprintf(stderr, "fuzz_read: check accepted a line it must refuse\n");
			abort();
		}
	}
	{
		char *v[7] = { "report" }, **p = v + 1;

		if (lenient)
			*p++ = lenient;
		*p++ = json ? json : full ? full : "--lenient";
		*p++ = path_a;
		if (nul)
			*p++ = path_b;
		run(cmd_report, v, !json);
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
		if (run(cmd_diff, v, !json) != 2 && !lenient &&
		    (file_must_fail(body, na) || (nul && file_must_fail(nul + 1, n - na - 1)))) {
			fprintf(stderr, "fuzz_read: diff accepted a line it must refuse\n");
			abort();
		}
	}
	return 0;
}
