// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every subcommand shares: its messages, in one format.  Every error
 * reads "bpfspy SUBCOMMAND: message"; a usage error adds one line
 * "Try 'bpfspy SUBCOMMAND --help'." and exits 2, without the help itself.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "base/spool.h"

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

/*
 * Standard output for terminals.  Text from a trace (names, argv, paths)
 * is the traced program's: an ESC, CSI or OSC in it would reach the
 * reader's terminal (clear it, retitle it, worse).  Everything printed
 * passes here, so no call site can forget: C0 controls other than newline
 * and tab, DEL and the C1 controls U+0080..U+009F come out as \xHH or
 * \uHHHH.  Our own colours are written with TERM_ESC (0xff, a byte no
 * strict UTF-8 text holds) and become ESC here.  JSON on a terminal is
 * escaped too, as JSON: \u00HH, which means the same character.
 */
struct term_out {
	int fd;
	bool json;
	bool c2;   /* the last byte was 0xc2: a C1 control may follow */
};

static void term_emit(struct term_out *t, char *out, size_t *n, const char *s, size_t k)
{
	if (*n + k > 4096) {
		(void)!write(t->fd, out, *n);
		*n = 0;
	}
	for (size_t i = 0; i < k; i++)
		out[(*n)++] = s[i];
}

/* @c spelled out: \u00HH (JSON's escape, and the C1 controls' code
 * point), or \xHH for a byte of text. */
static void term_escape(struct term_out *t, char *out, size_t *n, unsigned char c, bool u)
{
	static const char hex[] = "0123456789abcdef";
	char e[] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	if (u) {
		term_emit(t, out, n, e, sizeof(e));
		return;
	}
	e[1] = 'x';
	term_emit(t, out, n, e, 2);
	term_emit(t, out, n, e + 4, 2);
}

static ssize_t term_write(void *cookie, const char *buf, size_t size)
{
	struct term_out *t = cookie;
	char out[4096 + 16];
	size_t n = 0, i;

	for (i = 0; i < size; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (t->c2) {
			t->c2 = false;
			if (c >= 0x80 && c <= 0x9f) {
				term_escape(t, out, &n, c, true);
				continue;
			}
			term_emit(t, out, &n, "\xc2", 1);
		}
		if (c == 0xc2)
			t->c2 = true;
		else if (c == TERM_ESC_BYTE && !t->json)
			term_emit(t, out, &n, "\033", 1);
		else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			term_escape(t, out, &n, c, t->json);
		else
			term_emit(t, out, &n, (const char *)&c, 1);
	}
	if (n)
		(void)!write(t->fd, out, n);
	return (ssize_t)size;
}

/* A 0xc2 left at the very end was not a C1 control's first byte. */
static int term_close(void *cookie)
{
	struct term_out *t = cookie;

	if (t->c2)
		(void)!write(t->fd, "\xc2", 1);
	t->c2 = false;
	return 0;
}

void term_safe_stdout(bool json)
{
	static struct term_out t;
	static bool done;
	cookie_io_functions_t io = { .write = term_write, .close = term_close };
	FILE *f;

	if (done || (json && !isatty(STDOUT_FILENO)))
		return;   /* JSON into a file or pipe stays json-c's, byte for byte */
	fflush(stdout);
	t.fd = STDOUT_FILENO;
	t.json = json;
	f = fopencookie(&t, "w", io);
	if (!f)
		return;
	setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, 1 << 16);
	stdout = f;
	done = true;
}

void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (!cap)
		return;
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = 0;
}

FILE *open_output_file(const char *path, const char **why)
{
	struct stat st;
	FILE *f;
	int fd = spool_open_output(path, O_WRONLY | O_CREAT, 0600, NULL);

	if (fd < 0) {
		*why = spool_strerror(fd);
		return NULL;
	}
	/* Emptied only once it is known to be ours; not when empty (on ext4
	 * a truncation to 0 makes close() start writeback: open_trace()) */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size && ftruncate(fd, 0) != 0) {
		*why = strerror(errno);
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		*why = strerror(errno);
		close(fd);
	}
	return f;
}

bool cli_byte_count(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	return *s && !*end && !errno && v <= 0xffffffffull && s[0] != '-';
}

int cli_file_mode(const char *arg, mode_t *mode)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 8);
	if (!*arg || *end || errno || v > 0777 || arg[0] == '-') {
		usage_error("--mode takes an octal file mode such as 0640, not '%s'", arg);
		return -1;
	}
	*mode = (mode_t)v;
	return 0;
}
