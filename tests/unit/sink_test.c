// SPDX-License-Identifier: GPL-2.0-or-later
/* src/sink.c: lines fed from a trace file reach a sink whole, once each. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/sink.h"
#include "tap.h"

/* A sink that keeps what it is given, "|"-separated. */
struct keep {
	struct sink s;
	char *got;
	size_t len;
};

static int keep_write(struct sink *s, const char *line, size_t len)
{
	struct keep *k = (struct keep *)s;

	k->got = realloc(k->got, k->len + len + 2);
	memcpy(k->got + k->len, line, len);
	k->len += len;
	k->got[k->len++] = '|';
	k->got[k->len] = 0;
	return len && line[0] == '!' ? -5 : 0;   /* "!...": a failed delivery */
}

static void keep_close(struct sink *s)
{
	(void)s;
}

static int temp_with(const char *data, size_t len)
{
	char path[] = "/tmp/sink_test.XXXXXX";
	int fd = mkstemp(path);

	unlink(path);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	return fd;
}

static const char *feed(struct keep *k, const char *data)
{
	int fd = temp_with(data, strlen(data));

	free(k->got);
	memset(k, 0, sizeof(*k));
	k->s.write = keep_write;
	k->s.close = keep_close;
	k->got = strdup("");
	tap_ok(sink_feed_fd(&k->s, fd) == 0, "feed of %zu bytes", strlen(data));
	close(fd);
	return k->got;
}

static void test_lines(void)
{
	struct keep k = { 0 };

	tap_ok(!strcmp(feed(&k, "a\nbb\nccc\n"), "a|bb|ccc|"), "three lines");
	tap_ok(k.s.lines == 3 && k.s.failed == 0, "counted: %llu lines", k.s.lines);
	tap_ok(!strcmp(feed(&k, "a\n\n\nb\n"), "a|b|"), "empty lines are not events");
	tap_ok(!strcmp(feed(&k, "a\nlast"), "a|last|"), "a last line without its newline");
	tap_ok(!strcmp(feed(&k, ""), ""), "an empty trace");
	feed(&k, "ok\n!bad\nok\n");
	tap_ok(k.s.lines == 3 && k.s.failed == 1 && k.s.last_err == 5,
	       "a failed delivery is counted (%llu of %llu, errno %d)", k.s.failed, k.s.lines,
	       k.s.last_err);
	free(k.got);
}

/* Lines longer than the read buffer (64 KiB), across its boundaries. */
static void test_long_lines(void)
{
	size_t big = 300000, i;
	char *data = malloc(big * 2 + 8), *want = malloc(big * 2 + 8);
	struct keep k = { 0 };

	for (i = 0; i < big; i++)
		data[i] = (char)('a' + i % 26);
	data[big] = '\n';
	memcpy(data + big + 1, "x\n", 3);
	memcpy(want, data, big);
	memcpy(want + big, "|x|", 4);
	tap_ok(!strcmp(feed(&k, data), want), "a %zu-byte line, then a short one", big);
	free(k.got);
	free(data);
	free(want);
}

/* The file sink writes each line with its newline. */
static void test_file_sink(void)
{
	int p[2];
	struct sink *s;
	char buf[64] = { 0 };

	if (pipe(p))
		abort();
	s = sink_file_open(p[1]);
	sink_write(s, "one", 3);
	sink_write(s, "{\"two\":2}", 9);
	sink_close(s);
	close(p[1]);
	tap_ok(read(p[0], buf, sizeof(buf) - 1) == 14 && !strcmp(buf, "one\n{\"two\":2}\n"),
	       "file sink: each line with its newline");
	close(p[0]);
}

int main(void)
{
	test_lines();
	test_long_lines();
	test_file_sink();
	return tap_done();
}
