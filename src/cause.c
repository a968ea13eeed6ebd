// SPDX-License-Identifier: GPL-2.0-or-later
/* Causes travel up: see cause.h. */
#include "cause.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_read.h"

/*
 * The failed calls not yet claimed by their parent.  The calls made in a
 * libbpf call come just before it, so a ring of the recent ones is enough;
 * one older than the ring is forgotten (its parent then has no cause).
 */
#define PENDING 1024

struct pending {
	int64_t pid, parent, seq;
	struct call_cause c;
};

struct causes {
	struct pending ring[PENDING];
	unsigned long n;
	struct loader_failure *loaders;
	size_t nloaders, cap;
};

struct causes *causes_new(void)
{
	return calloc(1, sizeof(struct causes));
}

void causes_free(struct causes *cs)
{
	if (!cs)
		return;
	free(cs->loaders);
	free(cs);
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static void call_of(struct json_object *ev, char *buf, size_t cap)
{
	const char *cmd = trace_get_str(ev, "cmd"), *func = trace_get_str(ev, "func");

	if (cmd)
		copy(buf, cap, cmd);
	else
		snprintf(buf, cap, "%s()", func ? func : "?");
}

static bool own_cause(struct json_object *ev, const char *probe, struct call_cause *c)
{
	const char *text = trace_get_str(ev, "explanation.text");

	memset(c, 0, sizeof(*c));
	c->seq = trace_get_int(ev, "seq", 0);
	call_of(ev, c->call, sizeof(c->call));
	copy(c->err, sizeof(c->err), trace_get_str(ev, "errno"));
	copy(c->probe, sizeof(c->probe), probe ? probe : trace_get_str(ev, "probe"));
	if (!text)
		return false;
	c->explained = true;
	copy(c->rule, sizeof(c->rule), trace_get_str(ev, "explanation.rule"));
	copy(c->text, sizeof(c->text), text);
	copy(c->audit, sizeof(c->audit), trace_get_str(ev, "audit.verdict"));
	copy(c->fix, sizeof(c->fix), trace_get_str(ev, "audit.fix"));
	return true;
}

/* The last failed call (highest seq) made in @seq, preferring one that
 * is explained. */
static const struct pending *last_child(const struct causes *cs, int64_t pid, int64_t seq)
{
	const struct pending *best = NULL;
	unsigned long i, n = cs->n < PENDING ? cs->n : PENDING;

	for (i = 0; seq && i < n; i++) {
		const struct pending *p = &cs->ring[i];

		if (p->pid != pid || p->parent != seq)
			continue;
		if (!best || (p->c.explained && !best->c.explained) ||
		    (p->c.explained == best->c.explained && p->seq > best->seq))
			best = p;
	}
	return best;
}

static const char *const iter_cmds[] = {
	"BPF_MAP_GET_NEXT_KEY", "BPF_PROG_GET_NEXT_ID", "BPF_MAP_GET_NEXT_ID",
	"BPF_BTF_GET_NEXT_ID", "BPF_LINK_GET_NEXT_ID",
	"bpf_map_get_next_key", "bpf_prog_get_next_id", "bpf_map_get_next_id",
	"bpf_btf_get_next_id", "bpf_link_get_next_id",
};

bool causes_iteration_end(struct json_object *ev)
{
	const char *what = trace_get_str(ev, "cmd"), *err = trace_get_str(ev, "errno");
	size_t i;

	if (!what)
		what = trace_get_str(ev, "func");
	if (!what || !err || strcmp(err, "ENOENT"))
		return false;
	for (i = 0; i < sizeof(iter_cmds) / sizeof(iter_cmds[0]); i++)
		if (!strcmp(what, iter_cmds[i]))
			return true;
	return false;
}

static struct loader_failure *loader_slot(struct causes *cs, int64_t pid)
{
	size_t i;

	for (i = 0; i < cs->nloaders; i++)
		if (cs->loaders[i].pid == pid)
			return &cs->loaders[i];
	if (cs->nloaders == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 8;
		struct loader_failure *v = realloc(cs->loaders, cap * sizeof(*v));

		if (!v)
			return NULL;
		cs->loaders = v;
		cs->cap = cap;
	}
	memset(&cs->loaders[cs->nloaders], 0, sizeof(cs->loaders[0]));
	cs->loaders[cs->nloaders].pid = pid;
	return &cs->loaders[cs->nloaders++];
}

/* A failed bpf call a loader without libbpf events may have died of. */
static void note_raw(struct causes *cs, struct json_object *ev, const struct call_cause *c)
{
	struct loader_failure *f;

	if (!trace_get_str(ev, "cmd") || c->probe[0] || causes_iteration_end(ev))
		return;
	f = loader_slot(cs, trace_get_int(ev, "pid", 0));
	if (!f)
		return;
	f->has_raw = true;
	f->raw = *c;
}

static void note_loader(struct causes *cs, struct json_object *ev, const struct call_cause *c,
			bool inherited)
{
	const char *func = trace_get_str(ev, "func");
	struct loader_failure *f;
	bool object_load = func && !strcmp(func, "bpf_object__load");

	if (!func || trace_get(ev, "parent") || causes_iteration_end(ev))
		return;
	f = loader_slot(cs, trace_get_int(ev, "pid", 0));
	if (!f || (f->object_load && !object_load))
		return;
	f->seq = trace_get_int(ev, "seq", 0);
	f->object_load = object_load;
	call_of(ev, f->call, sizeof(f->call));
	copy(f->err, sizeof(f->err), trace_get_str(ev, "errno"));
	f->explained = c->explained;
	f->inherited = inherited;
	f->recovered = false;
	f->cause = *c;
}

bool causes_add(struct causes *cs, struct json_object *ev, const char *probe,
		struct call_cause *out, bool *inherited)
{
	int64_t pid = trace_get_int(ev, "pid", 0), seq = trace_get_int(ev, "seq", 0);
	struct pending *slot;
	const struct pending *child;

	*inherited = false;
	if (!own_cause(ev, probe, out) && trace_get_str(ev, "func")) {
		child = last_child(cs, pid, seq);
		if (child) {
			*out = child->c;
			*inherited = true;
		}
	}
	slot = &cs->ring[cs->n++ % PENDING];
	slot->pid = pid;
	slot->seq = seq;
	slot->parent = trace_get_int(ev, "parent", 0);
	slot->c = *out;
	note_loader(cs, ev, out, *inherited);
	note_raw(cs, ev, out);
	return out->explained;
}

static struct loader_failure *find_loader(const struct causes *cs, int64_t pid)
{
	size_t i;

	for (i = 0; i < cs->nloaders; i++)
		if (cs->loaders[i].pid == pid)
			return &cs->loaders[i];
	return NULL;
}

void causes_success(struct causes *cs, struct json_object *ev)
{
	struct loader_failure *f = find_loader(cs, trace_get_int(ev, "pid", 0));

	if (f && f->seq && !f->object_load && trace_get(ev, "fds") &&
	    trace_get_int(ev, "ret", -1) > 0 && trace_get_int(ev, "seq", 0) > f->seq)
		f->recovered = true;
}

void causes_exit(struct causes *cs, struct json_object *ev)
{
	struct loader_failure *f = loader_slot(cs, trace_get_int(ev, "pid", 0));

	if (!f)
		return;
	f->exit_known = true;
	f->exit_status = (int)trace_get_int(ev, "status", 0);
	f->exit_signal = (int)trace_get_int(ev, "signal", 0);
	/* no libbpf call failed: the last failed syscall is the loader's */
	if (!f->seq && f->has_raw) {
		f->seq = f->raw.seq;
		snprintf(f->call, sizeof(f->call), "%s", f->raw.call);
		snprintf(f->err, sizeof(f->err), "%s", f->raw.err);
		f->explained = f->raw.explained;
		f->inherited = false;
		f->cause = f->raw;
	}
}

/* A failure of the loader: a failed call, and the exit, or else the lack
 * of anything made after it, says the loader gave up there. */
static bool counts(const struct loader_failure *f)
{
	return f->seq && (f->exit_known || !f->recovered);
}

const struct loader_failure *causes_loader(const struct causes *cs, size_t i)
{
	size_t j;

	for (j = 0; j < cs->nloaders; j++)
		if (counts(&cs->loaders[j]) && !i--)
			return &cs->loaders[j];
	return NULL;
}

const struct loader_failure *causes_loader_of(const struct causes *cs, int64_t pid)
{
	const struct loader_failure *f = find_loader(cs, pid);

	return f && counts(f) ? f : NULL;
}

bool causes_privilege_rule(const char *rule)
{
	return rule && !strcmp(rule, "capability");
}

void causes_sentence(const struct loader_failure *f, char *buf, size_t cap)
{
	const struct call_cause *c = &f->cause;
	size_t len;

	if (f->exit_signal)
		len = (size_t)snprintf(buf, cap, "killed by signal %d after %s failed with %s",
				       f->exit_signal, f->call, f->err);
	else if (f->exit_known)
		len = (size_t)snprintf(buf, cap, "exit status %d after %s failed with %s",
				       f->exit_status, f->call, f->err);
	else
		len = (size_t)snprintf(buf, cap, "%s failed with %s", f->call, f->err);
	if (f->inherited)
		len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0,
					" because %s (seq %" PRId64 "%s) failed with %s", c->call,
					c->seq, c->probe[0] ? ", the feature probe it gave up after" : "",
					c->err);
	if (!f->explained) {
		snprintf(buf + len, len < cap ? cap - len : 0, "; no rule explains it.");
		return;
	}
	len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, ", rule %s: %s", c->rule,
				c->audit[0] && causes_privilege_rule(c->rule) ? c->audit : c->text);
	if (c->fix[0])
		len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, "; to pass, %s",
					c->fix);
	snprintf(buf + len, len < cap ? cap - len : 0, ".");
}
