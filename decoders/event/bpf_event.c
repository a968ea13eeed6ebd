// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Event lines: envelope, decoded call, checks, stack (bpf_event.h).
 */
#include "event/bpf_event.h"

#include <string.h>

#include "check/bpf_check.h"
#include "event/bpf_stack.h"

/* The seconds' digits are kept per thread: a second holds thousands of
 * events, and formatting "sec.nsec" whole took ~315 instructions a line
 * (callgrind, bpfspy collect of 30,002 lookups). */
static __thread uint64_t ts_sec = UINT64_MAX;
static __thread char ts_digits[24];
static __thread size_t ts_len;

/* "S.NNNNNNNNN" at @o (room for 30); its length. */
static size_t fmt_ts(char *o, uint64_t ns)
{
	uint64_t sec = ns / 1000000000u;

	if (sec != ts_sec) {
		ts_len = fmt_u64(ts_digits, sec);
		ts_sec = sec;
	}
	memcpy(o, ts_digits, ts_len);
	o[ts_len] = '.';
	fmt_u64_fixed(o + ts_len + 1, ns % 1000000000u, 9);
	return ts_len + 10;   /* digits and a dot */
}

void bpf_render_ts(struct jsonw *w, const char *key, uint64_t ns)
{
	char b[64];   /* 30 used; GCC bounds the length by ts_digits' type only */

	jw_plain(w, key, b, fmt_ts(b, ns));
}

/*
 * ,"pid":N,"tid":N,"comm":"..." of the thread last rendered, kept per
 * rendering thread: a thread's events come in runs, and its two numbers
 * and its name cost ~250 instructions a line (callgrind, bpfspy collect).
 * Members past the first only (their comma is in the bytes).
 */
static __thread struct {
	bool valid;
	uint32_t pid, tid;
	char comm[16];
	size_t len;
	char bytes[112];
} t_who;

static void render_who(struct jsonw *w, const struct bpf_event_env *env)
{
	const char *comm = env->comm ? env->comm : "";
	struct jsonw t;

	if (!(t_who.valid && t_who.pid == env->pid && t_who.tid == env->tid &&
	      !strncmp(t_who.comm, comm, sizeof(t_who.comm)))) {
		jw_init(&t, t_who.bytes, sizeof(t_who.bytes));
		t.first = 0;   /* a comma before the first */
		jw_u64(&t, "pid", env->pid);
		jw_u64(&t, "tid", env->tid);
		jw_strn(&t, "comm", comm, 16);
		t_who.valid = !jw_overflowed(&t) && !t.bad && !t.npend;
		if (!t_who.valid) {   /* what the writer must see: the long way */
			jw_u64(w, "pid", env->pid);
			jw_u64(w, "tid", env->tid);
			jw_strn(w, "comm", comm, 16);
			return;
		}
		t_who.len = t.len;
		t_who.pid = env->pid;
		t_who.tid = env->tid;
		strncpy(t_who.comm, comm, sizeof(t_who.comm));
	}
	jw_raw(w, t_who.bytes, t_who.len);
}

/* Room the fast envelope needs past its event name: the keys, four
 * 20-digit numbers and a timestamp's 31 characters. */
#define ENVELOPE_ROOM 192u

static char *put_u64(char *o, uint64_t v)
{
	return o + fmt_u64(o, v);
}

#define PUT_LIT(o, s) (memcpy((o), (s), sizeof(s) - 1), (o) + sizeof(s) - 1)

/*
 * The envelope's numbers written straight into the line, where it opens
 * an object just begun and has room: member by member through the
 * writer, seq, ts and dur_ns took ~610 of a lookup line's ~2,060
 * instructions (callgrind, bpfspy collect).  The same bytes either way;
 * false: nothing written, the writer's way then.
 */
static bool envelope_fast(struct jsonw *w, const char *event, size_t elen,
			  const struct bpf_event_env *env)
{
	char *o, *start;

	if (w->depth < 1 || !(w->first & (1u << w->depth)) || w->len > w->cap ||
	    w->cap - w->len < ENVELOPE_ROOM + elen)
		return false;
	o = start = w->buf + w->len;
	o = PUT_LIT(o, "\"event\":\"");
	memcpy(o, event, elen);
	o += elen;
	o = PUT_LIT(o, "\",\"seq\":");
	o = put_u64(o, env->seq);
	o = PUT_LIT(o, ",\"ts\":\"");
	o += fmt_ts(o, env->ts);
	o = PUT_LIT(o, "\",\"dur_ns\":");
	o = put_u64(o, env->dur_ns);
	if (env->wall_ns) {
		o = PUT_LIT(o, ",\"wall_ns\":");
		o = put_u64(o, env->wall_ns);
	}
	w->len += (size_t)(o - start);
	w->first &= ~(1u << w->depth);
	return true;
}

void bpf_render_envelope(struct jsonw *w, const char *event,
			 const struct bpf_event_env *env)
{
	size_t elen = strlen(event);   /* "bpf", "libbpf": ours, nothing to escape */

	if (!envelope_fast(w, event, elen, env)) {
		jw_plain(w, "event", event, elen);
		jw_u64(w, "seq", env->seq);
		bpf_render_ts(w, "ts", env->ts);
		jw_u64(w, "dur_ns", env->dur_ns);
		if (env->wall_ns)
			jw_u64(w, "wall_ns", env->wall_ns);
	}
	render_who(w, env);
	if (env->parent)
		jw_u64(w, "parent", env->parent);
}

void bpf_render_env_stack(struct jsonw *w, const struct bpf_event_env *env)
{
	if (env->stack)
		bpf_render_stack(w, env->stack);
}

void bpf_render_call_checked(struct jsonw *w, const struct bpf_call *c,
			     const struct decode_opts *o)
{
	bpf_render_call(w, c, o);
	bpf_render_checks(w, c, o);
}

void bpf_render_event_with(struct jsonw *w, const struct bpf_event_env *env,
			   const struct bpf_call *c, const struct decode_opts *o,
			   bpf_checks_fn checks, void *ctx)
{
	bpf_render_event_hooks(w, env, c, o, NULL, checks, ctx);
}

void bpf_render_event_hooks(struct jsonw *w, const struct bpf_event_env *env,
			    const struct bpf_call *c, const struct decode_opts *o,
			    bpf_checks_fn call, bpf_checks_fn checks, void *ctx)
{
	jw_obj_open(w, NULL);
	bpf_render_envelope(w, "bpf", env);
	if (call)
		call(ctx, w, c, o);
	else
		bpf_render_call(w, c, o);
	if (checks)
		checks(ctx, w, c, o);
	else
		bpf_render_checks(w, c, o);
	bpf_render_env_stack(w, env);
	jw_obj_close(w);
}

void bpf_render_event(struct jsonw *w, const struct bpf_event_env *env,
		      const struct bpf_call *c, const struct decode_opts *o)
{
	bpf_render_event_with(w, env, c, o, NULL, NULL);
}

void libbpf_render_body(struct jsonw *w, const struct libbpf_call *c,
			const struct decode_opts *o)
{
	libbpf_render_call(w, c, o);
	libbpf_render_checks(w, c, o);
}

void libbpf_render_event_with(struct jsonw *w, const struct bpf_event_env *env,
			      const struct libbpf_call *c, const struct decode_opts *o,
			      libbpf_body_fn body, void *ctx)
{
	if (!libbpf_func(c->id))
		return;
	jw_obj_open(w, NULL);
	bpf_render_envelope(w, "libbpf", env);
	if (body)
		body(ctx, w, c, o);
	else
		libbpf_render_body(w, c, o);
	bpf_render_env_stack(w, env);
	jw_obj_close(w);
}

void libbpf_render_event(struct jsonw *w, const struct bpf_event_env *env,
			 const struct libbpf_call *c, const struct decode_opts *o)
{
	libbpf_render_event_with(w, env, c, o, NULL, NULL);
}
