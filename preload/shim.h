/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libbpfspy.so internals shared between the C shim and the assembly hook. */
#ifndef BPFSPY_SHIM_H
#define BPFSPY_SHIM_H

/* glibc's syscall(), found with dlsym(RTLD_NEXT).  Starts out pointing at a
 * resolver so a call made before our constructor still works.  Takes the
 * syscall number and up to six arguments (the 7th C argument is on the
 * stack, which a plain call forwards unchanged). */
typedef long (*syscall_fn)(long, long, long, long, long, long, long);
extern syscall_fn bpfspy_real_syscall;

/* The bpf(2) path, reached from the hook when number == __NR_bpf. */
long bpfspy_bpf_syscall(long nr, long cmd, long attr, long size, long a4, long a5);

/* vfork() (hook_x86_64.S): set in the child, which shares our memory
 * until it execs or exits; its bpf calls are counted, not recorded. */
extern __thread int bpfspy_t_vfork;
extern __thread unsigned long bpfspy_t_vfork_calls;
long bpfspy_vfork_call(long nr, long cmd, long attr, long size, long a4, long a5);
void bpfspy_vfork_child(void);
void bpfspy_vfork_parent(long child);
long bpfspy_fail_errno(long e);

/* The 6th argument of every bpf(2) call the shim makes (bpf(2) takes five):
 * the --seccomp-trap filter lets calls carrying it through (trap.c). */
#define BPFSPY_TRAP_COOKIE 0x6270667370795f74ull   /* "bpfspy_t" */

/* ---- what the libbpf layer (libbpf_layer.c) uses of the shim ---------- */
#include <stdbool.h>
#include <stdint.h>

#include "event/bpf_event.h"
#include "syscall/bpf_decode.h"

/* Recording, with the spool ready (created on first use). */
bool bpfspy_active(void);
uint64_t bpfspy_next_seq(void);
uint64_t bpfspy_now_ns(void);            /* CLOCK_MONOTONIC */
/* The envelope of an event that started at @start and took @dur. */
void bpfspy_env(struct bpf_event_env *env, uint64_t seq, uint64_t start, uint64_t dur);
const struct decode_opts *bpfspy_opts(void);
/* Spool one record of @type (a bpf_rec_type) of @len bytes. */
void bpfspy_spool_record(uint32_t type, const void *rec, size_t len);
/* Or in place: room for an event's @len-byte record in the ring (NULL:
 * none, the event with seq @seq counted lost), filled by the caller and
 * published with bpfspy_spool_commit(). */
void *bpfspy_spool_begin(size_t len, uint64_t seq);
void bpfspy_spool_commit(void *rec, uint32_t type, size_t len);
/* The spool's dictionary (bpf_record.h's templates), and the generation
 * of the spool it belongs to (bumped by each spool made; 0: none yet). */
void *bpfspy_spool_dict(void);
uint32_t bpfspy_spool_gen(void);
/* Render one JSON line with @fn and spool it (any size). */
void bpfspy_emit_json(void (*fn)(struct jsonw *w, const void *ctx), const void *ctx);

/* Run @fn(@arg) on this thread's work stack, not the caller's (the
 * caller's memory, from its frame up, stays on memread's fast path). */
void bpfspy_on_work_stack(void (*fn)(void *), void *arg);
/* The header's identity keys: nspid, host_pid, ns, cgroup, container_id
 * (ident.c).  Reads procfs; once per process, not on the event path. */
void bpfspy_ident_header(struct jsonw *w);

/* Read up to @cap bytes of a small file (procfs, sysfs); 0 on error. */

/* ---- facts for the checker (facts.c) ------------------------------------ */
/* Measure what the rules need of @c after the call returned: the returned
 * fd's close-on-exec flag, a pin's parent directory, and for a failure
 * with EPERM/EACCES (any failure with @audit_all) the privilege context.
 * Preserves errno. */
void bpfspy_gather_facts(struct bpf_call *c, bool audit_all);

/* ---- the policies of bpfspy run (policy.c) ----------------------------- */
/* Read BPFSPY_INJECT, BPFSPY_DENY, BPFSPY_DROPPED_CAPS (constructor). */
void bpfspy_policy_init(void);
/* After fork: the child counts its calls afresh. */
void bpfspy_policy_fork(void);
/* Count a call of @cmd; the errno to fail it with, or 0 to make it. */
int bpfspy_inject_errno(uint32_t cmd);
/* Bit n: a rule of --inject is on command n (bpfspy_inject_errno() may
 * fail its calls, and counts them). */
uint64_t bpfspy_inject_cmds(void);
/* The same for a call of libbpf function @id (libbpf_funcs.def). */
int bpfspy_inject_func_errno(unsigned id);
/* A call of @cmd that failed with @err hit the deny policy. */
bool bpfspy_denied(uint32_t cmd, int err);
/* The policies in force, as header keys. */
void bpfspy_policy_header(struct jsonw *w);

/* ---- --seccomp-trap (trap.c) ---------------------------------------------- */
/* Constructor: with BPFSPY_SECCOMP_TRAP set, install the SIGSYS handler and
 * (once per lineage of processes) the filter.  True when the handler is in. */
bool bpfspy_trap_init(void);
/* Trap mode with BPFSPY_PASSTHROUGH=1: answer traps, record nothing. */
bool bpfspy_trap_passthrough(void);
/* After fork. */
void bpfspy_trap_fork(void);
/* The header key "seccomp_trap", in trap mode. */
void bpfspy_trap_header(struct jsonw *w);
/* Constructor, first: look up the real functions of the wrappers. */
void bpfspy_trap_resolve(void);
void bpfspy_trap_exec_init(void);   /* trap_exec.c */
/* dlsym(RTLD_NEXT, @name) once into @slot, for calls made before or
 * after the constructor (trap.c). */
void *bpfspy_next_fn(void **slot, const char *name);
/* The filter is in force and our handler answers it. */
bool bpfspy_trap_filtered(void);
/* The shim's own path (absolute), or NULL. */
const char *bpfspy_trap_shim_path(void);
/* A trapped bpf(2) call with its five arguments: recorded with
 * "via":"seccomp"; returns what the syscall instruction would (-errno on
 * failure).  Preserves errno. */
long bpfspy_bpf_trapped(long cmd, long attr, long size, long a4, long a5);

/* ---- exec'ing an image the shim cannot enter (untraced.c) ---------------- */
#include <limits.h>
#include <sys/types.h>

/* Render one JSON line with @fn and spool it, this process's spool (and
 * header) created first when it has none yet (it made no bpf call);
 * nothing when this process records nothing (a vfork child, untraced).
 * untraced.c has a weak one: bpfspy_active(), then bpfspy_emit_json(). */
void bpfspy_emit_json_ready(void (*fn)(struct jsonw *w, const void *ctx), const void *ctx);

/* An image about to be exec'd without the shim, and why. */
struct bpfspy_untraced {
	char exe[PATH_MAX];   /* absolute when it could be made so */
	char why[256];        /* exe_untraceable()'s reason */
};
/* Before an exec of @path (relative to @dirfd as execveat(2); "": @dirfd
 * itself; @search: through $PATH, as execvp) that passes on @envp: true
 * when @envp would have the image record (the shim in LD_PRELOAD,
 * BPFSPY_OUTPUT set, no trap passthrough) but exe_untraceable() says the
 * shim cannot get in; @u then says which image and why.  Never in a vfork
 * child.  Preserves errno. */
bool bpfspy_untraced_probe(struct bpfspy_untraced *u, int dirfd, const char *path, bool search,
			   char *const envp[]);
/* Record @u as an "untraced" event of this process, with @child the pid
 * posix_spawn gave it (0: this process execs it).  Preserves errno. */
void bpfspy_untraced_record(const struct bpfspy_untraced *u, pid_t child);
/* Both, for an exec: the note kept on the work stack. */
void bpfspy_untraced_exec(int dirfd, const char *path, bool search, char *const envp[]);

/* ---- call-site stacks (stack.c) ------------------------------------------ */
struct bpf_stack;
/* Frames kept per event (BPFSPY_STACK); 0: --stack is off. */
extern unsigned bpfspy_stack_depth;
/* Constructor: keep @depth frames per event (0: none); loads libunwind
 * and moves the fds it keeps to @fd_floor and above. */
void bpfspy_stack_init(unsigned depth, int fd_floor);
/* After fork: the child's new spool needs the names again. */
void bpfspy_stack_fork(void);
/* The header's "stack" key, when stacks were asked for. */
void bpfspy_stack_header(struct jsonw *w);
/* The stack of the call the hook is in, our own frames left out, into
 * @s with its addresses in @ips (BPF_STACK_MAX); false when there is
 * none (libunwind could not be loaded).  @skip more frames are dropped
 * above our own (1 in the SIGSYS handler: libc's sigreturn trampoline,
 * so frame 0 is the trapped syscall's).  Call only with depth set. */
bool bpfspy_stack_capture(struct bpf_stack *s, uint64_t *ips, unsigned skip);
/* Spool what @s's addresses are, once per spool: before a packed record
 * that carries @s. */
void bpfspy_stack_spool_syms(const struct bpf_stack *s);

/* ---- what the shim uses of the libbpf layer ---------------------------- */
/* seq of the innermost libbpf call this thread is in, or 0. */
uint64_t bpfspy_libbpf_parent(void);
/* How many libbpf calls this thread is inside. */
unsigned bpfspy_libbpf_depth(void);
/* A bpf syscall returned @ret inside the libbpf calls this thread is in. */
void bpfspy_libbpf_count(uint32_t cmd, long ret);
/* The shim took a syscall from @entry to @exit (the syscall itself @dur)
 * inside the innermost libbpf call: time that is not the libbpf call's
 * own (its dur_ns leaves it out). */
void bpfspy_libbpf_overhead(uint64_t entry, uint64_t dur, uint64_t exit);
/* How a syscall now counts in the libbpf calls around it: LB_NONE (none),
 * LB_TIMED (bpfspy_libbpf_overhead(): its entry and exit read), LB_THIN
 * (a thin wrapper the program called: bpfspy_libbpf_syscall() times it
 * from the syscall's own @start and @end). */
enum { LB_NONE, LB_TIMED, LB_THIN };
int bpfspy_libbpf_timing(void);
void bpfspy_libbpf_syscall(uint64_t start, uint64_t end);
/* --summary (summary.c): counts per command and function, no events. */
bool bpfspy_summary_on(void);
/* --summary's clock (the TSC where it is the clocksource): a start, and
 * the ns since it. */
uint64_t bpfspy_summary_start(void);
uint64_t bpfspy_summary_dur(uint64_t start);
void bpfspy_summary_cmd(uint32_t cmd, uint64_t dur, bool failed);
void bpfspy_summary_func(unsigned id, uint64_t dur, bool failed);
void bpfspy_summary_reset(void);
/* The "summary" line of this process into @buf, what earlier lines did
 * not carry; 0 when it does not fit.  bpfspy_summary_written(): the line
 * is spooled, the next one starts after it. */
size_t bpfspy_summary_render(char *buf, size_t cap, uint32_t pid, uint64_t ts);
void bpfspy_summary_written(void);
/* Before this image ends without its destructors (_exit(), exec): its
 * summary line now. */
void bpfspy_summary_flush(void);
/* --failed-only: only failed calls (and the libbpf calls around them). */
bool bpfspy_failed_only(void);
/* -e trace=SET records calls of libbpf function @id. */
bool bpfspy_filter_func(unsigned id);
/* Some loaded object defines function @id (the version libbpf_funcs.def
 * names), in any scope. */
bool bpfspy_libbpf_has(unsigned id);

/* ---- which libbpf a wrapper calls (libbpf_scope.c) ---------------------- */
/* Slots after the LF_COUNT functions: libbpf's getters bpf_object__name,
 * bpf_program__name, bpf_map__name. */
#define LB_GETTERS 3
/* The function (or getter) @id a caller returning to @ra would have
 * reached without bpfspy, or NULL when no loaded object defines it.
 * @announce_new: a libbpf copy no event named yet gets a "layer" event. */
void *bpfspy_libbpf_target(unsigned id, uintptr_t ra, bool announce_new);
/* The first libbpf loaded (any scope): its version and path; false when
 * there is none.  For the header, which names it. */
bool bpfspy_libbpf_loaded(char *ver, size_t vcap, char *path, size_t pcap);
/* Right after the header: a "layer" event for each copy of libbpf
 * loaded that the header did not name. */
void bpfspy_libbpf_announce_loaded(void);
/* Constructor; after fork, the child's spool names its copies afresh. */
void bpfspy_scope_init(void);
void bpfspy_scope_fork(void);
/* A "layer" event: the libbpf at @path, version @ver, which the header
 * does not name (shim.c). */
void bpfspy_layer_event(const char *ver, const char *path);

#endif
