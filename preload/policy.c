// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policies of bpfspy run, as the traced process sees them:
 *
 *   BPFSPY_INJECT        faults to inject: "CMD:ERRNO[:N|:N+]" and
 *                        "FUNC:ERRNO[:N|:N+]" rules, comma separated
 *                        (bpf_inject_parse's canonical form)
 *   BPFSPY_DENY          the seccomp policy bpfspy run installed: deny
 *                        rules "CMD[,CMD]:ERRNO", semicolon separated
 *   BPFSPY_DROPPED_CAPS  the capabilities it dropped: "CAP_BPF,CAP_PERFMON"
 *
 * Parsed once in the constructor into fixed tables; the event path reads
 * them and bumps one atomic counter per call of an injected command or
 * libbpf function (only of those a rule names: others cost one test).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "syscall/bpf_decode.h"
#include "policy/bpf_policy.h"
#include "base/jsonw.h"
#include "libbpf/libbpf_funcs.h"
#include "shim.h"

static struct {
	struct bpf_inject inject[BPF_POLICY_MAX];
	unsigned ninject;
	uint64_t inject_cmds;                 /* bit per command with a rule */
	uint32_t calls[BPF_POLICY_CMDS];      /* atomic: calls of each so far */
	bool inject_funcs[LF_COUNT];          /* libbpf functions with a rule */
	uint32_t fcalls[LF_COUNT];            /* atomic: calls of each so far */
	struct bpf_deny deny[BPF_POLICY_MAX];
	unsigned ndeny;
	char caps[512];                       /* BPFSPY_DROPPED_CAPS */
} pol;

static void parse_inject(const char *env)
{
	char buf[1024], *tok, *save;
	struct bpf_inject r;

	if (!env || strlen(env) >= sizeof(buf))
		return;
	strcpy(buf, env);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (pol.ninject == BPF_POLICY_MAX || bpf_inject_parse(tok, &r) != 0)
			continue;
		pol.inject[pol.ninject++] = r;
		if (r.func >= 0)
			pol.inject_funcs[r.func] = true;
		else
			pol.inject_cmds |= 1ull << r.cmd;
	}
}

static void parse_deny(const char *env)
{
	char buf[1024], *tok, *save;

	if (!env || strlen(env) >= sizeof(buf))
		return;
	strcpy(buf, env);
	for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
		bpf_deny_parse(tok, pol.deny, &pol.ndeny, BPF_POLICY_MAX);
}

void bpfspy_policy_init(void)
{
	const char *caps = getenv("BPFSPY_DROPPED_CAPS");

	parse_inject(getenv("BPFSPY_INJECT"));
	parse_deny(getenv("BPFSPY_DENY"));
	if (caps && strlen(caps) < sizeof(pol.caps))
		strcpy(pol.caps, caps);
}

/* A new process counts its own calls. */
void bpfspy_policy_fork(void)
{
	unsigned i;

	for (i = 0; i < BPF_POLICY_CMDS; i++)
		__atomic_store_n(&pol.calls[i], 0, __ATOMIC_RELAXED);
	for (i = 0; i < LF_COUNT; i++)
		__atomic_store_n(&pol.fcalls[i], 0, __ATOMIC_RELAXED);
}

int bpfspy_inject_errno(uint32_t cmd)
{
	uint32_t n;

	if (cmd >= BPF_POLICY_CMDS || !(pol.inject_cmds & (1ull << cmd)))
		return 0;
	n = __atomic_add_fetch(&pol.calls[cmd], 1, __ATOMIC_RELAXED);
	return bpf_inject_match(pol.inject, pol.ninject, -1, cmd, n);
}

uint64_t bpfspy_inject_cmds(void)
{
	return pol.inject_cmds;
}

int bpfspy_inject_func_errno(unsigned id)
{
	uint32_t n;

	if (id >= LF_COUNT || !pol.inject_funcs[id])
		return 0;
	n = __atomic_add_fetch(&pol.fcalls[id], 1, __ATOMIC_RELAXED);
	return bpf_inject_match(pol.inject, pol.ninject, (int)id, 0, n);
}

bool bpfspy_denied(uint32_t cmd, int err)
{
	unsigned i;

	for (i = 0; i < pol.ndeny; i++)
		if (pol.deny[i].cmd == cmd && pol.deny[i].err == err)
			return true;
	return false;
}

static void render_errno_or_number(struct jsonw *w, int err)
{
	const char *name = errno_name(err);

	if (name)
		jw_str(w, "errno", name);
	else
		jw_u64(w, "errno", (uint64_t)err);
}

static void render_cmd_name(struct jsonw *w, uint32_t cmd)
{
	const char *name = xlat_name(&xlat_bpf_cmd, cmd);

	if (name)
		jw_str(w, "cmd", name);
	else
		jw_u64(w, "cmd", cmd);
}

/* Why a rule on libbpf function @id cannot fire in this process, or NULL:
 * the libbpf layer is absent (no shared libbpf in any scope: a static one,
 * as in bpftool and libbpf-tools, is reached through no wrapper), or no
 * loaded libbpf has the function.  Told at the header, i.e. the first
 * event: a libbpf dlopen()ed later is reached all the same (its calls are
 * injected into), and a "layer" event announces it. */
static const char *func_inactive(unsigned id)
{
	static char ver[64], path[PATH_MAX];   /* the header's builder alone */

	if (!bpfspy_libbpf_loaded(ver, sizeof(ver), path, sizeof(path)))
		return "no libbpf layer: libbpf is static or absent";
	if (!bpfspy_libbpf_has(id))
		return "the loaded libbpf lacks it";
	return NULL;
}

static void header_inject_what(struct jsonw *w, const struct bpf_inject *r)
{
	if (r->func < 0) {
		render_cmd_name(w, r->cmd);
		return;
	}
	jw_str(w, "func", libbpf_func_name((unsigned)r->func));
}

static void header_inject(struct jsonw *w)
{
	const char *inactive;
	char when[16];
	unsigned i;

	jw_arr_open(w, "inject");
	for (i = 0; i < pol.ninject; i++) {
		jw_obj_open(w, NULL);
		header_inject_what(w, &pol.inject[i]);
		render_errno_or_number(w, pol.inject[i].err);
		bpf_inject_when(&pol.inject[i], when, sizeof(when));
		jw_str(w, "when", when);
		inactive = pol.inject[i].func >= 0 ? func_inactive((unsigned)pol.inject[i].func)
						   : NULL;
		if (inactive)
			jw_str(w, "inactive", inactive);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static void header_deny(struct jsonw *w)
{
	unsigned i;

	jw_arr_open(w, "deny");
	for (i = 0; i < pol.ndeny; i++) {
		jw_obj_open(w, NULL);
		render_cmd_name(w, pol.deny[i].cmd);
		render_errno_or_number(w, pol.deny[i].err);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static void header_caps(struct jsonw *w)
{
	const char *p = pol.caps, *comma;

	jw_arr_open(w, "dropped_caps");
	while (*p) {
		comma = strchr(p, ',');
		if (!comma)
			comma = p + strlen(p);
		if (comma > p)
			jw_strn(w, NULL, p, (size_t)(comma - p));
		p = *comma ? comma + 1 : comma;
	}
	jw_arr_close(w);
}

/* The header's record of the policies: only those in force. */
void bpfspy_policy_header(struct jsonw *w)
{
	if (pol.ninject)
		header_inject(w);
	if (pol.ndeny)
		header_deny(w);
	if (pol.caps[0])
		header_caps(w);
}
