// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The collector (collect.h): one reader per spool, polled.  Writers never
 * make a syscall to wake us (their hot path has none), so an idle
 * collector looks every POLL_MS; a busy one goes round again at once.
 */
#include "collect.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "btf_values.h"
#include "cli.h"
#include "event/bpf_record.h"
#include "kfunc_names.h"
#include "packed.h"
#include "sink.h"
#include "text_line.h"

struct collect_slot {
	char name[64];
	struct spool_reader *rd;     /* NULL: not ours, or busy: looked at again */
	struct bpf_render_ctx *ctx;
	struct btf_values *typed;
	struct packer *pk;           /* --packed: instead of ctx and typed */
	bool listed;                 /* in the latest listing of the directory */
	bool ignored;                /* not ours: never read */
};

void collector_init(struct collector *c, int dirfd, int trace_fd, struct live_out *live)
{
	memset(c, 0, sizeof(*c));
	c->dirfd = dirfd;
	c->trace_fd = trace_fd;
	c->live = live;
	c->kfuncs = kfunc_names_new();
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void live_failed(struct live_out *l, int err)
{
	l->failed++;
	l->last_err = -err;
}

/* One line, @len bytes without its newline, to the live outputs. */
static void live_line(struct live_out *l, const char *line, size_t len)
{
	char text[1024];
	int rc;

	if (l->journal && sink_write(l->journal, line, len) < 0)
		l->failed++;
	if (l->fd < 0)
		return;
	if (!l->text) {
		rc = write_all(l->fd, line, len);
		if (!rc)
			rc = write_all(l->fd, "\n", 1);
		if (rc)
			live_failed(l, rc);
		return;
	}
	{
		struct json_tokener *tok = json_tokener_new();
		struct json_object *ev = tok ? json_tokener_parse_ex(tok, line, (int)len) : NULL;
		size_t n = ev ? bpf_text_line(ev, text, sizeof(text) - 1) : 0;

		json_object_put(ev);
		if (tok)
			json_tokener_free(tok);
		if (!n)
			return;
		text[n++] = '\n';
		rc = write_all(l->fd, text, n);
		if (rc)
			live_failed(l, rc);
	}
}

static void live_lines(void *ctx, const char *buf, size_t len)
{
	struct live_out *l = ctx;
	const char *end = buf + len, *nl;

	for (; buf < end; buf = nl + 1) {
		nl = memchr(buf, '\n', (size_t)(end - buf));
		if (!nl)
			nl = end;
		live_line(l, buf, (size_t)(nl - buf));
	}
}

void collector_line(struct collector *c, const char *line, size_t len)
{
	int rc;

	if (c->trace_fd >= 0) {
		rc = write_all(c->trace_fd, line, len);
		if (!rc)
			rc = write_all(c->trace_fd, "\n", 1);
		if (rc && !c->err)
			c->err = rc;
	}
	if (c->live)
		live_line(c->live, line, len);
}

static struct collect_slot *find_slot(struct collector *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->slot[i].name, name))
			return &c->slot[i];
	return NULL;
}

static struct collect_slot *add_slot(struct collector *c, const char *name)
{
	struct collect_slot *s;

	if (strlen(name) >= sizeof(s->name))
		return NULL;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct collect_slot *ns = realloc(c->slot, cap * sizeof(*ns));

		if (!ns)
			return NULL;
		c->slot = ns;
		c->cap = cap;
	}
	s = &c->slot[c->n++];
	memset(s, 0, sizeof(*s));
	strcpy(s->name, name);
	return s;
}

static void slot_release(struct collect_slot *s)
{
	spool_reader_close(s->rd);
	bpf_render_ctx_free(s->ctx);
	btf_values_free(s->typed);
	packer_free(s->pk);
	s->rd = NULL;
	s->ctx = NULL;
	s->typed = NULL;
	s->pk = NULL;
}

/* Take up a spool: a render context of its own, payloads typed by BTF. */
static void slot_open(struct collector *c, struct collect_slot *s)
{
	struct spool_renderer r = { 0 };
	int rc;

	if (c->packed) {
		s->pk = packer_new();
		if (!s->pk)
			return;
		r.ctx = s->pk;
		r.begin_file = packer_begin;
		r.render = packer_record;
		r.undo = packer_undo;
	} else {
		s->ctx = btf_values_render_ctx(&s->typed, c->kfuncs);
		if (!s->ctx)
			return;
		r.ctx = s->ctx;
		r.begin_file = bpf_render_ctx_begin;
		r.render = bpf_render_ctx_record;
	}
	r.json = kfunc_names_json;
	r.json_ctx = c->kfuncs;
	rc = spool_reader_open(c->dirfd, s->name, &r, &c->st, &s->rd);
	if (rc == -EPERM || rc == -EPROTO)
		s->ignored = true;
	if (rc)
		slot_release(s);
}

static void drop_unlisted(struct collector *c)
{
	size_t i, j = 0;

	for (i = 0; i < c->n; i++) {
		if (c->slot[i].listed) {
			c->slot[j++] = c->slot[i];
			continue;
		}
		slot_release(&c->slot[i]);
	}
	c->n = j;
}

long collector_poll(struct collector *c, bool final)
{
	struct spool_out out = { .fd = c->trace_fd };
	char **names = spool_list(c->dirfd);
	long moved = 0;
	size_t i;

	if (!names)
		return -errno;
	if (c->live && (c->live->fd >= 0 || c->live->journal)) {
		out.lines = live_lines;
		out.ctx = c->live;
	}
	for (i = 0; i < c->n; i++)
		c->slot[i].listed = false;
	for (i = 0; names[i]; i++) {
		struct collect_slot *s = find_slot(c, names[i]);

		if (!s)
			s = add_slot(c, names[i]);
		if (!s)
			continue;
		s->listed = true;
		if (!s->rd && !s->ignored)
			slot_open(c, s);
	}
	spool_list_free(names);
	for (i = 0; i < c->n; i++) {
		struct collect_slot *s = &c->slot[i];
		uint64_t before = c->st.bytes + c->st.lost;
		int rc;

		if (!s->rd)
			continue;
		rc = spool_reader_pump(s->rd, &out, final, &c->st);
		moved += (long)(c->st.bytes + c->st.lost - before);
		if (rc < 0 && !c->err)
			c->err = rc;
		if (rc == 1) {
			slot_release(s);
			s->listed = false;   /* removed */
		}
	}
	drop_unlisted(c);
	return moved;
}

void collector_fini(struct collector *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		slot_release(&c->slot[i]);
	free(c->slot);
	c->slot = NULL;
	c->n = c->cap = 0;
	kfunc_names_free(c->kfuncs);
	c->kfuncs = NULL;
}

void collector_report(const struct collector *c, const char *dir)
{
	const struct drain_stats *st = &c->st;

	if (c->err)
		die_msg("the trace could not be written: %s", strerror(-c->err));
	if (c->live && c->live->failed)
		die_msg("%llu line(s) could not be written: %s",
			(unsigned long long)c->live->failed, strerror(c->live->last_err));
	if (st->torn)
		die_msg("%llu event(s) were cut short by a killed process and dropped",
			(unsigned long long)st->torn);
	if (st->bad)
		die_msg("%llu spooled record(s) could not be decoded and were dropped",
			(unsigned long long)st->bad);
	if (st->foreign)
		die_msg("%llu spool(s) in %s not written by us were ignored",
			(unsigned long long)st->foreign, dir);
	if (st->lost)
		die_msg("%llu event(s) found their spool full and were lost (see the "
			"\"lost\" lines)", (unsigned long long)st->lost);
}

/* ---- bpfspy collect ----------------------------------------------------- */

static const char collect_usage[] =
	"Usage: bpfspy collect --spool-dir DIR [-o FILE|-] [OPTIONS]\n"
	"\n"
	"Render the spools that processes traced in bare mode (LD_PRELOAD=libbpfspy.so\n"
	"BPFSPY_SPOOL_DIR=DIR) write, live, into one trace, until stopped.\n"
	"\n"
	"  -d, --spool-dir DIR  the spool directory (created 0700 when missing)\n"
	"  -o, --output FILE    append the trace to FILE (- : standard output;\n"
	"                       default: standard error); reopened on SIGHUP\n"
	"      --format FMT     json (the default in a file) or text (one line per\n"
	"                       call in strace's shape; the default on a terminal);\n"
	"                       packed: the records as they are, for -o FILE\n"
	"      --mode MODE      the octal mode of a trace file it creates (0600)\n"
	"      --journal        also send each event to the systemd journal\n"
	"      --once           render what is there, finish the spools of processes\n"
	"                       that are gone, and exit\n"
	"      --interval MS    how often an idle collector looks (default 10)\n"
	"  -h, --help           show this help\n"
	"\n"
	"SIGTERM or SIGINT: the collector renders what is published and exits 0;\n"
	"a collector started later continues where it stopped (the spools keep\n"
	"their positions).  Exit status 2 when DIR or FILE cannot be used, or\n"
	"another collector has DIR.\n";

static volatile sig_atomic_t stop_req, reopen_req;

static void on_stop(int sig)
{
	(void)sig;
	stop_req = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reopen_req = 1;
}

struct collect_opts {
	const char *dir, *output;
	int format;        /* 0: default, 1: json, 2: text, 3: packed */
	bool journal, once;
	mode_t mode;
	long interval_ms;
};

static int collect_parse(int argc, char **argv, struct collect_opts *o)
{
	static const struct option longs[] = {
		{ "spool-dir", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "journal", no_argument, NULL, 'j' },
		{ "once", no_argument, NULL, '1' },
		{ "mode", required_argument, NULL, 'M' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end, why[256];
	int c;

	o->mode = 0600;
	o->interval_ms = 10;
	optind = 1;
	argv[0] = "bpfspy collect";
	while ((c = getopt_long(argc, argv, "+:d:o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'o': o->output = optarg; break;
		case 'j': o->journal = true; break;
		case '1': o->once = true; break;
		case 'f':
			if (!strcmp(optarg, "json"))
				o->format = 1;
			else if (!strcmp(optarg, "text"))
				o->format = 2;
			else if (!strcmp(optarg, "packed"))
				o->format = 3;
			else
				return usage_error("--format takes json, text or packed, not '%s'",
						   optarg);
			break;
		case 'M':
			if (cli_file_mode(optarg, &o->mode))
				return EXIT_USAGE;
			break;
		case 'i':
			errno = 0;
			o->interval_ms = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || o->interval_ms < 1 || o->interval_ms > 10000)
				return usage_error("--interval takes milliseconds from 1 to "
						   "10000, not '%s'", optarg);
			break;
		case 'h': fputs(collect_usage, stdout); exit(0);
		default: return bad_option(c, argv);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->dir)
		return usage_error("no --spool-dir given");
	if (o->format == 3 && (!o->output || !strcmp(o->output, "-") || o->journal))
		return usage_error("--format packed writes a file: give -o FILE, without --journal");
	if (o->journal && !sink_journal_available(why, sizeof(why))) {
		die_msg("--journal: %s", why);
		return EXIT_USAGE;
	}
	return 0;
}

/* The -o file, appended to (a collector restarted continues it). */
static int open_collect_output(const struct collect_opts *o)
{
	bool created;
	int fd = spool_open_output(o->output, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0600,
				   &created);

	if (fd >= 0 && created)
		fchmod(fd, o->mode);
	return fd;
}

/*
 * Going round again at once after any round that moved something made
 * rounds of a few records each under a steady stream, and a round's fixed
 * cost (listing the directory, fstat, flock, a write) kept the collector
 * busy: 0.8 CPUs under 1M lookups a second (perf stat -p) whatever it had
 * to render.  Rounds now begin at most once a millisecond while events
 * come (~64 KiB of such records in a 32 MiB ring), at once after a round
 * that took longer: a collector that is behind never naps.
 */
#define COLLECT_ROUND_NS 1000000ull

uint64_t collector_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t collector_wait_ns(long moved, uint64_t round_ns, long idle_ms)
{
	if (moved <= 0)
		return (uint64_t)idle_ms * 1000000ull;
	return round_ns < COLLECT_ROUND_NS ? COLLECT_ROUND_NS - round_ns : 0;
}

struct timespec collector_ts(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	return ts;
}

void collector_idle(uint64_t ns)
{
	struct timespec ts = collector_ts(ns);

	nanosleep(&ts, NULL);
}

/* Where the trace goes: the JSON file (exactly once), or live lines. */
static int collect_outputs(const struct collect_opts *o, int *trace_fd, struct live_out *live)
{
	bool to_file = o->output && strcmp(o->output, "-");
	int fd = to_file ? open_collect_output(o) : o->output ? 1 : 2;
	bool text = o->format ? o->format == 2 : !to_file && isatty(fd);

	if (fd < 0) {
		die_msg("cannot write the trace to '%s': %s", o->output, spool_strerror(fd));
		return -1;
	}
	*trace_fd = -1;
	live->fd = -1;
	live->text = text;
	if (to_file && !text)
		*trace_fd = fd;
	else if (o->output || !o->journal)
		live->fd = fd;   /* --journal alone: the journal only */
	return 0;
}

static int reopen_output(const struct collect_opts *o, struct collector *c, struct live_out *live)
{
	int old = c->trace_fd >= 0 ? c->trace_fd : live->fd, fd;

	if (!o->output || !strcmp(o->output, "-"))
		return 0;
	fd = open_collect_output(o);
	if (fd < 0) {
		die_msg("SIGHUP: cannot reopen '%s': %s; still writing the old file", o->output,
			spool_strerror(fd));
		return -1;
	}
	if (c->trace_fd >= 0)
		c->trace_fd = fd;
	else
		live->fd = fd;
	close(old);
	return 0;
}

int cmd_collect(int argc, char **argv)
{
	struct collect_opts o = { 0 };
	struct live_out live = { .fd = -1 };
	struct collector c;
	struct sigaction sa = { 0 };
	int dirfd, claim, trace_fd, rc;
	uint64_t t0, wait_ns;
	long moved;

	rc = collect_parse(argc, argv, &o);
	if (rc)
		return rc;
	dirfd = spool_dir_open(o.dir, true, 0);
	if (dirfd < 0) {
		die_msg("cannot use the spool directory %s: %s", o.dir, spool_strerror(dirfd));
		return EXIT_USAGE;
	}
	claim = spool_claim(dirfd);
	if (claim < 0) {
		die_msg("%s: %s", o.dir, claim == -EBUSY ? "another collector has it" :
			strerror(-claim));
		return EXIT_USAGE;
	}
	if (collect_outputs(&o, &trace_fd, &live))
		return EXIT_USAGE;
	if (o.journal)
		live.journal = sink_journal_open();
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	collector_init(&c, dirfd, trace_fd, &live);
	c.packed = o.format == 3;
	while (!stop_req) {
		if (reopen_req) {
			reopen_req = 0;
			reopen_output(&o, &c, &live);
		}
		t0 = collector_now_ns();
		moved = collector_poll(&c, false);
		if (o.once)
			break;
		wait_ns = collector_wait_ns(moved, collector_now_ns() - t0, o.interval_ms);
		if (wait_ns)
			collector_idle(wait_ns);
	}
	collector_poll(&c, false);
	collector_report(&c, o.dir);
	collector_fini(&c);
	if (live.journal)
		sink_close(live.journal);
	close(claim);
	return c.err ? 1 : 0;
}
