// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live_bench - live collection measured from outside, for bench/run-bench.sh:
 * how long a traced call takes to reach the trace file, and how much CPU
 * the collector spends per event.
 *
 *   live_bench load [--rate R] SECONDS
 *	BPF_MAP_LOOKUP_ELEM on a 4-entry ARRAY map for SECONDS: R calls a
 *	second (default 100000), in batches started at absolute deadlines
 *	(one per millisecond, or one call per deadline below 1000/s), or
 *	back to back with --rate 0.  Prints "calls=N ns_per_op=X
 *	late_max_us=L cpu_ns=C": the time per call spent in calls, the
 *	latest a batch started after its deadline, and the process's own
 *	user+system time (what `live_bench cpu` subtracts).
 *
 *   live_bench watch [--keep] FILE
 *	Follows FILE (created when missing) from its start until SIGTERM or
 *	SIGINT, reading new bytes as inotify reports them (and every
 *	millisecond regardless).  For each complete bpf event line it takes
 *	the call's return, "ts" + "dur_ns", from the time the read returned
 *	(CLOCK_REALTIME, the clock "ts" is on).  Prints "watching" once
 *	ready, and at the end "events=N lost=L lines=M p50_us= p99_us=
 *	max_us= min_us= cpu_ns=" (L: the sum of the "lost" lines' counts;
 *	cpu_ns: its own user+system time, before sorting).  Unless
 *	--keep, what was read is punched out of the file as it goes, so a
 *	back-to-back run does not leave gigabytes behind.
 *
 *   live_bench cpu CMD [ARG...]
 *	Runs CMD, passes SIGTERM, SIGINT and SIGHUP on to it, and prints
 *	"tree_cpu_ns=C": the user+system time of CMD and of the descendants
 *	it waited for (wait4), then exits with CMD's status.
 *
 * Every lookup goes through libc's syscall(), the function the shim hooks.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/falloc.h>

#define NSEC 1000000000LL
#define BUF_CAP (4u << 20)		/* longer lines than this are dropped */
#define PUNCH_STEP (16u << 20)		/* punch out what was read in steps of this */

static int usage(void)
{
	fprintf(stderr, "usage: live_bench load [--rate R] SECONDS\n"
			"       live_bench watch [--keep] FILE\n"
			"       live_bench cpu CMD [ARG...]\n");
	return 2;
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static int64_t tv_ns(const struct timeval *tv)
{
	return tv->tv_sec * NSEC + tv->tv_usec * 1000LL;
}

static long parse_num(const char *s, long min)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 0);
	if (errno || !*s || *end || n < min)
		return -1;
	return n;
}

/* ---- load: lookups at a steady rate, or back to back ------------------- */

struct lookup {
	union bpf_attr attr;	/* prebuilt so the loop is only the call */
	__u32 key;
	__u64 value;
};

static int lookup_init(struct lookup *l)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 4;
	fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return -1;
	memset(l, 0, sizeof(*l));
	l->attr.map_fd = fd;
	l->attr.key = (__u64)(uintptr_t)&l->key;
	l->attr.value = (__u64)(uintptr_t)&l->value;
	return 0;
}

/* n lookups; -1 on the first failure. */
static int lookups(struct lookup *l, long n)
{
	long i;

	/* 32 = offsetofend(union bpf_attr, flags), the size libbpf passes. */
	for (i = 0; i < n; i++)
		if (syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &l->attr, 32))
			return -1;
	return 0;
}

struct load_res {
	long calls;
	int64_t in_calls_ns;	/* time spent in the batches */
	int64_t late_max_ns;	/* the latest a batch started after its deadline */
};

static int load_steady(struct lookup *l, long rate, long seconds, struct load_res *r)
{
	long batch = rate >= 1000 ? rate / 1000 : 1;
	long total = rate * seconds, k;
	double period = (double)batch * NSEC / rate;
	int64_t start = clock_ns(CLOCK_MONOTONIC), t;

	for (k = 0; r->calls < total; k++) {
		int64_t due = start + (int64_t)(k * period);
		struct timespec ts = { due / NSEC, due % NSEC };
		long n = total - r->calls < batch ? total - r->calls : batch;

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		t = clock_ns(CLOCK_MONOTONIC);
		if (t - due > r->late_max_ns)
			r->late_max_ns = t - due;
		if (lookups(l, n))
			return -1;
		r->in_calls_ns += clock_ns(CLOCK_MONOTONIC) - t;
		r->calls += n;
	}
	return 0;
}

static int load_flat_out(struct lookup *l, long seconds, struct load_res *r)
{
	int64_t start = clock_ns(CLOCK_MONOTONIC), end = start + seconds * NSEC, t;

	do {
		if (lookups(l, 1024))
			return -1;
		r->calls += 1024;
		t = clock_ns(CLOCK_MONOTONIC);
	} while (t < end);
	r->in_calls_ns = t - start;
	return 0;
}

static int cmd_load(int argc, char **argv)
{
	struct load_res r = { 0 };
	struct lookup l;
	struct rusage ru;
	long rate = 100000, seconds;
	int rc;

	if (argc == 4 && !strcmp(argv[1], "--rate")) {
		rate = parse_num(argv[2], 0);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || rate < 0)
		return usage();
	seconds = parse_num(argv[1], 1);
	if (seconds < 0)
		return usage();
	if (lookup_init(&l)) {
		perror("live_bench: BPF_MAP_CREATE");
		return 1;
	}
	rc = rate ? load_steady(&l, rate, seconds, &r) : load_flat_out(&l, seconds, &r);
	if (rc) {
		perror("live_bench: BPF_MAP_LOOKUP_ELEM");
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("calls=%ld ns_per_op=%.1f late_max_us=%.0f cpu_ns=%lld\n", r.calls,
	       (double)r.in_calls_ns / r.calls, r.late_max_ns / 1e3,
	       (long long)(tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime)));
	return 0;
}

/* ---- watch: tail the trace, time each event's arrival ------------------- */

static volatile sig_atomic_t stop_req;

static void on_stop(int sig)
{
	(void)sig;
	stop_req = 1;
}

struct watch {
	int fd;
	bool punch;
	char *buf;
	size_t len;		/* bytes of an incomplete line kept at buf */
	off_t done;		/* file offset of buf[0] */
	off_t punched;
	int64_t *lat;		/* ns, one per bpf event */
	size_t n, cap;
	uint64_t lines, lost, bad, too_long;
};

static int lat_push(struct watch *w, int64_t v)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1 << 16;
		int64_t *p = realloc(w->lat, cap * sizeof(*p));

		if (!p)
			return -1;
		w->lat = p;
		w->cap = cap;
	}
	w->lat[w->n++] = v;
	return 0;
}

/* "sec.nsec" (nine digits) after the key's opening quote. */
static bool parse_ts(const char *p, int64_t *ns)
{
	char *dot, *end;
	unsigned long long sec = strtoull(p, &dot, 10), frac;

	if (dot == p || *dot != '.')
		return false;
	frac = strtoull(dot + 1, &end, 10);
	if (end - dot - 1 != 9)
		return false;
	*ns = (int64_t)sec * NSEC + (int64_t)frac;
	return true;
}

/* One line, NUL-terminated, that was in the file at @now.  The envelope
 * comes first, so the first "ts" and "dur_ns" are the event's. */
static void on_line(struct watch *w, const char *line, int64_t now)
{
	static const char bpf[] = "{\"event\":\"bpf\",", lost[] = "{\"event\":\"lost\",";
	const char *t, *d, *c;
	int64_t ts;

	w->lines++;
	if (!strncmp(line, bpf, sizeof(bpf) - 1)) {
		t = strstr(line, "\"ts\":\"");
		d = strstr(line, "\"dur_ns\":");
		if (!t || !d || !parse_ts(t + 6, &ts)) {
			w->bad++;
			return;
		}
		if (lat_push(w, now - (ts + strtoll(d + 9, NULL, 10))))
			w->bad++;
	} else if (!strncmp(line, lost, sizeof(lost) - 1)) {
		c = strstr(line, "\"count\":");
		if (c)
			w->lost += strtoull(c + 8, NULL, 10);
		else
			w->bad++;
	}
}

static void punch_read(struct watch *w)
{
	off_t to = w->done & ~(off_t)(PUNCH_STEP - 1);

	if (!w->punch || to <= w->punched)
		return;
	if (fallocate(w->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, w->punched,
		      to - w->punched))
		w->punch = false;	/* not on this file system: keep it */
	w->punched = to;
}

/* Read what is new; returns the bytes read (0: nothing new), -1 on error. */
static ssize_t watch_read(struct watch *w)
{
	ssize_t got, total = 0;
	char *p, *nl, *end;
	int64_t now;

	for (;;) {
		got = read(w->fd, w->buf + w->len, BUF_CAP - w->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? -1 : total;
		now = clock_ns(CLOCK_REALTIME);
		total += got;
		end = w->buf + w->len + got;
		for (p = w->buf; (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
			*nl = 0;
			on_line(w, p, now);
		}
		w->done += p - w->buf;
		w->len = (size_t)(end - p);
		if (w->len == BUF_CAP) {	/* no newline in BUF_CAP bytes */
			w->too_long++;
			w->done += w->len;
			w->len = 0;
		}
		memmove(w->buf, p, w->len);
		punch_read(w);
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least @p of them at or below. */
static double pct_us(const struct watch *w, double p)
{
	size_t i = (size_t)(p * (double)w->n + 0.999999);

	if (!w->n)
		return 0;
	if (i)
		i--;
	if (i >= w->n)
		i = w->n - 1;
	return w->lat[i] / 1e3;
}

static void watch_report(struct watch *w)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	qsort(w->lat, w->n, sizeof(*w->lat), cmp_i64);
	printf("events=%zu lost=%llu lines=%llu p50_us=%.1f p99_us=%.1f max_us=%.1f min_us=%.1f",
	       w->n, (unsigned long long)w->lost, (unsigned long long)w->lines, pct_us(w, 0.5),
	       pct_us(w, 0.99), w->n ? w->lat[w->n - 1] / 1e3 : 0, w->n ? w->lat[0] / 1e3 : 0);
	printf(" cpu_ns=%lld", (long long)(tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime)));
	if (w->bad || w->too_long)
		printf(" bad=%llu too_long=%llu", (unsigned long long)w->bad,
		       (unsigned long long)w->too_long);
	printf("\n");
}

static int cmd_watch(int argc, char **argv)
{
	struct watch w = { .punch = true };
	struct sigaction sa = { .sa_handler = on_stop };
	struct pollfd pfd;
	char ev[4096];
	ssize_t got;

	if (argc == 3 && !strcmp(argv[1], "--keep")) {
		w.punch = false;
		argv++;
		argc--;
	}
	if (argc != 2)
		return usage();
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	w.buf = malloc(BUF_CAP);
	w.fd = open(argv[1], O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	pfd.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (!w.buf || w.fd < 0 || pfd.fd < 0 ||
	    inotify_add_watch(pfd.fd, argv[1], IN_MODIFY) < 0) {
		fprintf(stderr, "live_bench: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	pfd.events = POLLIN;
	printf("watching %s\n", argv[1]);
	fflush(stdout);
	for (;;) {
		got = watch_read(&w);
		if (got < 0) {
			perror("live_bench: read");
			return 1;
		}
		if (got)
			continue;
		if (stop_req)
			break;	/* and nothing more was there */
		poll(&pfd, 1, 1);
		while (read(pfd.fd, ev, sizeof(ev)) > 0)
			;
	}
	watch_report(&w);
	return 0;
}

/* ---- cpu: a command's CPU time, descendants included -------------------- */

static volatile pid_t child;

static void pass_on(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static int cmd_cpu(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = pass_on };
	struct rusage ru;
	int st;
	pid_t p;

	if (argc < 2)
		return usage();
	child = fork();
	if (child < 0) {
		perror("live_bench: fork");
		return 1;
	}
	if (!child) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "live_bench: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	do
		p = wait4(child, &st, 0, &ru);
	while (p < 0 && errno == EINTR);
	if (p < 0) {
		perror("live_bench: wait4");
		return 1;
	}
	printf("tree_cpu_ns=%lld\n", (long long)(tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime)));
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "load"))
		return cmd_load(argc - 1, argv + 1);
	if (!strcmp(argv[1], "watch"))
		return cmd_watch(argc - 1, argv + 1);
	if (!strcmp(argv[1], "cpu"))
		return cmd_cpu(argc - 1, argv + 1);
	return usage();
}
