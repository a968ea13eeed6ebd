/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Causes travel up: why a failed libbpf call failed, taken from the calls
 * it made, and why the loader failed.
 *
 * The shim renders each event on its own, when its call returns (a nested
 * bpf(2) call before the libbpf call around it has returned, possibly at
 * drain time), so no event can carry the explanation of another.  The
 * readers can: a nested call names its libbpf call by "parent", and an
 * event is written when its call returns, so in a process's trace the
 * calls made inside a libbpf call come before it.  A failed libbpf call
 * without an explanation of its own inherits the one of the last failed
 * call it made that has one (its failed syscall, or the failed probe
 * after which libbpf gave up), through any depth of nesting.
 *
 * The loader's failure, per process: the failed bpf_object__load(), else
 * the last failed top-level libbpf call.
 */
#ifndef BPFSPY_CAUSE_H
#define BPFSPY_CAUSE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What is known of why one failed call failed. */
struct call_cause {
	bool explained;       /* rule and text are set */
	int64_t seq;          /* the call it explains */
	char call[48];        /* "BPF_PROG_LOAD" or "bpf_prog_load()" */
	char err[24];
	char rule[32];
	char text[400];
	char audit[320];      /* audit.verdict, "" none */
	char fix[192];        /* audit.fix, "" none */
	char probe[96];       /* why the call is a feature probe, "" not one */
};

/* The loader's failure in one process. */
struct loader_failure {
	int64_t pid, seq;
	char call[48];
	char err[24];
	bool object_load;     /* bpf_object__load(), which stays */
	bool explained, inherited;
	bool recovered;       /* the process made objects after it */
	bool exit_known;      /* an "exit" line said PROGRAM failed */
	int exit_status, exit_signal;
	/* The last failed bpf call that is neither a probe nor an end of
	 * iteration: the failure of a loader without libbpf calls (bpftool,
	 * a static libbpf) that exited non-zero. */
	bool has_raw;
	struct call_cause raw;
	struct call_cause cause;
};

struct causes;

struct causes *causes_new(void);
void causes_free(struct causes *cs);

/*
 * Feed one failed bpf or libbpf event (the caller decides what counts
 * as failed and leaves out the failures bpfspy run made); @probe is why
 * it is a feature probe when the caller knows better than its "probe"
 * key, else NULL.  Fills @out with what explains it, its own explanation
 * or, for a libbpf call, the one of the last failed call made in it that
 * has one (else that call's, unexplained: its probe label still tells),
 * with @inherited set, and returns whether @out is explained.  A failed
 * top-level libbpf call, unless an iteration's end, becomes its
 * process's loader failure.
 */
bool causes_add(struct causes *cs, struct json_object *ev, const char *probe,
		struct call_cause *out, bool *inherited);

/* Whether the failed @ev is the end of an iteration the texts document
 * (ENOENT from BPF_MAP_GET_NEXT_KEY after the last key, from a
 * *_GET_NEXT_ID after the last id, or from libbpf's wrappers of them). */
bool causes_iteration_end(struct json_object *ev);

/* A successful bpf event: an object made after a failed top-level call
 * says the loader went on (without an "exit" line, it was no failure). */
void causes_success(struct causes *cs, struct json_object *ev);
/* An "exit" line of bpfspy run: PROGRAM exited non-zero or was killed. */
void causes_exit(struct causes *cs, struct json_object *ev);

/* The loader failures, one per process that had one: with an
 * "exit" line, the last failed top-level libbpf call (a failed
 * bpf_object__load() stays); without one, the same unless the process
 * went on to make objects. */
const struct loader_failure *causes_loader(const struct causes *cs, size_t i);
const struct loader_failure *causes_loader_of(const struct causes *cs, int64_t pid);

/* One sentence: what failed, the errno, the rule, the privilege missing
 * and what would make it pass. */
void causes_sentence(const struct loader_failure *f, char *buf, size_t cap);

/* Whether @rule is one of the privilege rules (a missing capability or
 * setting explains the failure). */
bool causes_privilege_rule(const char *rule);

#endif
