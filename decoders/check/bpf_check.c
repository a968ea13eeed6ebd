// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running the rules over one call and rendering what they found: the
 * "probe" label, "checks", "explanation" and "audit" of a bpf event.
 */
#include "syscall/bpf_attr.h"
#include "check/bpf_check.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

static const char *const verdict_names[] = {
	[V_NA] = "n/a", [V_PASS] = "pass", [V_FAIL] = "fail",
	[V_DRIFT] = "doc-drift", [V_UNKNOWN] = "unknown", [V_PROBE] = "probe",
};

const char *bpf_verdict_name(enum bpf_verdict v)
{
	return v <= V_PROBE ? verdict_names[v] : "?";
}

static unsigned kver_cache;

unsigned bpf_kernel_version(void)
{
	unsigned v = __atomic_load_n(&kver_cache, __ATOMIC_RELAXED);
	struct utsname u;
	unsigned a = 0, b = 0;
	const char *p;

	if (v)
		return v;
	if (uname(&u))
		return 0;
	for (p = u.release; *p >= '0' && *p <= '9'; p++)
		a = a * 10 + (unsigned)(*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			b = b * 10 + (unsigned)(*p - '0');
	v = KVER(a, b & 0xff);
	__atomic_store_n(&kver_cache, v, __ATOMIC_RELAXED);
	return v;
}

/* ---- feature probes ------------------------------------------------------- */

/*
 * Loaders find out what the kernel supports by making calls that may fail:
 * libbpf's feature probes (features.c), bcc's and bpftool's.  They are
 * told apart by what they create, since a statically linked libbpf leaves
 * no other trace of them:
 * - objects libbpf names for its probes: "libbpf_nametest", "libbpf_mmap",
 *   "libbpf_global", "libbpf_det_bind", ... (the libbpf_ prefix);
 * - anonymous programs of at most 8 instructions (the memcg, cookie,
 *   probe_read_kernel ... probes: 2 to 6 instructions here), and the
 *   anonymous program of BPF_MAXINSNS + 1 instructions (bpftool's probe
 *   of the large instruction limit);
 * - anonymous maps of at most one entry (libbpf_probe_bpf_map_type():
 *   max_entries 1, or 0 for the storage maps), and anonymous ring buffers
 *   of one page;
 * - BTF blobs of at most 256 bytes (one type or two: the BTF feature
 *   probes are 30 to 100 bytes; a real object's BTF is far larger);
 * - links to fd -1 (the perf and uprobe_multi link probes);
 * - BPF_COMMON_ATTRS with no struct (libbpf's probe of that extension);
 * - any call on an fd whose object is one of the above, by name.
 */
#define PROBE_MAX_INSNS 8
#define PROBE_MAX_BTF   256
#define PROBE_LARGE_INSNS 4097   /* BPF_MAXINSNS + 1 */
#define PROBE_RINGBUF   4096     /* one page */

static bool libbpf_named(const char *name, size_t cap)
{
	return cap >= 7 && !strncmp(name, "libbpf_", 7);
}

static const char *probe_fd_note(const struct bpf_call *c, char *buf, size_t cap)
{
	unsigned i;

	for (i = 0; i < c->nnotes && i < BPF_FD_NOTES; i++) {
		const struct bpf_fd_note *n = &c->notes[i];

		if (n->fd != c->ret && libbpf_named(n->name, sizeof(n->name))) {
			snprintf(buf, cap, "uses libbpf's probe object \"%.16s\"", n->name);
			return buf;
		}
	}
	return NULL;
}

/* libbpf's map type probes: no name, one entry (none for the storage
 * maps), a ring buffer of one page. */
static bool anonymous_probe_map(const struct bpf_check_in *in, char *buf, size_t cap)
{
	uint64_t type = 0, entries = 0;

	if (!bpf_check_get(in, "map_type", &type) || !bpf_check_get(in, "max_entries", &entries))
		return false;
	switch (type) {
	case XV_BPF_MAP_TYPE_CGROUP_STORAGE:
	case XV_BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
	case XV_BPF_MAP_TYPE_SK_STORAGE:
	case XV_BPF_MAP_TYPE_INODE_STORAGE:
	case XV_BPF_MAP_TYPE_TASK_STORAGE:
	case XV_BPF_MAP_TYPE_CGRP_STORAGE:
		if (entries > 1)
			return false;
		break;
	case XV_BPF_MAP_TYPE_RINGBUF:
	case XV_BPF_MAP_TYPE_USER_RINGBUF:
		if (entries != PROBE_RINGBUF)
			return false;
		break;
	default:
		if (entries != 1)
			return false;
	}
	snprintf(buf, cap, "an anonymous map of %llu entr%s", (unsigned long long)entries,
		 entries == 1 ? "y" : "ies");
	return true;
}

const char *bpf_call_probe(const struct bpf_call *c, char *buf, size_t cap)
{
	struct bpf_check_in in = { .c = c, .d = bpf_cmd_desc(c->cmd) };
	char name[17] = "";
	uint64_t v = 0;
	int64_t target;

	if ((c->cmd_raw & BPF_COMMON_ATTRS_BIT) && !c->common_addr) {
		snprintf(buf, cap, "BPF_COMMON_ATTRS without a struct: the probe of that extension");
		return buf;
	}
	switch (c->cmd) {
	case XV_BPF_PROG_LOAD:
		if (bpf_attr_has(c, ATTR_PROG_LOAD_prog_name, 16))
			memcpy(name, c->pre + ATTR_PROG_LOAD_prog_name, 16);
		if (libbpf_named(name, sizeof(name))) {
			snprintf(buf, cap, "libbpf's probe program \"%s\"", name);
			return buf;
		}
		if (!name[0] && bpf_check_get(&in, "insn_cnt", &v) &&
		    (v <= PROBE_MAX_INSNS || v == PROBE_LARGE_INSNS)) {
			snprintf(buf, cap, "an anonymous %llu-instruction program",
				 (unsigned long long)v);
			return buf;
		}
		break;
	case XV_BPF_MAP_CREATE:
		if (bpf_attr_has(c, ATTR_MAP_CREATE_map_name, 16))
			memcpy(name, c->pre + ATTR_MAP_CREATE_map_name, 16);
		if (libbpf_named(name, sizeof(name))) {
			snprintf(buf, cap, "libbpf's probe map \"%s\"", name);
			return buf;
		}
		if (!name[0] && anonymous_probe_map(&in, buf, cap))
			return buf;
		break;
	case XV_BPF_BTF_LOAD:
		if (bpf_check_get(&in, "btf_size", &v) && v <= PROBE_MAX_BTF) {
			snprintf(buf, cap, "a %llu-byte BTF blob", (unsigned long long)v);
			return buf;
		}
		break;
	case XV_BPF_LINK_CREATE:
		if (bpf_check_get(&in, "target_fd", &v)) {
			target = (int32_t)v;
			if (target == -1) {
				snprintf(buf, cap, "a link to fd -1");
				return buf;
			}
		}
		break;
	}
	return probe_fd_note(c, buf, cap);
}

/* ---- rendering -------------------------------------------------------------- */

static int map_type_of(const struct bpf_call *c)
{
	int fd = bpf_call_map_fd(c);
	unsigned i;

	if (fd < 0)
		return -1;
	for (i = 0; i < c->nnotes && i < BPF_FD_NOTES; i++)
		if (c->notes[i].fd == fd && c->notes[i].kind == OBJ_MAP && c->notes[i].has_type)
			return c->notes[i].type;
	return -1;
}

/* Whether @j explains @c's failure better than the best so far (@best,
 * NULL none): the first judgement that predicts the errno, preferring a
 * failed rule (the caller's mistake) to a passing one (documented
 * behaviour such as an EEXIST under BPF_NOEXIST). */
static bool better_explanation(const struct bpf_call *c, const struct bpf_judgement *j,
			       const struct bpf_judgement *best)
{
	if (j->v == V_NA || !c->err || j->predicts != c->err)
		return false;
	return !best || ((j->v == V_FAIL || j->v == V_PROBE) &&
			 best->v != V_FAIL && best->v != V_PROBE);
}

static void render_explanation(struct jsonw *w, const struct bpf_call *c,
			       const struct bpf_judgement *e, size_t rule)
{
	char text[320];

	snprintf(text, sizeof(text), "%s: the kernel returns %s", e->why,
		 errno_name(c->err) ? errno_name(c->err) : "this errno");
	jw_obj_open(w, "explanation");
	jw_str(w, "rule", bpf_rules[rule].id);
	jw_str(w, "text", text);
	jw_obj_close(w);
}

bool bpf_checks_see_payload(const struct bpf_call *c)
{
	static uint64_t cmds;   /* the rules' payload_cmds together; bit 63: known */
	uint64_t m = __atomic_load_n(&cmds, __ATOMIC_RELAXED);
	size_t i;

	if (!(m >> 63)) {
		for (m = 1ull << 63, i = 0; i < bpf_rules_count; i++)
			m |= bpf_rules[i].payload_cmds;
		__atomic_store_n(&cmds, m, __ATOMIC_RELAXED);
	}
	return c->cmd >= 63 || ((m >> c->cmd) & 1);
}

/*
 * Rendered where the event is, possibly in the traced program on a small
 * signal stack: one judgement at a time and the best explanation so far,
 * ~1 KiB of stack, not one per rule.
 */
void bpf_render_checks(struct jsonw *w, const struct bpf_call *c,
		       const struct decode_opts *o)
{
	struct bpf_check_in in = {
		.c = c, .d = bpf_cmd_desc(c->cmd), .o = o,
		.kver = bpf_kernel_version(), .map_type = map_type_of(c),
	};
	struct bpf_judgement j, best;
	size_t i, best_rule = 0;
	bool have_best = false;
	char pbuf[96];
	const char *probe;

	if (o->no_check)
		return;
	probe = bpf_call_probe(c, pbuf, sizeof(pbuf));
	if (probe)
		jw_str(w, "probe", probe);
	/* A failure bpfspy made (--inject, --deny) is no kernel's answer:
	 * nothing to judge, explain or audit. */
	if (c->facts.flags & (BPF_FACT_INJECTED | BPF_FACT_DENIED))
		return;
	jw_arr_open(w, "checks");
	for (i = 0; i < bpf_rules_count; i++) {
		j.v = V_NA;
		j.predicts = 0;
		j.why[0] = 0;
		bpf_rules[i].judge(&in, &j);
		if (j.v == V_NA)
			continue;
		if (j.v == V_FAIL && probe)
			j.v = V_PROBE;
		jw_obj_open(w, NULL);
		jw_plain(w, "rule", bpf_rules[i].id, strlen(bpf_rules[i].id));   /* ours */
		jw_plain(w, "verdict", bpf_verdict_name(j.v), strlen(bpf_verdict_name(j.v)));
		jw_str(w, "why", j.why);
		jw_obj_close(w);
		if (c->ret < 0 && better_explanation(c, &j, have_best ? &best : NULL)) {
			best = j;
			best_rule = i;
			have_best = true;
		}
	}
	jw_arr_close(w);
	if (have_best)
		render_explanation(w, c, &best, best_rule);
	bpf_render_audit(w, &in);
}
