// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy run --summary (BPFSPY_SUMMARY=1), strace's -c: no event per call,
 * only counts, errors and latency per bpf command and libbpf function,
 * kept in this process and written as one "summary" line when it exits.
 *
 * The hot path is two relaxed atomic adds (three for a failure) and a
 * load of the maximum (a compare-and-swap only for a new one): no
 * capture, no spool record, no formatting.  The count of calls is the
 * sum of the histogram's buckets, not a counter of its own: one locked
 * add less per call (~10 ns here, of the +7% --summary cost over native
 * then).  The durations come from the TSC where it is the clocksource
 * (the shim's summary_dur()): +0-4% over native now.
 */
#include "shim.h"

#include <string.h>

#include "base/jsonw.h"
#include "event/bpf_event.h"
#include "libbpf/libbpf_funcs.h"
#include "syscall/bpf_decode.h"

#define NBUCKETS 40      /* log2 of the duration in ns: 1 ns .. ~9 min */
#define NCMDS    64      /* commands past these are counted as one */

struct tally {
	uint64_t errors, total_ns, max_ns;
	uint64_t hist[NBUCKETS];
};

static uint64_t calls_of(const struct tally *t)
{
	uint64_t n = 0;
	unsigned b;

	for (b = 0; b < NBUCKETS; b++)
		n += __atomic_load_n(&t->hist[b], __ATOMIC_RELAXED);
	return n;
}

static struct tally cmds[NCMDS + 1], funcs[LF_COUNT];

static unsigned bucket(uint64_t ns)
{
	unsigned b = ns ? 63 - (unsigned)__builtin_clzll(ns) : 0;

	return b < NBUCKETS ? b : NBUCKETS - 1;
}

static void add(struct tally *t, uint64_t dur, bool failed)
{
	uint64_t m = __atomic_load_n(&t->max_ns, __ATOMIC_RELAXED);

	if (failed)
		__atomic_add_fetch(&t->errors, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&t->total_ns, dur, __ATOMIC_RELAXED);
	__atomic_add_fetch(&t->hist[bucket(dur)], 1, __ATOMIC_RELAXED);
	while (dur > m && !__atomic_compare_exchange_n(&t->max_ns, &m, dur, true,
						       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

void bpfspy_summary_cmd(uint32_t cmd, uint64_t dur, bool failed)
{
	add(&cmds[cmd < NCMDS ? cmd : NCMDS], dur, failed);
}

void bpfspy_summary_func(unsigned id, uint64_t dur, bool failed)
{
	if (id < LF_COUNT)
		add(&funcs[id], dur, failed);
}

void bpfspy_summary_reset(void)
{
	memset(cmds, 0, sizeof(cmds));
	memset(funcs, 0, sizeof(funcs));
}

static void render_tally(struct jsonw *w, const char *name, const struct tally *t)
{
	char key[24];
	unsigned b;

	jw_obj_open(w, name);
	jw_u64(w, "calls", calls_of(t));
	jw_u64(w, "errors", t->errors);
	jw_u64(w, "total_ns", t->total_ns);
	jw_u64(w, "max_ns", t->max_ns);
	/* "hist_ns": {"1024": N, ...}: calls of at least that many ns and
	 * less than twice it */
	jw_obj_open(w, "hist_ns");
	for (b = 0; b < NBUCKETS; b++) {
		if (!t->hist[b])
			continue;
		key[fmt_u64(key, 1ull << b)] = 0;
		jw_u64(w, key, t->hist[b]);
	}
	jw_obj_close(w);
	jw_obj_close(w);
}

size_t bpfspy_summary_render(char *buf, size_t cap, uint32_t pid, uint64_t ts)
{
	const struct bpf_cmd_desc *d;
	struct jsonw w;
	char name[32] = "BPF_CMD_";
	unsigned i;

	jw_init(&w, buf, cap);
	jw_obj_open(&w, NULL);
	jw_str(&w, "event", "summary");
	jw_u64(&w, "pid", pid);
	bpf_render_ts(&w, "ts", ts);
	jw_obj_open(&w, "commands");
	for (i = 0; i <= NCMDS; i++) {
		if (!calls_of(&cmds[i]))
			continue;
		d = i < NCMDS ? bpf_cmd_desc(i) : NULL;
		if (d) {
			render_tally(&w, d->name, &cmds[i]);
		} else {
			name[8 + fmt_u64(name + 8, i)] = 0;   /* NCMDS: "64": all past */
			render_tally(&w, i < NCMDS ? name : "BPF_CMD_64_AND_PAST", &cmds[i]);
		}
	}
	jw_obj_close(&w);
	jw_obj_open(&w, "functions");
	for (i = 0; i < LF_COUNT; i++)
		if (calls_of(&funcs[i]))
			render_tally(&w, libbpf_func_name(i), &funcs[i]);
	jw_obj_close(&w);
	jw_obj_close(&w);
	return jw_overflowed(&w) ? 0 : w.len;
}
