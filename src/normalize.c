// SPDX-License-Identifier: GPL-2.0-or-later
/* Events without what changes from run to run: see normalize.h. */
#include "normalize.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "trace_read.h"

uint64_t norm_hash(const void *p, size_t n, uint64_t seed)
{
	return XXH3_64bits_withSeed(p, n, seed);
}

const char *norm_short(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!s)
		return "?";
	return strncmp(s, prefix, n) || !s[n] ? s : s + n;
}

int norm_fd_name(struct json_object *fdobj, char *buf, size_t cap)
{
	const char *kind = trace_get_str(fdobj, "kind");
	const char *name = trace_get_str(fdobj, "name");
	const char *type = trace_get_str(fdobj, "type");

	if (!kind)
		return 0;
	if (name && *name)
		snprintf(buf, cap, "%s %s", kind, name);
	else if (type)
		snprintf(buf, cap, "%s %s", kind, type);
	else
		snprintf(buf, cap, "%s", kind);
	return 1;
}

/* The name of the object behind fd field @key of @ev, from its "fds". */
static int fd_field_name(struct json_object *ev, const char *key, char *buf, size_t cap)
{
	struct json_object *fds = trace_get(ev, "fds"), *v, *o;
	char num[24];

	v = trace_get(ev, key);
	if (!fds || !v || !json_object_is_type(v, json_type_int))
		return 0;
	snprintf(num, sizeof(num), "%" PRId64, json_object_get_int64(v));
	if (!json_object_object_get_ex(fds, num, &o))
		return 0;
	return norm_fd_name(o, buf, cap);
}

static void label_named(const char *kind, const char *name, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s %s", kind, name && *name ? name : "(anonymous)");
}

static void label_prog(struct json_object *ev, char *buf, size_t cap)
{
	const char *name = trace_get_str(ev, "attr.prog_name");

	if (name && *name)
		label_named("prog", name, buf, cap);
	else
		label_named("prog", trace_get_str(ev, "attr.prog_type"), buf, cap);
}

void norm_label(struct json_object *ev, char *buf, size_t cap)
{
	static const char *const fd_keys[] = {
		"attr.map_fd", "attr.prog_fd", "attr.link_fd", "attr.btf_fd", "attr.bpf_fd",
		"attr.target_fd", "fd",
	};
	const char *cmd = trace_get_str(ev, "cmd"), *s;
	size_t i;

	*buf = 0;
	if (!cmd) {   /* a libbpf call */
		if ((s = trace_get_str(ev, "args.map_name")))
			return label_named("map", s, buf, cap);
		if ((s = trace_get_str(ev, "args.prog_name")))
			return label_named("prog", s, buf, cap);
		s = trace_get_str(ev, "object");
		if (s)
			snprintf(buf, cap, "%s", s);
		return;
	}
	if (!strcmp(cmd, "BPF_MAP_CREATE"))
		return label_named("map", trace_get_str(ev, "attr.map_name"), buf, cap);
	if (!strcmp(cmd, "BPF_PROG_LOAD"))
		return label_prog(ev, buf, cap);
	if (!strcmp(cmd, "BPF_BTF_LOAD")) {
		snprintf(buf, cap, "btf");
		return;
	}
	if (!strcmp(cmd, "BPF_OBJ_PIN") || !strcmp(cmd, "BPF_OBJ_GET")) {
		s = trace_get_str(ev, "attr.pathname");
		snprintf(buf, cap, "pin %s", s ? s : "?");
		return;
	}
	if (!strcmp(cmd, "BPF_RAW_TRACEPOINT_OPEN") && (s = trace_get_str(ev, "attr.name"))) {
		snprintf(buf, cap, "tp %s", s);
		return;
	}
	for (i = 0; i < sizeof(fd_keys) / sizeof(fd_keys[0]); i++)
		if (fd_field_name(ev, fd_keys[i], buf, cap))
			return;
}

bool norm_failed(struct json_object *ev)
{
	const char *e = trace_get_str(ev, "errno");

	if (!e)
		return false;
	if (trace_get_str(ev, "cmd"))
		return trace_get_int(ev, "ret", 0) < 0;
	return true;
}

/* Lines of the log's statistics, which say nothing about why. */
static bool stats_line(const char *l, size_t n)
{
	static const char *const pre[] = {
		"processed ", "verification time", "stack depth", "-- END PROG LOAD LOG --",
	};
	size_t i;

	if (!n)
		return true;
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (n >= strlen(pre[i]) && !strncmp(l, pre[i], strlen(pre[i])))
			return true;
	return false;
}

size_t norm_log_reason(const char *log, char *buf, size_t cap, int max_lines)
{
	const char *end, *start, *p;
	int lines = 0;
	size_t n;

	if (!cap)
		return 0;
	*buf = 0;
	if (!log)
		return 0;
	end = log + strlen(log);
	/* drop the statistics and blank lines at the end */
	for (;;) {
		while (end > log && end[-1] == '\n')
			end--;
		for (p = end; p > log && p[-1] != '\n'; p--)
			;
		if (p == end || !stats_line(p, (size_t)(end - p)))
			break;
		end = p;
	}
	start = end;
	while (start > log && lines < max_lines) {
		for (p = start - 1; p > log && p[-1] != '\n'; p--)
			;
		start = p;
		lines++;
	}
	n = (size_t)(end - start);
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, start, n);
	buf[n] = 0;
	return n;
}

/* ---- the normal form ----------------------------------------------------- */

struct walk {
	const struct norm_opts *o;
	struct json_object *ev;
	norm_resolve_fn resolve;
	void *rctx;
	norm_emit_fn emit;
	void *ectx;
	bool outcome;
	bool has_insns;      /* insns_decoded stands for insns_digest */
	char path[512];
	size_t plen;
};

/* Kernel object ids: they number objects in the order the kernel made
 * them, so they differ from run to run. */
static bool kernel_id_key(const char *k)
{
	static const char *const ids[] = {
		"id", "start_id", "next_id", "prog_id", "map_id", "btf_id", "link_id",
		"relative_id", "attach_btf_obj_id", "target_obj_id", "cgroup_id",
	};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!strcmp(k, ids[i]))
			return true;
	return false;
}

static bool fd_key(const char *k)
{
	size_t n = strlen(k);

	return n >= 2 && !strcmp(k + n - 2, "fd");
}

/* Value bytes: what a map holds, often a pid or a counter. */
static bool payload_key(const char *k)
{
	return !strcmp(k, "value_data") || !strcmp(k, "values_data") ||
	       !strcmp(k, "value_data_percpu") ||
	       !strcmp(k, "data_out") || !strcmp(k, "ctx_out");
}

/* An address: "0x" and at least six hex digits. */
static bool pointer_str(const char *s, size_t n)
{
	size_t i;

	if (n < 8 || s[0] != '0' || s[1] != 'x')
		return false;
	for (i = 2; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool ignored(const struct walk *w, const char *key)
{
	int i;

	for (i = 0; i < w->o->nignore; i++) {
		const char *ig = w->o->ignore[i];

		if (strchr(ig, '.') ? !strcmp(ig, w->path) : !strcmp(ig, key))
			return true;
	}
	return false;
}

static size_t path_push(struct walk *w, const char *key)
{
	size_t old = w->plen, n = strlen(key);

	if (old + n + 2 >= sizeof(w->path))
		n = sizeof(w->path) - old - 2;
	if (old)
		w->path[w->plen++] = '.';
	memcpy(w->path + w->plen, key, n);
	w->plen += n;
	w->path[w->plen] = 0;
	return old;
}

static void path_pop(struct walk *w, size_t old)
{
	w->plen = old;
	w->path[old] = 0;
}

static void emit(struct walk *w, enum norm_kind k, const char *v, size_t n)
{
	w->emit(w->ectx, w->path, k, v, n, w->outcome);
}

static void emit_str(struct walk *w, enum norm_kind k, const char *v)
{
	emit(w, k, v, strlen(v));
}

/* An fd: the object it names, or "<fd>" for one bpfspy does not know. */
static void emit_fd(struct walk *w, int64_t fd)
{
	char buf[160];
	const char *name = NULL;
	struct json_object *fds = trace_get(w->ev, "fds"), *o;

	if (fd <= 0) {
		snprintf(buf, sizeof(buf), "%" PRId64, fd);
		return emit_str(w, NV_NUM, buf);
	}
	snprintf(buf, sizeof(buf), "%" PRId64, fd);
	if (fds && json_object_object_get_ex(fds, buf, &o) && norm_fd_name(o, buf + 1, sizeof(buf) - 2))
		name = buf + 1;
	else if (w->resolve)
		name = w->resolve(w->rctx, fd);
	if (!name)
		return emit_str(w, NV_SUBST, "<fd>");
	if (name != buf + 1)
		snprintf(buf + 1, sizeof(buf) - 2, "%s", name);
	buf[0] = '<';
	strcat(buf, ">");
	emit_str(w, NV_SUBST, buf);
}

static void walk_value(struct walk *w, const char *key, struct json_object *v);

static bool skipped(const struct walk *w, const char *k)
{
	if (payload_key(k) && !w->o->payload)
		return true;
	if (w->has_insns && !strcmp(k, "insns_digest"))
		return true;
	/* the BTF-typed form of bytes compared (or not) as hex */
	if (strlen(k) > 6 && (!strcmp(k + strlen(k) - 6, "_typed") ||
			      strstr(k, "_typed_percpu")))
		return true;
	return ignored(w, k);
}

static void walk_object(struct walk *w, struct json_object *o)
{
	json_object_object_foreach(o, k, v) {
		size_t old = path_push(w, k);

		if (!skipped(w, k))
			walk_value(w, k, v);
		path_pop(w, old);
	}
}

/* The instructions as decoded (--insns), with the fds of map references
 * replaced by the maps' names: a digest that does not change when a
 * loader's fds are numbered differently. */
void norm_buf_leaf(void *ctx, const char *path, enum norm_kind kind, const char *val,
		   size_t len, bool outcome)
{
	struct norm_buf *b = ctx;
	size_t pl = strlen(path), need = b->len + pl + len + 4;

	if (need > b->cap) {
		size_t cap = need * 2;
		char *p = realloc(b->p, cap);

		if (!p)
			return;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, path, pl);
	b->len += pl;
	b->p[b->len++] = 0;
	b->p[b->len++] = (char)kind;
	memcpy(b->p + b->len, val, len);
	b->len += len;
	b->p[b->len++] = outcome;
}

static void walk_insns(struct walk *w, struct json_object *arr)
{
	struct norm_buf b = { 0 };
	struct walk sub = *w;
	size_t i, n = json_object_array_length(arr);
	char out[48];

	sub.emit = norm_buf_leaf;
	sub.ectx = &b;
	sub.plen = 0;
	sub.path[0] = 0;
	for (i = 0; i < n; i++) {
		struct json_object *insn = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(insn, json_type_object))
			continue;
		json_object_object_foreach(insn, k, v) {
			/* imm64 of a map reference holds the fd: map_fd names it */
			if (!strcmp(k, "imm64") && trace_get(insn, "map_fd"))
				continue;
			/* the verifier-style text says the same, with map ids */
			if (!strcmp(k, "text"))
				continue;
			path_push(&sub, k);
			walk_value(&sub, k, v);
			path_pop(&sub, 0);
		}
		norm_buf_leaf(&b, "", NV_NULL, "", 0, false);
	}
	snprintf(out, sizeof(out), "norm:%016" PRIx64, norm_hash(b.p, b.len, 0));
	free(b.p);
	emit_str(w, NV_STR, out);
}

static void walk_array(struct walk *w, const char *key, struct json_object *a)
{
	size_t i, n = json_object_array_length(a);
	char idx[24];

	for (i = 0; i < n; i++) {
		size_t old = w->plen;

		snprintf(idx, sizeof(idx), "[%zu]", i);
		if (w->plen + strlen(idx) + 1 < sizeof(w->path)) {
			strcpy(w->path + w->plen, idx);
			w->plen += strlen(idx);
		}
		walk_value(w, key, json_object_array_get_idx(a, i));
		path_pop(w, old);
	}
}

static void walk_value(struct walk *w, const char *key, struct json_object *v)
{
	const char *s;
	size_t n;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return emit(w, NV_NULL, "null", 4);
	case json_type_boolean:
		return emit_str(w, NV_BOOL, json_object_get_boolean(v) ? "true" : "false");
	case json_type_double:
	case json_type_int:
		if (kernel_id_key(key))
			return emit_str(w, NV_SUBST, "<id>");
		if (fd_key(key) || !strcmp(key, "fd_array_data"))
			return emit_fd(w, json_object_get_int64(v));
		s = json_object_get_string(v);
		return emit_str(w, NV_NUM, s);
	case json_type_string:
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		if (pointer_str(s, n))
			return emit_str(w, NV_SUBST, "<ptr>");
		return emit(w, NV_STR, s, n);
	case json_type_object:
		return walk_object(w, v);
	case json_type_array:
		if (!strcmp(key, "insns_decoded") && !w->has_insns)
			return;                 /* the digest stands for them */
		if (!strcmp(key, "insns_decoded"))
			return walk_insns(w, v);
		return walk_array(w, key, v);
	}
}

/* A positive return: the object of the fd it made, else the number. */
static void emit_ret(struct walk *w, int64_t ret)
{
	struct json_object *fds = trace_get(w->ev, "fds"), *o;
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, ret);
	if ((fds && json_object_object_get_ex(fds, num, &o)) ||
	    (w->resolve && w->resolve(w->rctx, ret)))
		return emit_fd(w, ret);
	emit_str(w, NV_NUM, num);
}

/* The verifier's verdict on a failed load: the line that says why. */
static void walk_verdict(struct walk *w)
{
	const char *log = trace_get_str(w->ev, "out.log");
	char buf[512];
	size_t old;

	if (!log || !norm_failed(w->ev))
		return;
	norm_log_reason(log, buf, sizeof(buf), 1);
	old = path_push(w, "verifier");
	if (!ignored(w, "verifier"))
		emit_str(w, NV_STR, buf);
	path_pop(w, old);
}

static bool input_key(const char *k, bool libbpf)
{
	static const char *const bpf_keys[] = {
		"cmd", "cmd_num", "size", "size_over_page", "attr", "attr_tail", "attr_fault",
		"attr_raw", "attr_tail_unreadable", "common_attrs",
	};
	static const char *const libbpf_keys[] = { "func", "args", "object" };
	const char *const *keys = libbpf ? libbpf_keys : bpf_keys;
	size_t i, n = libbpf ? 3 : sizeof(bpf_keys) / sizeof(bpf_keys[0]);

	for (i = 0; i < n; i++)
		if (!strcmp(k, keys[i]))
			return true;
	return false;
}

void norm_event(struct json_object *ev, const struct norm_opts *o, norm_resolve_fn resolve,
		void *rctx, norm_emit_fn emitfn, void *ectx)
{
	struct walk w = {
		.o = o, .ev = ev, .resolve = resolve, .rctx = rctx, .emit = emitfn, .ectx = ectx,
		.has_insns = !o->digest_insns && trace_get(ev, "attr.insns_decoded") != NULL,
	};
	bool libbpf = trace_get_str(ev, "func") != NULL;

	json_object_object_foreach(ev, k, v) {
		size_t old;
		bool out = !strcmp(k, "ret") || !strcmp(k, "errno") || !strcmp(k, "errno_num");

		if (!out && !input_key(k, libbpf))
			continue;
		w.outcome = out;
		old = path_push(&w, k);
		if (ignored(&w, k)) {
			path_pop(&w, old);
			continue;
		}
		if (!strcmp(k, "ret") && json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) > 0) {
			emit_ret(&w, json_object_get_int64(v));
		} else {
			walk_value(&w, k, v);
		}
		path_pop(&w, old);
	}
	w.outcome = true;
	walk_verdict(&w);
}
