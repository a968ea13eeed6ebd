// SPDX-License-Identifier: GPL-2.0-or-later
/* What every subcommand shares: its error messages, prefixed "bpfspy: ". */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/*
 * Standard output for terminals.  Text from a trace (names, argv, paths)
 * is the traced program's: an ESC, CSI or OSC in it would reach the
 * reader's terminal (clear it, retitle it, worse).  Everything printed
 * passes here, so no call site can forget: C0 controls other than newline
 * and tab, DEL and the C1 controls U+0080..U+009F come out as \xHH or
 * \uHHHH.  Our own colours are written with TERM_ESC (0xff, a byte no
 * strict UTF-8 text holds) and become ESC here.
 */
struct term_out {
	int fd;
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

static ssize_t term_write(void *cookie, const char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	struct term_out *t = cookie;
	char out[4096 + 16], e[8];
	size_t n = 0, i;

	for (i = 0; i < size; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (t->c2) {
			t->c2 = false;
			if (c >= 0x80 && c <= 0x9f) {
				char u[] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

				term_emit(t, out, &n, u, sizeof(u));
				continue;
			}
			term_emit(t, out, &n, "\xc2", 1);
		}
		if (c == 0xc2) {
			t->c2 = true;
		} else if (c == TERM_ESC_BYTE) {
			term_emit(t, out, &n, "\033", 1);
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			e[0] = '\\';
			e[1] = 'x';
			e[2] = hex[c >> 4];
			e[3] = hex[c & 15];
			term_emit(t, out, &n, e, 4);
		} else {
			term_emit(t, out, &n, (const char *)&c, 1);
		}
	}
	if (n)
		(void)!write(t->fd, out, n);
	return (ssize_t)size;
}

void term_safe_stdout(void)
{
	static struct term_out t;
	static bool done;
	cookie_io_functions_t io = { .write = term_write };
	FILE *f;

	if (done)
		return;
	fflush(stdout);
	t.fd = STDOUT_FILENO;
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
