/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event layer: one trace line is an envelope (who made the call and
 * when), the decoded call (syscall/ or libbpf/), its verdicts (check/) and
 * where it was called from (bpf_stack.h).  Decoding and checking do not
 * know about each other; this layer calls one, then the other.
 */
#ifndef BPFSPY_BPF_EVENT_H
#define BPFSPY_BPF_EVENT_H

#include <stdint.h>

#include "base/jsonw.h"
#include "libbpf/libbpf_funcs.h"
#include "syscall/bpf_decode.h"

struct bpf_stack;

/* The trace format's version (bpfspy-trace(5), SCHEMA): every header
 * carries it, readers refuse newer ones.  2: one JSON type per key, "ts"
 * a string of seconds with nanoseconds. */
#define BPF_TRACE_SCHEMA 2

/* "ts":"1796128135.342495518": wall-clock seconds with their nanoseconds,
 * as a string, since a JSON number of nanoseconds (above 2^53) is rounded
 * by readers that use doubles (jq 1.6). */
void bpf_render_ts(struct jsonw *w, const char *key, uint64_t ns);

/* The event envelope: who made the call and when. */
struct bpf_event_env {
	uint64_t seq;
	uint64_t ts;         /* wall clock, ns */
	uint64_t dur_ns;
	uint32_t pid, tid;
	const char *comm;    /* up to 16 bytes, need not be terminated */
	uint64_t parent;     /* seq of the libbpf call it was made in, or 0 */
	/* Where it was called from (bpfspy run --stack), or NULL: rendered
	 * as the event's last keys (bpf_stack.h). */
	const struct bpf_stack *stack;
	/* A libbpf call's time from start to end, the shim's recording of
	 * the calls inside it included (dur_ns leaves that out); 0: none. */
	uint64_t wall_ns;
};

/* The keys every event starts with: "event":@event, seq, ts, dur_ns, pid,
 * tid, comm, and parent when there is one. */
void bpf_render_envelope(struct jsonw *w, const char *event,
			 const struct bpf_event_env *env);

/* "stack" and "stack_truncated" of @env, when it has a stack. */
void bpf_render_env_stack(struct jsonw *w, const struct bpf_event_env *env);

/* One whole bpf event line, without the trailing newline: the envelope,
 * the call, its checks, its stack. */
void bpf_render_event(struct jsonw *w, const struct bpf_event_env *env,
		      const struct bpf_call *c, const struct decode_opts *o);

/* The same with its "checks" part (probe, checks, explanation, audit)
 * written by @checks(@ctx, ...) instead of bpf_render_checks(): by a
 * renderer that has the same bytes already (bpf_record.c). */
typedef void (*bpf_checks_fn)(void *ctx, struct jsonw *w, const struct bpf_call *c,
			      const struct decode_opts *o);
void bpf_render_event_with(struct jsonw *w, const struct bpf_event_env *env,
			   const struct bpf_call *c, const struct decode_opts *o,
			   bpf_checks_fn checks, void *ctx);
/* The same with the call's part (cmd to fds: bpf_render_call()) written
 * by @call too; either hook may be NULL. */
void bpf_render_event_hooks(struct jsonw *w, const struct bpf_event_env *env,
			    const struct bpf_call *c, const struct decode_opts *o,
			    bpf_checks_fn call, bpf_checks_fn checks, void *ctx);

/* The call and its checks, without envelope or stack (unit tests, the
 * fuzzer). */
void bpf_render_call_checked(struct jsonw *w, const struct bpf_call *c,
			     const struct decode_opts *o);

/* One whole libbpf event line; nothing for an unknown function id. */
void libbpf_render_event(struct jsonw *w, const struct bpf_event_env *env,
			 const struct libbpf_call *c, const struct decode_opts *o);
/* Its body, from "func" to the checks: libbpf_render_call() and
 * libbpf_render_checks(). */
void libbpf_render_body(struct jsonw *w, const struct libbpf_call *c,
			const struct decode_opts *o);
/* The same line with its body written by @body (a memo of it). */
typedef void (*libbpf_body_fn)(void *ctx, struct jsonw *w, const struct libbpf_call *c,
			       const struct decode_opts *o);
void libbpf_render_event_with(struct jsonw *w, const struct bpf_event_env *env,
			      const struct libbpf_call *c, const struct decode_opts *o,
			      libbpf_body_fn body, void *ctx);

#endif
