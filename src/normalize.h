/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What report and diff share: names for the objects an event is about,
 * the part of a verifier log that says why, and the normal form of an
 * event, in which what changes from run to run (fd numbers, kernel ids,
 * pointers, times, pids) is replaced or dropped.
 *
 * The normal form is a list of leaves, "path = value", in the order the
 * event has them.  Inputs (cmd, size, attr..., func, args) come first,
 * then the outcome (ret, errno, the verifier's verdict).  diff hashes the
 * leaves to align two runs and compares them field by field.
 *
 * Call-site stacks (bpfspy run --stack) are not part of it: their
 * addresses move with ASLR and their offsets with every rebuild, and a
 * run with stacks is to compare equal to one without.  diff compares
 * what was called, not where from.
 */
#ifndef BPFSPY_NORMALIZE_H
#define BPFSPY_NORMALIZE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "BPF_MAP_TYPE_HASH" -> "HASH" when it starts with @prefix. */
const char *norm_short(const char *s, const char *prefix);

/* What an fd entry of "fds" names: "map counts", "prog BPF_PROG_TYPE_...",
 * "btf", "link BPF_LINK_TYPE_...".  0 when @fdobj is not an object. */
int norm_fd_name(struct json_object *fdobj, char *buf, size_t cap);

/* What an event is about, without numbers: "map counts" for
 * BPF_MAP_CREATE and the map commands, "prog count_syscalls", "btf",
 * "tp sys_enter", "pin /sys/fs/bpf/x"; "" when nothing names it. */
void norm_label(struct json_object *ev, char *buf, size_t cap);

/* The lines of a verifier log that say why a load failed: the last
 * @max_lines lines before the statistics ("processed N insns ...").
 * Returns the length written to @buf. */
size_t norm_log_reason(const char *log, char *buf, size_t cap, int max_lines);

/* An event failed: ret < 0 with an errno (bpf), or an errno (libbpf). */
bool norm_failed(struct json_object *ev);

struct norm_opts {
	char *const *ignore;   /* paths ("attr.btf_digest") or keys ("btf_digest") */
	int nignore;
	bool payload;          /* compare value bytes too */
	/* compare programs by insns_digest even where insns_decoded is there:
	 * the other trace was made without --insns */
	bool digest_insns;
};

/* The name of @fd in the traced process at this event, or NULL. */
typedef const char *(*norm_resolve_fn)(void *ctx, int64_t fd);

enum norm_kind {
	NV_STR = 's',   /* a string from the trace */
	NV_NUM = 'n',   /* a number, as text */
	NV_NULL = 'z',
	NV_BOOL = 'b',
	NV_SUBST = 'x', /* a stand-in: "<ptr>", "<id>", "<map counts>" */
};

/* One leaf: @path ("attr.max_entries"), its value, and whether it is part
 * of the outcome.  @val is valid during the call only. */
typedef void (*norm_emit_fn)(void *ctx, const char *path, enum norm_kind kind,
			     const char *val, size_t len, bool outcome);

/* Leaves serialised into one growing buffer, to be hashed: pass
 * norm_buf_leaf as the norm_emit_fn and the buffer as its context.  Each
 * leaf is path, NUL, kind, value, outcome byte; the buffer is unchanged
 * when it cannot grow. */
struct norm_buf {
	char *p;
	size_t len, cap;
};
void norm_buf_leaf(void *buf, const char *path, enum norm_kind kind, const char *val,
		   size_t len, bool outcome);

/* Walk @ev (a "bpf" or "libbpf" event) in normal form. */
void norm_event(struct json_object *ev, const struct norm_opts *o, norm_resolve_fn resolve,
		void *rctx, norm_emit_fn emit, void *ectx);

/* 64-bit hashes. */
uint64_t norm_hash(const void *p, size_t n, uint64_t seed);

#endif
