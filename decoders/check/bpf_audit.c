// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The privilege audit of a failed call: what the kernel requires for this
 * command and this map or program type (bpf-abi.md §5), what the process
 * had at the call (struct bpf_priv, read by the shim), and the verdict.
 *
 * The model, as the kernel has it since 5.8 (CAP_BPF, CAP_PERFMON):
 * - bpf_capable(), perfmon_capable() and the token-aware checks accept
 *   CAP_SYS_ADMIN for any capability they ask for;
 * - the *_GET_NEXT_ID, PROG/MAP/LINK_GET_FD_BY_ID, TASK_FD_QUERY and
 *   ENABLE_STATS commands want CAP_SYS_ADMIN itself;
 * - kernel.unprivileged_bpf_disabled != 0 makes MAP_CREATE and PROG_LOAD
 *   want CAP_BPF even for the types that need nothing otherwise;
 * - capabilities count in the initial user namespace only, unless a BPF
 *   token is used (then the token's namespace decides: not judged here).
 */
#include "check/bpf_check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>


#define CAP(n) (1ull << (n))

struct need {
	uint64_t caps;        /* each one, or CAP_SYS_ADMIN in its place */
	bool sys_admin;       /* CAP_SYS_ADMIN itself */
	bool net_or_sys;      /* CAP_NET_ADMIN or CAP_SYS_ADMIN (PROG_QUERY) */
	bool sysctl;          /* kernel.unprivileged_bpf_disabled applies */
	char what[96];        /* "BPF_PROG_LOAD of a BPF_PROG_TYPE_XDP program" */
};

/* Map types by what they need (bpf-abi.md §2.2, map_create()). */
static const uint8_t map_need_bpf[] = {
	XV_BPF_MAP_TYPE_SK_STORAGE, XV_BPF_MAP_TYPE_INODE_STORAGE,
	XV_BPF_MAP_TYPE_TASK_STORAGE, XV_BPF_MAP_TYPE_CGRP_STORAGE,
	XV_BPF_MAP_TYPE_BLOOM_FILTER, XV_BPF_MAP_TYPE_LPM_TRIE,
	XV_BPF_MAP_TYPE_REUSEPORT_SOCKARRAY, XV_BPF_MAP_TYPE_STACK_TRACE,
	XV_BPF_MAP_TYPE_QUEUE, XV_BPF_MAP_TYPE_STACK, XV_BPF_MAP_TYPE_LRU_HASH,
	XV_BPF_MAP_TYPE_LRU_PERCPU_HASH, XV_BPF_MAP_TYPE_STRUCT_OPS,
	XV_BPF_MAP_TYPE_CPUMAP, XV_BPF_MAP_TYPE_ARENA, XV_BPF_MAP_TYPE_INSN_ARRAY
};
static const uint8_t map_need_net[] = {
	XV_BPF_MAP_TYPE_SOCKMAP, XV_BPF_MAP_TYPE_SOCKHASH, XV_BPF_MAP_TYPE_DEVMAP,
	XV_BPF_MAP_TYPE_DEVMAP_HASH, XV_BPF_MAP_TYPE_XSKMAP
};
/* Program types (is_net_admin_prog_type, is_perfmon_prog_type). */
static const uint8_t prog_need_net[] = {
	XV_BPF_PROG_TYPE_SCHED_CLS, XV_BPF_PROG_TYPE_SCHED_ACT,
	XV_BPF_PROG_TYPE_XDP, XV_BPF_PROG_TYPE_LWT_IN, XV_BPF_PROG_TYPE_LWT_OUT,
	XV_BPF_PROG_TYPE_LWT_XMIT, XV_BPF_PROG_TYPE_LWT_SEG6LOCAL,
	XV_BPF_PROG_TYPE_SK_SKB, XV_BPF_PROG_TYPE_SK_MSG,
	XV_BPF_PROG_TYPE_FLOW_DISSECTOR, XV_BPF_PROG_TYPE_CGROUP_DEVICE,
	XV_BPF_PROG_TYPE_CGROUP_SOCK, XV_BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
	XV_BPF_PROG_TYPE_CGROUP_SOCKOPT, XV_BPF_PROG_TYPE_CGROUP_SYSCTL,
	XV_BPF_PROG_TYPE_SOCK_OPS, XV_BPF_PROG_TYPE_EXT, XV_BPF_PROG_TYPE_NETFILTER
};
static const uint8_t prog_need_perfmon[] = {
	XV_BPF_PROG_TYPE_KPROBE, XV_BPF_PROG_TYPE_TRACEPOINT,
	XV_BPF_PROG_TYPE_PERF_EVENT, XV_BPF_PROG_TYPE_RAW_TRACEPOINT,
	XV_BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, XV_BPF_PROG_TYPE_TRACING,
	XV_BPF_PROG_TYPE_LSM, XV_BPF_PROG_TYPE_STRUCT_OPS, XV_BPF_PROG_TYPE_EXT
};

static bool listed(const uint8_t *list, size_t n, uint64_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}
#define LISTED(l, v) listed(l, sizeof(l), v)

static const char *xname(const struct xlat *x, uint64_t v, char *buf, size_t cap)
{
	const char *n = xlat_name(x, v);

	if (n)
		return n;
	snprintf(buf, cap, "type %llu", (unsigned long long)v);
	return buf;
}

static void need_map_create(const struct bpf_check_in *in, struct need *n)
{
	uint64_t t = 0;
	char b[32];

	bpf_check_get(in, "map_type", &t);
	n->sysctl = true;
	snprintf(n->what, sizeof(n->what), "BPF_MAP_CREATE of a %s map",
		 xname(&xlat_bpf_map_type, t, b, sizeof(b)));
	if (LISTED(map_need_bpf, t))
		n->caps = CAP(XV_CAP_BPF);
	else if (LISTED(map_need_net, t))
		n->caps = CAP(XV_CAP_NET_ADMIN);
}

static void need_prog_load(const struct bpf_check_in *in, struct need *n)
{
	uint64_t t = 0;
	char b[32];

	bpf_check_get(in, "prog_type", &t);
	n->sysctl = true;
	snprintf(n->what, sizeof(n->what), "BPF_PROG_LOAD of a %s program",
		 xname(&xlat_bpf_prog_type, t, b, sizeof(b)));
	if (t != XV_BPF_PROG_TYPE_SOCKET_FILTER && t != XV_BPF_PROG_TYPE_CGROUP_SKB)
		n->caps |= CAP(XV_CAP_BPF);
	if (LISTED(prog_need_net, t))
		n->caps |= CAP(XV_CAP_NET_ADMIN);
	if (LISTED(prog_need_perfmon, t))
		n->caps |= CAP(XV_CAP_PERFMON);
}

static void requirement(const struct bpf_check_in *in, struct need *n)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->what, sizeof(n->what), "%s", in->d ? in->d->name : "this command");
	switch (in->c->cmd) {
	case XV_BPF_MAP_CREATE:
		need_map_create(in, n);
		return;
	case XV_BPF_PROG_LOAD:
		need_prog_load(in, n);
		return;
	case XV_BPF_BTF_LOAD:
		n->caps = CAP(XV_CAP_BPF);
		return;
	case XV_BPF_BTF_GET_FD_BY_ID:
		n->caps = CAP(XV_CAP_SYS_ADMIN);
		return;
	case XV_BPF_PROG_GET_NEXT_ID:
	case XV_BPF_MAP_GET_NEXT_ID:
	case XV_BPF_BTF_GET_NEXT_ID:
	case XV_BPF_LINK_GET_NEXT_ID:
	case XV_BPF_PROG_GET_FD_BY_ID:
	case XV_BPF_MAP_GET_FD_BY_ID:
	case XV_BPF_LINK_GET_FD_BY_ID:
	case XV_BPF_TASK_FD_QUERY:
	case XV_BPF_ENABLE_STATS:
		n->sys_admin = true;
		return;
	case XV_BPF_PROG_QUERY:
		n->net_or_sys = true;
		return;
	}
}

bool bpf_audit_requires(const struct bpf_check_in *in)
{
	struct need n;

	requirement(in, &n);
	return n.caps || n.sys_admin || n.net_or_sys || n.sysctl;
}

static const int audited_caps[] = { XV_CAP_BPF, XV_CAP_PERFMON, XV_CAP_NET_ADMIN, XV_CAP_SYS_ADMIN };

/* Capabilities that count: none outside the initial user namespace. */
static uint64_t counted_caps(const struct bpf_priv *p)
{
	return p->userns == BPF_USERNS_CHILD ? 0 : p->cap_eff;
}

static bool token_used(const struct bpf_check_in *in)
{
	uint64_t f = 0;

	switch (in->c->cmd) {
	case XV_BPF_MAP_CREATE:
		return bpf_check_get(in, "map_flags", &f) && (f & XV_BPF_F_TOKEN_FD);
	case XV_BPF_PROG_LOAD:
		return bpf_check_get(in, "prog_flags", &f) && (f & XV_BPF_F_TOKEN_FD);
	case XV_BPF_BTF_LOAD:
		return bpf_check_get(in, "btf_flags", &f) && (f & XV_BPF_F_TOKEN_FD);
	}
	return false;
}

/* "CAP_BPF and CAP_PERFMON" of @set, in the audited order. */
static void cap_list(uint64_t set, char *buf, size_t cap, const char *conj)
{
	size_t len = 0, i, n = 0, total = 0;

	buf[0] = 0;
	for (i = 0; i < 4; i++)
		total += !!(set & CAP(audited_caps[i]));
	for (i = 0; i < 4 && len < cap; i++) {
		if (!(set & CAP(audited_caps[i])))
			continue;
		n++;
		len += (size_t)snprintf(buf + len, cap - len, "%s%s",
					n == 1 ? "" : n == total ? conj : ", ",
					xlat_name(&xlat_capability, audited_caps[i]));
	}
}

/* The required capabilities @n->caps the process lacks (CAP_SYS_ADMIN
 * stands in for any of them). */
static uint64_t missing_caps(const struct need *n, uint64_t have)
{
	if (have & CAP(XV_CAP_SYS_ADMIN))
		return 0;
	return n->caps & ~have;
}

bool bpf_audit_explain(const struct bpf_check_in *in, char *need, size_t ncap,
		       char *verdict, size_t vcap)
{
	const struct bpf_priv *p = &in->c->facts.priv;
	uint64_t have = counted_caps(p), miss;
	char reqs[96], lacks[96];
	struct need n;
	bool sysctl_bites, explained;
	size_t len;

	requirement(in, &n);
	if (n.sys_admin) {
		snprintf(need, ncap, "%s needs CAP_SYS_ADMIN", n.what);
		miss = have & CAP(XV_CAP_SYS_ADMIN) ? 0 : CAP(XV_CAP_SYS_ADMIN);
	} else if (n.net_or_sys) {
		snprintf(need, ncap, "%s needs CAP_NET_ADMIN or CAP_SYS_ADMIN", n.what);
		miss = have & (CAP(XV_CAP_NET_ADMIN) | CAP(XV_CAP_SYS_ADMIN)) ? 0 : CAP(XV_CAP_NET_ADMIN);
	} else if (n.caps) {
		cap_list(n.caps, reqs, sizeof(reqs), " and ");
		snprintf(need, ncap, "%s needs %s", n.what, reqs);
		miss = missing_caps(&n, have);
	} else {
		snprintf(need, ncap, "%s needs no capability", n.what);
		miss = 0;
	}
	sysctl_bites = n.sysctl && p->unpriv_disabled > 0 && missing_caps(&(struct need){
		.caps = CAP(XV_CAP_BPF) }, have);
	explained = (miss || sysctl_bites) && p->have_caps && !token_used(in);

	len = (size_t)snprintf(verdict, vcap, "%s", need);
	if (sysctl_bites && !n.caps && !n.sys_admin && !n.net_or_sys)
		len += (size_t)snprintf(verdict + len, len < vcap ? vcap - len : 0,
					", but kernel.unprivileged_bpf_disabled=%d requires CAP_BPF",
					p->unpriv_disabled);
	if (!p->have_caps) {
		snprintf(verdict + len, len < vcap ? vcap - len : 0,
			 "; the process's capabilities could not be read");
		return false;
	}
	if (token_used(in)) {
		snprintf(verdict + len, len < vcap ? vcap - len : 0,
			 "; a BPF token is in use: its user namespace and delegation decide");
		return false;
	}
	if (sysctl_bites)
		miss |= CAP(XV_CAP_BPF);
	if (miss) {
		cap_list(miss, lacks, sizeof(lacks), " and ");
		if (__builtin_popcountll(miss) == 2 && miss == n.caps)
			len += (size_t)snprintf(verdict + len, len < vcap ? vcap - len : 0,
						"; the process has neither");
		else
			len += (size_t)snprintf(verdict + len, len < vcap ? vcap - len : 0,
						"; the process lacks %s", lacks);
	} else if (in->c->err == EACCES && in->c->cmd == XV_BPF_PROG_LOAD) {
		len += (size_t)snprintf(verdict + len, len < vcap ? vcap - len : 0,
					"; the process has what it needs: EACCES is the "
					"verifier refusing the program (its log says why)");
	} else {
		len += (size_t)snprintf(verdict + len, len < vcap ? vcap - len : 0,
					"; the process has what it needs: the %s comes from "
					"elsewhere (an LSM, bpffs permissions, a read-only fd)",
					errno_name(in->c->err) ? errno_name(in->c->err) : "error");
	}
	if (p->userns == BPF_USERNS_CHILD)
		len += (size_t)snprintf(verdict + len, len < vcap ? vcap - len : 0,
					" (it runs in a user namespace, where its capabilities "
					"do not count)");
	if (n.sysctl && p->unpriv_disabled >= 0 && !(sysctl_bites && !n.caps))
		snprintf(verdict + len, len < vcap ? vcap - len : 0,
			 "; kernel.unprivileged_bpf_disabled=%d", p->unpriv_disabled);
	return explained;
}

/*
 * What would let @in pass, as one clause: the capabilities to run with
 * and, when only kernel.unprivileged_bpf_disabled stands in the way, the
 * setting that lifts it.  False when the missing privileges do not
 * explain the failure (nothing to suggest).
 */
bool bpf_audit_fix(const struct bpf_check_in *in, char *buf, size_t cap)
{
	const struct bpf_priv *p = &in->c->facts.priv;
	char caps[96], need[160], verdict[320];
	uint64_t want;
	const char *where = p->userns == BPF_USERNS_CHILD ? " in the initial user namespace" : "";
	struct need n;
	size_t len;

	if (!bpf_audit_explain(in, need, sizeof(need), verdict, sizeof(verdict)))
		return false;
	requirement(in, &n);
	if (n.sys_admin) {
		snprintf(buf, cap, "run with CAP_SYS_ADMIN%s", where);
		return true;
	}
	if (n.net_or_sys) {
		snprintf(buf, cap, "run with CAP_NET_ADMIN (or CAP_SYS_ADMIN)%s", where);
		return true;
	}
	want = n.caps;
	if (n.sysctl && p->unpriv_disabled > 0)
		want |= CAP(XV_CAP_BPF);
	cap_list(want, caps, sizeof(caps), " and ");
	len = (size_t)snprintf(buf, cap, "run with %s%s", caps, where);
	if (!n.caps && n.sysctl && p->unpriv_disabled > 0 && len < cap)
		snprintf(buf + len, cap - len, ", or set kernel.unprivileged_bpf_disabled=0%s",
			 p->unpriv_disabled == 1 ? " (1 holds until reboot)" : "");
	return true;
}

static void render_caps(struct jsonw *w, const char *key, uint64_t set)
{
	unsigned i;

	jw_arr_open(w, key);
	for (i = 0; i < 4; i++)
		if (set & CAP(audited_caps[i]))
			jw_str(w, NULL, xlat_name(&xlat_capability, audited_caps[i]));
	jw_arr_close(w);
}

static void render_limit(struct jsonw *w, const char *key, uint64_t v)
{
	if (v == UINT64_MAX)
		jw_str(w, key, "unlimited");
	else
		jw_u64(w, key, v);
}

static const char *const userns_names[] = { "unknown", "init", "child" };

void bpf_render_audit(struct jsonw *w, const struct bpf_check_in *in)
{
	const struct bpf_priv *p = &in->c->facts.priv;
	char need[160], verdict[320], fix[192];
	uint64_t tok;

	if (!(in->c->facts.flags & BPF_FACT_PRIV))
		return;
	bpf_audit_explain(in, need, sizeof(need), verdict, sizeof(verdict));
	jw_obj_open(w, "audit");
	if (p->have_caps) {
		jw_obj_open(w, "capabilities");
		render_caps(w, "effective", p->cap_eff);
		render_caps(w, "permitted", p->cap_prm);
		jw_obj_close(w);
	}
	if (p->unpriv_disabled >= 0)
		jw_s64(w, "unprivileged_bpf_disabled", p->unpriv_disabled);
	if (p->lockdown[0])
		jw_strn(w, "lockdown", p->lockdown, sizeof(p->lockdown));
	jw_obj_open(w, "memlock");
	render_limit(w, "cur", p->memlock_cur);
	render_limit(w, "max", p->memlock_max);
	jw_obj_close(w);
	jw_str(w, "user_ns", userns_names[p->userns < 3 ? p->userns : 0]);
	if (token_used(in) && (bpf_check_get(in, "map_token_fd", &tok) ||
			       bpf_check_get(in, "prog_token_fd", &tok) ||
			       bpf_check_get(in, "btf_token_fd", &tok)))
		jw_s64(w, "token_fd", (int32_t)tok);
	else
		jw_null(w, "token_fd");
	if (p->lsm[0])
		jw_strn(w, "lsm", p->lsm, sizeof(p->lsm));
	jw_str(w, "requires", need);
	jw_str(w, "verdict", verdict);
	if (bpf_audit_fix(in, fix, sizeof(fix)))
		jw_str(w, "fix", fix);
	jw_obj_close(w);
}

static void copy_line(char *dst, size_t cap, const char *src, size_t n)
{
	while (n && (src[n - 1] == '\n' || src[n - 1] == ' '))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

void bpf_audit_read_system(struct bpf_priv *p,
			   size_t (*read_file)(const char *path, char *buf, size_t cap))
{
	char buf[256], *l, *r;
	size_t n;

	p->unpriv_disabled = -1;
	n = read_file("/proc/sys/kernel/unprivileged_bpf_disabled", buf, sizeof(buf) - 1);
	if (n && buf[0] >= '0' && buf[0] <= '9')
		p->unpriv_disabled = (int8_t)(buf[0] - '0');
	n = read_file("/sys/kernel/security/lockdown", buf, sizeof(buf) - 1);
	buf[n] = 0;
	l = strchr(buf, '[');
	r = l ? strchr(l, ']') : NULL;
	if (l && r)
		copy_line(p->lockdown, sizeof(p->lockdown), l + 1, (size_t)(r - l - 1));
	n = read_file("/sys/kernel/security/lsm", buf, sizeof(buf) - 1);
	copy_line(p->lsm, sizeof(p->lsm), buf, n);
}
