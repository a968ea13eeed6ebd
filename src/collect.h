/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The collector: renders the spools of live processes into the trace while
 * they run.  bpfspy run is one for its own children; bpfspy collect is the
 * same, standalone, for processes a service manager started with the shim.
 */
#ifndef BPFSPY_COLLECT_H
#define BPFSPY_COLLECT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/spool.h"

struct sink;
struct kfunc_names;

/* Where rendered lines go besides the JSON trace file: each line to a
 * descriptor (as JSON, or as text in strace's shape) and/or the journal. */
struct live_out {
	int fd;               /* -1: none */
	bool text;
	struct sink *journal; /* NULL: none */
	uint64_t failed;      /* lines that could not be written */
	int last_err;
};

struct collect_slot;

struct collector {
	int dirfd;
	int trace_fd;         /* the JSON trace (exactly once when a file), or -1 */
	struct live_out *live;
	struct collect_slot *slot;
	size_t n, cap;
	struct drain_stats st;
	struct kfunc_names *kfuncs;   /* names kfunc calls, for every spool */
	bool packed;          /* --packed: records written as they are (packed.h) */
	int err;              /* the first output error, -errno */
};

void collector_init(struct collector *c, int dirfd, int trace_fd, struct live_out *live);
/* One round: new spools taken up, every spool's published records
 * rendered; spools whose writers are gone finished and removed; with
 * @final, the rest too.  Returns the bytes moved, or -errno. */
long collector_poll(struct collector *c, bool final);
/* Let go of every spool (a stopping collector leaves live ones to the
 * next: their positions are in the spools). */
void collector_fini(struct collector *c);
/* A line of ours (an exit line) where the trace goes. */
void collector_line(struct collector *c, const char *line, size_t len);
/* @ns nanoseconds as a struct timespec, and a sleep of them. */
struct timespec collector_ts(uint64_t ns);
void collector_idle(uint64_t ns);
/* How long to wait, in ns, after a round that moved @moved bytes
 * (collector_poll()) in @round_ns before the next: @idle_ms when nothing
 * came; else what is left of a millisecond since the round began (0: at
 * once, for a round that took that long). */
uint64_t collector_wait_ns(long moved, uint64_t round_ns, long idle_ms);
/* CLOCK_MONOTONIC in ns. */
uint64_t collector_now_ns(void);
/* Messages on stderr for what the stats say was dropped or ignored. */
void collector_report(const struct collector *c, const char *dir);

#endif
