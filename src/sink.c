// SPDX-License-Identifier: GPL-2.0-or-later
/* Sinks for rendered trace lines: files and the journal (sink.h). */
#include "sink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- files ----------------------------------------------------------------- */

struct file_sink {
	struct sink s;
	int fd;
};

static int write_all(int fd, const struct iovec *iov, int n)
{
	struct iovec v[2];
	ssize_t w;
	int i;

	memcpy(v, iov, sizeof(*iov) * (size_t)n);
	for (i = 0; i < n;) {
		w = writev(fd, v + i, n - i);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (i < n && (size_t)w >= v[i].iov_len)
			w -= (ssize_t)v[i++].iov_len;
		if (i < n) {
			v[i].iov_base = (char *)v[i].iov_base + w;
			v[i].iov_len -= (size_t)w;
		}
	}
	return 0;
}

static int file_write(struct sink *s, const char *line, size_t len)
{
	struct iovec v[2] = {
		{ .iov_base = (void *)line, .iov_len = len },
		{ .iov_base = "\n", .iov_len = 1 },
	};

	return write_all(((struct file_sink *)s)->fd, v, 2);
}

static void file_close(struct sink *s)
{
	free(s);
}

struct sink *sink_file_open(int fd)
{
	struct file_sink *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->s.write = file_write;
	f->s.close = file_close;
	f->fd = fd;
	return &f->s;
}

/* ---- common ---------------------------------------------------------------- */

int sink_feed_fd(struct sink *s, int fd)
{
	size_t cap = 1 << 16, len = 0, start, i;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE) {
		free(buf);
		return -errno;
	}
	for (;;) {
		if (len == cap) {   /* a line longer than the buffer: grow */
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break;
		i = len;
		len += (size_t)n;
		for (start = 0; i < len; i++) {
			if (buf[i] != '\n')
				continue;
			if (i > start)
				sink_write(s, buf + start, i - start);
			start = i + 1;
		}
		memmove(buf, buf + start, len - start);
		len -= start;
	}
	if (len)   /* a last line without its newline */
		sink_write(s, buf, len);
	free(buf);
	return 0;
}

void sink_close(struct sink *s)
{
	if (s)
		s->close(s);
}
