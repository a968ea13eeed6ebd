/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The checker: every call held against what bpf(2) and libbpf document.
 *
 * One table of rules (bpf_rules.c), each with an id, what it applies to,
 * the kernels it holds for and the passage it comes from.  A rule judges
 * one call from what the event carries (the attr snapshots, the captured
 * payload, the objects behind its fds) and from facts only the calling
 * process can measure (struct bpf_facts: the returned fd's close-on-exec
 * flag, the pin directory's filesystem, the privilege context of a
 * failure).  The verdicts go into the event as "checks"; the rule that
 * predicts a failed call's errno gives its "explanation"; an EPERM or
 * EACCES gets an "audit" of the privileges at the call (bpf_audit.c).
 *
 * Rules run where events are rendered, in the traced process or at drain
 * time, so a trace carries its checks; `bpfspy check` reads them back.
 */
#ifndef BPFSPY_BPF_CHECK_H
#define BPFSPY_BPF_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libbpf/libbpf_funcs.h"
#include "syscall/bpf_decode.h"

enum bpf_verdict {
	V_NA,       /* the rule does not apply to this call */
	V_PASS,
	V_FAIL,
	V_DRIFT,    /* the kernel does what the 2021 text does not say */
	V_UNKNOWN,  /* applies, but the trace lacks what it needs */
	V_PROBE,    /* would fail, but the call is a feature probe */
};

/* One rule's judgement of one call. */
struct bpf_judgement {
	enum bpf_verdict v;
	int predicts;          /* the errno the rule predicts, 0 none */
	char why[256];         /* one line */
};

/* What a rule sees. */
struct bpf_check_in {
	const struct bpf_call *c;
	const struct bpf_cmd_desc *d;    /* NULL: unknown command */
	const struct decode_opts *o;
	unsigned kver;                   /* running kernel, KVER(a, b) */
	int map_type;                    /* of the call's map fd, -1 unknown */
};

#define KVER(a, b) ((unsigned)(a) << 8 | (unsigned)(b))

struct bpf_rule {
	const char *id;        /* "update-flags" */
	const char *applies;   /* "BPF_MAP_UPDATE_ELEM, BPF_MAP_UPDATE_BATCH" */
	const char *checks;    /* what it checks, one sentence */
	const char *kernels;   /* the kernels it holds for: "all", "6.4+" */
	const char *source;    /* the documented passage it comes from */
	/* Judge @in into @j; leave j->v V_NA when the rule does not apply. */
	void (*judge)(const struct bpf_check_in *in, struct bpf_judgement *j);
	/* Bit N: for calls of command N it reads the captured key and value
	 * bytes, not only attr, the outcome, the facts and the fds
	 * (bpf_checks_see_payload()). */
	uint64_t payload_cmds;
};

/* The value of @in's attr field @name (as the field tables name it), when
 * the call's snapshot holds it. */
bool bpf_check_get(const struct bpf_check_in *in, const char *name, uint64_t *v);

/* The bpf(2) rules and the libbpf rules, for `bpfspy rules`. */
extern const struct bpf_rule bpf_rules[];
extern const size_t bpf_rules_count;

struct libbpf_rule {
	const char *id;
	const char *applies;
	const char *checks;
	const char *source;
};
extern const struct libbpf_rule libbpf_rules[];
extern const size_t libbpf_rules_count;

/* One statement of the documented texts (inventory.def). */
struct bpf_stmt {
	const char *text;      /* "bpf" or "libbpf" */
	const char *where;     /* "BPF_MAP_CREATE", "bpf_map_create" */
	const char *phrase;    /* the statement, quoted */
	const char *rule;      /* the rule that checks it, NULL none */
	const char *verdicts;  /* the verdicts the rule gives it */
	const char *reason;    /* why no rule can, when rule is NULL */
};
extern const struct bpf_stmt bpf_inventory[];
extern const size_t bpf_inventory_count;

enum bpf_stmt_state { STMT_CHECKED, STMT_UNCHECKABLE, STMT_TODO };
/* Checked (its rule exists), uncheckable (a reason, no rule) or not yet
 * done (neither, or a rule id no table has). */
enum bpf_stmt_state bpf_stmt_state(const struct bpf_stmt *s);
/* Whether a bpf or libbpf rule has id @id. */
bool bpf_rule_known(const char *id);

/* "pass", "fail", "doc-drift", "unknown", "probe". */
const char *bpf_verdict_name(enum bpf_verdict v);

/* The running kernel's version, KVER(major, minor); 0 unknown.  Read once
 * with uname(2) (async-signal-safe). */
unsigned bpf_kernel_version(void);

/* Why @c is a feature probe (a call meant to find out whether the kernel
 * supports something, and allowed to fail), or NULL when it is not. */
const char *bpf_call_probe(const struct bpf_call *c, char *buf, size_t cap);

/* True when a rule reads @c's captured payload: then its checks depend on
 * the key and value bytes too, not only on the rest of the call (what a
 * renderer may keep them by: bpf_record.c). */
bool bpf_checks_see_payload(const struct bpf_call *c);

/* Render "probe", "checks", "explanation" and "audit" of @c (nothing with
 * o->no_check).  Async-signal-safe, no allocation. */
void bpf_render_checks(struct jsonw *w, const struct bpf_call *c,
		       const struct decode_opts *o);

/* "checks" of a libbpf call against libbpf's documented conventions
 * (libbpf_rules.c); nothing with o->no_check. */
void libbpf_render_checks(struct jsonw *w, const struct libbpf_call *c,
			  const struct decode_opts *o);

/* The privilege audit (bpf_audit.c). */
/* The system's settings an audit names, into @p: unprivileged_bpf_disabled,
 * the lockdown mode, the LSMs, read with @read_file (raw syscalls in the
 * shim; bpfspy attach reads them for the processes it watches). */
void bpf_audit_read_system(struct bpf_priv *p,
			   size_t (*read_file)(const char *path, char *buf, size_t cap));
/* What the kernel requires of the caller for @c (bpf-abi.md §5): a one-line
 * requirement in @need and the verdict in @verdict, given c->facts.priv.
 * Returns true when the missing privileges explain an EPERM. */
bool bpf_audit_explain(const struct bpf_check_in *in, char *need, size_t ncap,
		       char *verdict, size_t vcap);
/* What would make @in pass ("run with CAP_BPF, or set
 * kernel.unprivileged_bpf_disabled=0") when missing privileges explain its
 * failure; false otherwise. */
bool bpf_audit_fix(const struct bpf_check_in *in, char *buf, size_t cap);
/* True when the kernel asks a capability or sysctl of the caller of @in. */
bool bpf_audit_requires(const struct bpf_check_in *in);
/* "audit": {...} of a failed call whose facts carry a privilege context. */
void bpf_render_audit(struct jsonw *w, const struct bpf_check_in *in);

#endif
