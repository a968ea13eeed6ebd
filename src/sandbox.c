// SPDX-License-Identifier: GPL-2.0-or-later
/* bpfspy run --inject, --deny, --drop-caps, --unprivileged: see sandbox.h. */
#include "sandbox.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall/bpf_decode.h"
#include "cli.h"

/* Capability names: base/xlat/capability.in. */
#define NCAPS (int)(XMAX_capability + 1)

static const char *cap_name(int cap)
{
	return xlat_name(&xlat_capability, (uint64_t)cap);
}


/* Append ",@item" (or "@item" first) to @buf of @cap bytes. */
static int append(char *buf, size_t cap, char sep, const char *item)
{
	size_t len = strlen(buf);

	if (len + strlen(item) + 2 > cap)
		return -1;
	if (len)
		buf[len++] = sep;
	strcpy(buf + len, item);
	return 0;
}

/* One rule of --inject, appended to s->inject in its canonical form. */
static int add_inject_rule(struct sandbox *s, const char *rule, const char *arg)
{
	struct bpf_inject r;
	char canon[64];
	size_t n = strcspn(rule, ":");
	int rc = bpf_inject_parse(rule, &r);

	if (rc == BPF_INJECT_BAD_NAME || rc == BPF_INJECT_VOID_FUNC) {
		usage_error("--inject: '%.*s' is %s%s", (int)n, rule, bpf_inject_strerror(rc),
			rc == BPF_INJECT_BAD_NAME ? " (the functions: bpfspy-trace(5), LIBBPF EVENTS)"
						  : "");
		return -1;
	}
	if (rc) {
		usage_error("--inject takes CMD:ERRNO[:N|:N+] or FUNC:ERRNO[:N|:N+] "
			"(BPF_PROG_LOAD:EPERM:2, bpf_object__load:ENOENT), not '%s': %s",
			arg, bpf_inject_strerror(rc));
		return -1;
	}
	bpf_inject_format(&r, canon, sizeof(canon));
	if (s->ninject == BPF_POLICY_MAX || append(s->inject, sizeof(s->inject), ',', canon)) {
		usage_error("at most %d --inject rules", BPF_POLICY_MAX);
		return -1;
	}
	s->ninject++;
	return 0;
}

int sandbox_add_inject(struct sandbox *s, const char *arg)
{
	char buf[1024], *tok, *save;
	size_t n = strlen(arg);

	if (!n || n >= sizeof(buf) || arg[0] == ',' || arg[n - 1] == ',' || strstr(arg, ",,")) {
		usage_error("--inject takes rules separated by single commas, not '%s'", arg);
		return -1;
	}
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (add_inject_rule(s, tok, arg))
			return -1;
	return 0;
}

/* Rule @i denies a command an earlier rule denies with another errno:
 * one seccomp action per call. */
static bool deny_conflict(const struct sandbox *s, unsigned i)
{
	unsigned j;

	for (j = 0; j < i; j++)
		if (s->deny[j].cmd == s->deny[i].cmd && s->deny[j].err != s->deny[i].err)
			return true;
	return false;
}

int sandbox_add_deny(struct sandbox *s, const char *arg)
{
	char canon[64];
	unsigned first = s->ndeny, i;

	if (bpf_deny_parse(arg, s->deny, &s->ndeny, BPF_POLICY_MAX) != 0) {
		usage_error("--deny takes CMD[,CMD...][:ERRNO] (at most %d commands), not '%s'",
			BPF_POLICY_MAX, arg);
		return -1;
	}
	for (i = first; i < s->ndeny; i++) {
		if (deny_conflict(s, i)) {
			usage_error("--deny: %s is denied with two errnos",
				xlat_name(&xlat_bpf_cmd, s->deny[i].cmd) ?: "a command");
			return -1;
		}
		snprintf(canon, sizeof(canon), "%u:%d", s->deny[i].cmd, s->deny[i].err);
		if (append(s->deny_env, sizeof(s->deny_env), ';', canon))
			return -1;
	}
	return 0;
}

/* "CAP_BPF", "bpf" or "39": the capability number, or -1. */
static int cap_number(const char *s, size_t n)
{
	char *end;
	long v;
	int i;

	for (i = 0; i < NCAPS; i++) {
		const char *c = cap_name(i);

		if (c && ((strlen(c) == n && !strncasecmp(s, c, n)) ||
			  (strlen(c) == n + 4 && !strncasecmp(s, c + 4, n))))
			return i;
	}
	v = strtol(s, &end, 10);
	return n && end == s + n && v >= 0 && v < NCAPS ? (int)v : -1;
}

int sandbox_add_caps(struct sandbox *s, const char *arg)
{
	const char *p = arg, *comma;
	int cap;

	do {
		comma = strchr(p, ',');
		if (!comma)
			comma = p + strlen(p);
		cap = cap_number(p, (size_t)(comma - p));
		if (cap < 0) {
			usage_error("--drop-caps: no capability '%.*s' (CAP_BPF or bpf, comma separated)",
				(int)(comma - p), p);
			return -1;
		}
		s->drop_caps |= 1ull << cap;
		p = comma + 1;
	} while (*comma);
	return 0;
}

/*
 * A kept CAP_SYS_ADMIN stands in for CAP_BPF, CAP_PERFMON and
 * CAP_NET_ADMIN in the kernel's checks: bpf_capable(), perfmon_capable()
 * and bpf_net_capable() are "capable(CAP_x) || capable(CAP_SYS_ADMIN)"
 * (bpf-abi.md §5.1).  Dropping only those three changes nothing for a
 * loader that keeps CAP_SYS_ADMIN, root as a rule: say so.
 */
void sandbox_warn(const struct sandbox *s)
{
	uint64_t stood_in = 1ull << XV_CAP_BPF | 1ull << XV_CAP_PERFMON | 1ull << XV_CAP_NET_ADMIN;

	if ((s->drop_caps & stood_in) && !(s->drop_caps & (1ull << XV_CAP_SYS_ADMIN)))
		die_msg("warning: --drop-caps keeps CAP_SYS_ADMIN, which the kernel accepts "
			"in place of CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN; drop it too "
			"(or use --unprivileged)");
}

void sandbox_unprivileged(struct sandbox *s)
{
	s->drop_caps |= 1ull << XV_CAP_BPF | 1ull << XV_CAP_PERFMON | 1ull << XV_CAP_NET_ADMIN |
			1ull << XV_CAP_SYS_ADMIN;
}

void sandbox_env(const struct sandbox *s, sandbox_setenv_fn set, void *u)
{
	char caps[512] = "";
	int i;

	/* Ours only: none inherited from whoever ran bpfspy. */
	set(u, "BPFSPY_INJECT", s->ninject ? s->inject : NULL);
	set(u, "BPFSPY_DENY", s->ndeny ? s->deny_env : NULL);
	for (i = 0; i < NCAPS; i++)
		if (s->drop_caps & (1ull << i))
			append(caps, sizeof(caps), ',', cap_name(i));
	set(u, "BPFSPY_DROPPED_CAPS", caps[0] ? caps : NULL);
}

bool sandbox_in_child(const struct sandbox *s)
{
	return s->drop_caps || s->ndeny;
}

/* Out of every set: bounding (what an exec may regain), ambient, and
 * effective, permitted, inheritable. */
static int drop_caps(uint64_t drop)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	int i, w;

	/* CAP_SETPCAP last: the drops need it. */
	for (i = 0; i <= NCAPS; i++) {
		int cap = i == NCAPS ? CAP_SETPCAP : i;

		if (!(drop & (1ull << cap)) || (cap == CAP_SETPCAP && i < NCAPS))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
			return -1;
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap, 0, 0);
	}
	if (syscall(SYS_capget, &h, d) != 0)
		return -1;
	for (w = 0; w < 2; w++) {
		uint32_t keep = ~(uint32_t)(drop >> (32 * w));

		d[w].effective &= keep;
		d[w].permitted &= keep;
		d[w].inheritable &= keep;
	}
	return (int)syscall(SYS_capset, &h, d);
}

/* SCMP_ACT_ERRNO for bpf(cmd) and bpf(cmd | BPF_COMMON_ATTRS), on the
 * low 32 bits (the kernel reads cmd as an int); sets no_new_privs. */
static int install_deny(const struct sandbox *s)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	unsigned i;
	int rc = 0;

	if (!ctx)
		return -ENOMEM;
	for (i = 0; i < s->ndeny && !rc; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)s->deny[i].err),
				      SCMP_SYS(bpf), 1,
				      SCMP_A0_32(SCMP_CMP_MASKED_EQ, ~BPF_COMMON_ATTRS_BIT,
						 s->deny[i].cmd));
	if (!rc)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

int sandbox_apply(const struct sandbox *s)
{
	int rc;

	if (s->drop_caps && drop_caps(s->drop_caps) != 0) {
		die_msg("--drop-caps: %s", strerror(errno));
		return -1;
	}
	if (!s->ndeny)
		return 0;
	rc = install_deny(s);
	if (rc) {
		die_msg("--deny: cannot install the seccomp filter: %s",
			strerror(-rc));
		return -1;
	}
	return 0;
}
