// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The libbpf layer: libbpf's API functions (decoders/libbpf/libbpf_funcs.def),
 * interposed by exact symbol version.
 *
 * Each wrapper is exported as NAME@VERSION (.symver and the generated
 * version script), so a program linked against that version reaches it,
 * and calls the function of that name and version in the libbpf its
 * caller would have reached without bpfspy (libbpf_scope.c: libbpf
 * loaded at start, later, in a plugin's local scope, several copies): a
 * binary linked against another version of a name never reaches a
 * wrapper written for a different signature.  The version is not the
 * default one (@, not @@): dlsym() and references without a version
 * never find a wrapper, so they find libbpf's own function or nothing,
 * as without bpfspy (calls through such a pointer are seen at the
 * syscall layer only).  libbpf's own calls between
 * its API functions go through its PLT too, so they nest: a frame stack
 * per thread gives every call (and every bpf syscall made inside) the seq
 * of the call it was made in as "parent", and counts the syscalls under
 * each call.
 *
 * Arguments.  A LIBBPF_FUNC wrapper takes six integer registers and
 * passes them all on: those functions have at most six integer or pointer
 * arguments, which the x86-64 and AArch64 conventions pass in registers,
 * so the real function sees exactly the caller's arguments (registers it
 * does not use are ignored).  A LIBBPF_FUNC_WIDE(sym, ver, n) function has
 * n > 6 (bpf_map_lookup_batch and bpf_map_lookup_and_delete_batch 7,
 * bpf_task_fd_query 9): the rest are on the caller's stack, so its wrapper
 * is declared with exactly n parameters and calls the real function with
 * exactly n, which copies the caller's stack arguments into the same slots
 * of the new call.  A wrapper never reads a stack slot the caller did not
 * write.
 *
 * Functions no loaded libbpf has (libbpf 1.1.2 has no
 * libbpf_set_memlock_rlim, nothing of LIBBPF_1.2.0 and later): the
 * version script still exports a wrapper, because it is fixed at build
 * time and a symbol cannot be withdrawn from a loaded object.  We thought
 * about an IFUNC whose resolver returns NULL for them, and rejected it:
 * the dynamic linker relocates libbpf (BIND_NOW) before this shim, so the
 * resolver would run with the shim unrelocated, and it would have to call
 * dlvsym from inside the dynamic linker; nor could it see a libbpf
 * dlopen()ed later.  Can such a wrapper be reached?  Not from a correctly
 * linked caller: the dynamic linker refuses to load an object whose
 * version nodes its libbpf lacks, and libbpf never removes a name from a
 * node.  Not through dlsym() or an unversioned reference (non-default
 * versions, and the first node holds no wrapper: gen-map.sh).  What is
 * left is a pointer dlvsym() returned for that exact version, or a weak
 * reference bound to it: without bpfspy it would have been NULL, and the
 * program would not have called it, which no wrapper can undo.  Such a
 * call returns -ENOSYS (NULL for pointer functions) with errno ENOSYS,
 * is recorded with "missing":true, and issues no syscall.
 *
 * Re-entrancy.  Wrappers allocate nothing and take no lock once their
 * caller's object is known: the call's record lives on the stack, the
 * frame stack is thread-local (initial-exec TLS), and the targets are
 * read from libbpf_scope.c's lock-free cache (the first call from each
 * object looks them up with the loader's locks held).  A wrapper
 * entered from a signal handler while this thread is inside another
 * libbpf call simply pushes a frame above it: the handler's call gets the
 * interrupted call as its parent and its syscalls count towards both,
 * which is what happened in time.  Its frame is popped before the handler
 * returns, so the interrupted call's frame is intact.  (libbpf itself is
 * not async-signal-safe; bpfspy adds no new hazard.)  Nesting deeper than
 * MAX_DEPTH calls goes straight to the real function, unrecorded.  errno
 * is what the real function left it on return, and what the caller had
 * on entry to the real function: our own reads before the call may touch
 * it, so it is restored first.
 *
 * Fault injection (bpfspy run --inject FUNC:ERRNO[:N|:N+], policy.c).  A
 * call a rule hits does not reach libbpf: the wrapper returns what libbpf
 * returns for that error by its convention (bpf-abi.md §6.1, libbpf 1.0
 * and later): -ERRNO for functions returning an int or an fd, NULL for
 * those returning a pointer, with errno ERRNO either way.  It makes no
 * syscall, so its event has "syscalls":0 and no bpf event under it, and
 * carries "injected":true.  Calls are counted per function and process
 * before anything else, also when not recording (as the syscall layer
 * counts commands).  Functions returning void (bpf_object__close) have no
 * error to inject: bpfspy run refuses rules on them.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "event/bpf_record.h"
#include "event/bpf_stack.h"
#include "libbpf/libbpf_funcs.h"
#include "shim.h"

#define MAX_DEPTH 16

typedef long (*fn6)(long, long, long, long, long, long);
typedef long (*fn7)(long, long, long, long, long, long, long);
typedef long (*fn9)(long, long, long, long, long, long, long, long, long);

struct frame {
	uint64_t seq;
	uint64_t nsys, nfail;
	uint64_t cmds;        /* bit n: command n was made inside */
	uint64_t shim_ns;     /* the shim's own time inside it */
	uint64_t exit_ns;     /* when the shim last left a syscall of it (0: none) */
	uint64_t sys_ns;      /* thin: its timed syscalls' time */
	bool keep;         /* --failed-only: a call inside it was recorded */
	bool thin;         /* a thin wrapper the program called: timed by its
			    * syscalls (bpfspy_libbpf_syscall()) */
};

static __thread struct frame t_frames[MAX_DEPTH];
static __thread unsigned t_depth;

uint64_t bpfspy_libbpf_parent(void)
{
	return t_depth ? t_frames[t_depth - 1].seq : 0;
}

unsigned bpfspy_libbpf_depth(void)
{
	return t_depth;
}

void bpfspy_libbpf_overhead(uint64_t entry, uint64_t dur, uint64_t exit)
{
	struct frame *fr;

	if (!t_depth)
		return;
	fr = &t_frames[t_depth - 1];
	fr->shim_ns += exit - entry - dur;
	fr->exit_ns = exit;
}

int bpfspy_libbpf_timing(void)
{
	if (!t_depth)
		return LB_NONE;
	return t_depth == 1 && t_frames[0].thin ? LB_THIN : LB_TIMED;
}

void bpfspy_libbpf_syscall(uint64_t start, uint64_t end)
{
	struct frame *fr = &t_frames[0];

	fr->sys_ns += end - start;
	fr->exit_ns = end;
}

void bpfspy_libbpf_count(uint32_t cmd, long ret)
{
	unsigned i, n = t_depth < MAX_DEPTH ? t_depth : MAX_DEPTH;
	uint64_t bit;

	if (!n)   /* the program's own call: the usual case, first */
		return;
	bit = cmd < 64 ? 1ull << cmd : 0;
	for (i = 0; i < n; i++) {
		t_frames[i].nsys++;
		t_frames[i].cmds |= bit;
		if (ret < 0)
			t_frames[i].nfail++;
	}
}

/* The call says it failed: a negative return, or NULL from a pointer
 * function. */
static bool libbpf_call_failed(const struct libbpf_func *f, const struct libbpf_call *c)
{
	if (!f || f->ret == LR_VOID)
		return false;
	return f->ret == LR_PTR ? !c->ret : (int32_t)c->ret < 0;
}

/* What function @f returns for error @err: NULL or -err; errno @err. */
static long injected(const struct libbpf_func *f, int err)
{
	errno = err;
	return f->ret == LR_PTR ? 0 : -(long)err;
}

/* Call the real function with exactly @n arguments (6: all six argument
 * registers), or behave as a missing one: -ENOSYS, errno ENOSYS. */
static long invoke(unsigned id, void *fn, unsigned n, const long *a)
{
	if (!fn) {
		errno = ENOSYS;
		return libbpf_func(id)->ret == LR_PTR ? 0 : -ENOSYS;
	}
	switch (n) {
	case 7:
		return ((fn7)fn)(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
	case 9:
		return ((fn9)fn)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
	}
	return ((fn6)fn)(a[0], a[1], a[2], a[3], a[4], a[5]);
}

typedef const char *(*name_fn)(const void *);

/* libbpf's own getters (not interposed, no syscalls), of the libbpf the
 * caller at @ra uses. */
static name_fn getter(unsigned which, uintptr_t ra)
{
	return (name_fn)bpfspy_libbpf_target(LF_COUNT + which, ra, false);
}

/* The name of the object, program or map a call is about: its first
 * argument, or the object bpf_object__open_file returned. */
static void object_name(const struct libbpf_func *f, const long *a, long ret, uintptr_t ra,
			char *out, size_t cap)
{
	const void *obj = NULL;
	name_fn get = NULL;
	const char *n;

	if (f->args[0].kind == LA_OBJECT) {
		get = getter(0, ra);
		obj = (const void *)a[0];
	} else if (f->args[0].kind == LA_PROGRAM) {
		get = getter(1, ra);
		obj = (const void *)a[0];
	} else if (f->args[0].kind == LA_MAP) {
		get = getter(2, ra);
		obj = (const void *)a[0];
	} else if (f->ret == LR_PTR && ret && f == libbpf_func(LF_bpf_object__open_file)) {
		get = getter(0, ra);
		obj = (const void *)ret;
	}
	out[0] = 0;
	if (!get || !obj || (uintptr_t)obj > (uintptr_t)-4096)   /* ERR_PTR */
		return;
	n = get(obj);
	if (n) {
		strncpy(out, n, cap - 1);
		out[cap - 1] = 0;
	}
}

struct emitted {
	const struct bpf_event_env *env;
	const struct libbpf_call *c;
};

static void render(struct jsonw *w, const void *ctx)
{
	const struct emitted *e = ctx;

	libbpf_render_event(w, e->env, e->c, bpfspy_opts());
}

static bool named_by_arg(const struct libbpf_func *f)
{
	return f->args[0].kind == LA_OBJECT || f->args[0].kind == LA_PROGRAM ||
	       f->args[0].kind == LA_MAP;
}

/* Calls spooled packed and rendered at drain time (the element calls in
 * a daemon's loop), not rendered now. */
static bool packable(unsigned id, const struct libbpf_call *c)
{
	return libbpf_func_offline_ok(id) && !c->missing && !c->injected;
}

/* A call whose rendering reads the caller's memory, with copies of what
 * it reads (BPF_REC_LIBBPF_COPIES, bpf_record.h); false: too many
 * buffers, rendered now. */
static bool commit_copies(const struct bpf_event_env *env, const struct libbpf_call *c)
{
	struct bpf_region r[BPF_REGIONS_MAX];
	uint8_t scratch[BPF_REGIONS_SCRATCH];
	unsigned n = libbpf_call_regions(c, bpfspy_opts(), r, BPF_REGIONS_MAX);
	size_t size;
	void *p;

	if (n > BPF_REGIONS_MAX)
		return false;
	bpf_regions_measure(r, n, scratch, sizeof(scratch));
	size = libbpf_copies_size(env, c, r, n);
	p = bpfspy_spool_begin(size, env->seq);
	if (!p)
		return true;   /* counted lost */
	libbpf_copies_pack(p, env, c, bpfspy_opts(), r, n, scratch);
	bpfspy_spool_commit(p, BPF_REC_LIBBPF_COPIES, size);
	return true;
}

/* Spool the finished call on the work stack: packed with its stack when
 * it renders from its numbers alone (without a stack: pack_here()), else
 * with copies of the strings and opts it reads and the name libbpf's
 * getters give its object now; rendered now only when those overflow. */
static void emit(unsigned id, const struct libbpf_func *f, const long *a, uintptr_t ra,
		 const struct bpf_event_env *env, struct libbpf_call *c)
{
	struct emitted e = { env, c };

	if (packable(id, c)) {
		/* element calls in a daemon's loop: pack, render at drain */
		uint8_t r[sizeof(struct libbpf_record) + 3 + BPF_STACK_MAX * 8]
			__attribute__((aligned(8)));
		size_t n = sizeof(struct libbpf_record);

		libbpf_record_pack((struct libbpf_record *)r, env, c);
		if (env->stack) {
			bpfspy_stack_spool_syms(env->stack);
			n += bpf_stack_tail_size(env->stack);
			bpf_stack_tail_pack(r + sizeof(struct libbpf_record), env->stack);
		}
		bpfspy_spool_record(BPF_REC_LIBBPF, r, n);
		return;
	}
	if (!c->name[0])
		object_name(f, a, (long)c->ret, ra, c->name, sizeof(c->name));
	if (env->stack)
		bpfspy_stack_spool_syms(env->stack);
	if (commit_copies(env, c))
		return;
	bpfspy_emit_json(render, &e);
}

/*
 * A packed call without a stack, straight into the ring: no buffer on
 * the caller's stack, no switch to ours.  After its template (function
 * and arguments) when it has one: this thread's last few are kept with
 * their slot in the spool's dictionary (bpf_record.h).
 */
#define LB_WAYS 4u

struct lb_way {
	uint32_t gen;              /* bpfspy_spool_gen() the slot belongs to */
	int id;
	unsigned nargs;            /* the function's own arguments, at most 6 */
	struct libbpf_tmpl t;
};
static __thread struct lb_way t_lb[LB_WAYS];

/* This thread's cached template of function @id called with arguments
 * @args (its own ones: past them a template is zero), compared in place
 * (making one, libbpf_tmpl_make(), costs ~100 instructions): its
 * dictionary slot, or -1. */
static inline int lb_cached(unsigned id, const uint64_t *args, uint32_t gen,
			    struct lb_way **way)
{
	struct lb_way *w = &t_lb[(id ^ (args[1] >> 3)) & (LB_WAYS - 1)];
	uint64_t diff = 0;
	unsigned i;

	*way = w;
	if (!gen || w->gen != gen || w->t.tag != (LIBBPF_TMPL_TAG | id))
		return -1;
	/* (a loop of at most six words: memcmp()'s call cost ~30 more; the
	 * count kept with the way, a call less) */
	for (i = 0; i < w->nargs; i++)
		diff |= w->t.args[i] ^ args[i];
	return diff ? -1 : w->id;
}

static int lb_template(const struct bpf_event_env *env, const struct libbpf_call *c)
{
	uint32_t gen = bpfspy_spool_gen();
	struct libbpf_tmpl t;
	struct lb_way *w;
	int id;

	if (!gen || !libbpf_hot_ok(env, c))
		return -1;
	id = lb_cached(c->id, c->args, gen, &w);
	if (id >= 0)
		return id;
	if (!libbpf_tmpl_make(&t, env, c))
		return -1;
	w->id = libbpf_dict_intern(bpfspy_spool_dict(), &t);
	w->gen = w->id < 0 ? 0 : gen;
	w->nargs = libbpf_func_nargs(c->id) < 6 ? libbpf_func_nargs(c->id) : 6;
	w->t = t;
	return w->id;
}

static void pack_here(const struct bpf_event_env *env, const struct libbpf_call *c)
{
	int id = lb_template(env, c);
	size_t n = id < 0 ? sizeof(struct libbpf_record) : sizeof(struct libbpf_rec_hot);
	void *r = bpfspy_spool_begin(n, env->seq);

	if (!r)
		return;
	if (id < 0) {
		libbpf_record_pack(r, env, c);
		bpfspy_spool_commit(r, BPF_REC_LIBBPF, n);
		return;
	}
	libbpf_hot_pack(r, env, c, id);
	bpfspy_spool_commit(r, BPF_REC_LIBBPF_HOT, n);
}

struct emit_args {
	unsigned id;
	const struct libbpf_func *f;
	const long *a;
	uintptr_t ra;
	const struct bpf_event_env *env;
	struct libbpf_call *c;
};

/* emit() on the shim's own stack: its render buffers are not the
 * caller's to lend. */
static void emit_there(void *arg)
{
	struct emit_args *e = arg;

	emit(e->id, e->f, e->a, e->ra, e->env, e->c);
}

/* A new frame for the call about to be made. */
static struct frame *frame_push(void)
{
	struct frame *fr = &t_frames[t_depth++];

	fr->seq = bpfspy_next_seq();
	fr->nsys = fr->nfail = 0;
	fr->cmds = 0;
	fr->shim_ns = 0;
	fr->exit_ns = 0;
	fr->sys_ns = 0;
	fr->keep = false;
	fr->thin = false;
	return fr;
}

/* After frame @fr is popped: to the enclosing call, all of this call's
 * wrapping (since @entry, less the real function's @start to @end) is the
 * shim's, and a call @kept keeps it too (--failed-only). */
static void frame_done(const struct frame *fr, uint64_t entry, uint64_t start, uint64_t end,
		       bool kept)
{
	struct frame *up;

	if (!t_depth)
		return;
	up = &t_frames[t_depth - 1];
	up->keep |= kept;
	up->shim_ns += bpfspy_now_ns() - entry - (end - start) + fr->shim_ns;
}

/* The envelope of the call of frame @fr, timed @start to @end: libbpf's
 * time, what the shim spent recording its syscalls (and the libbpf calls
 * inside it) left out. */
static void frame_env(struct bpf_event_env *env, const struct frame *fr, uint64_t parent,
		      uint64_t start, uint64_t end)
{
	bpfspy_env(env, fr->seq, start,
		   end - start > fr->shim_ns ? end - start - fr->shim_ns : 0);
	if (fr->shim_ns)
		env->wall_ns = end - start;   /* where timelines draw it */
	env->parent = parent;
}

/* --failed-only: a call that failed, or in which a call failed */
static bool wanted(const struct libbpf_func *f, const struct frame *fr, const struct libbpf_call *c)
{
	return !bpfspy_failed_only() || c->nfail || fr->keep || libbpf_call_failed(f, c);
}

/*
 * The thin wrappers' way: a call of a function whose record renders from
 * its numbers alone (libbpf_func_offline_ok(): no strings, opts, objects
 * or pointers libbpf writes through; bpf_map_lookup_elem() and the other
 * element calls in a daemon's loop), without a stack, not injected.  The
 * call's record is not cleared and filled (a struct libbpf_call is 264
 * bytes): a BPF_REC_LIBBPF_HOT needs its numbers and its template, which
 * is compared with the arguments where they are.  Anything else (the
 * first call of a template, numbers too large for the record) takes
 * emit()'s way with the record made whole.  callgrind, the wrapper's own
 * instructions per lookup_bench --libbpf lookup: 782 -> 679 (with
 * the per-thread target of libbpf_scope.c, 657; the template's argument
 * count kept with it, 613).
 */
static long libbpf_thin(unsigned id, const struct libbpf_func *f, unsigned n, const long *a,
			void *fn, int entry_errno, uint64_t entry)
{
	uint64_t start, end, parent;
	struct bpf_event_env env;
	struct libbpf_call c;   /* what libbpf_hot_fits() and libbpf_hot_pack() read */
	struct frame *fr;
	struct lb_way *w;
	struct libbpf_rec_hot *r;
	int tmpl, saved;
	long ret;

	parent = bpfspy_libbpf_parent();
	fr = frame_push();
	/* Called by the program (not inside another libbpf call, whose
	 * dur_ns needs the shim's time here): its dur_ns is the time of the
	 * syscalls it made, timed by the shim anyway.  The few instructions
	 * libbpf runs around them are not worth the two clock reads more
	 * (~21 ns of a ~820 ns lookup here, AMD EPYC VM; rdtsc 10.6 ns). */
	fr->thin = t_depth == 1;
	start = bpfspy_now_ns();
	errno = entry_errno;
	ret = invoke(id, fn, n, a);
	saved = errno;
	/* One syscall, timed: the call ends where it ended (a thin wrapper
	 * returns at once). */
	end = fr->nsys == 1 && fr->exit_ns ? fr->exit_ns : bpfspy_now_ns();
	if (fr->thin && fr->exit_ns)   /* dur_ns: its timed syscalls' */
		fr->shim_ns = end - start > fr->sys_ns ? end - start - fr->sys_ns : 0;
	t_depth--;
	frame_env(&env, fr, parent, start, end);
	c.id = id;
	c.ret = ret;
	c.err = saved;
	c.nsys = fr->nsys;
	c.nfail = fr->nfail;
	if (!wanted(f, fr, &c)) {
		frame_done(fr, entry, start, end, false);
		errno = saved;
		return ret;
	}
	tmpl = libbpf_hot_fits(&env, &c) ? lb_cached(id, (const uint64_t *)a, bpfspy_spool_gen(), &w) : -1;
	if (tmpl >= 0) {
		r = bpfspy_spool_begin(sizeof(*r), env.seq);
		if (r) {
			libbpf_hot_pack(r, &env, &c, tmpl);
			bpfspy_spool_commit(r, BPF_REC_LIBBPF_HOT, sizeof(*r));
		}
	} else {
		struct libbpf_call whole;

		memset(&whole, 0, sizeof(whole));
		whole.id = id;
		memcpy(whole.args, a, n * sizeof(a[0]));
		whole.ret = ret;
		whole.err = saved;
		whole.nsys = fr->nsys;
		whole.nfail = fr->nfail;
		whole.cmds = fr->cmds;
		pack_here(&env, &whole);
	}
	frame_done(fr, entry, start, end, true);
	errno = saved;
	return ret;
}

/* Every wrapper: call function @id with its first @n arguments @a for
 * the caller returning to @ra, and record the call. */
static long libbpf_call(unsigned id, unsigned n, const long *a, uintptr_t ra)
{
	const struct libbpf_func *f = libbpf_func(id);
	int entry_errno = errno;
	/* the wrapping is timed for an enclosing call only (frame_done()) */
	uint64_t entry = t_depth ? bpfspy_now_ns() : 0, start, end, parent;
	int inj = bpfspy_inject_func_errno(id);
	bool on = t_depth < MAX_DEPTH && bpfspy_active() && bpfspy_filter_func(id);
	void *fn = bpfspy_libbpf_target(id, ra, on);
	struct libbpf_call c;
	struct bpf_event_env env;
	struct bpf_stack stack;
	uint64_t ips[BPF_STACK_MAX];
	bool have_stack = false, kept = false;
	struct frame *fr;
	struct emit_args ea;
	long ret;
	int saved;
	unsigned i;

	if (on && bpfspy_summary_on()) {
		/* --summary: counted and timed, no event */
		start = bpfspy_summary_start();
		errno = entry_errno;
		ret = inj ? injected(f, inj) : invoke(id, fn, n, a);
		saved = errno;
		c.id = id;
		c.ret = ret;
		bpfspy_summary_func(id, bpfspy_summary_dur(start), libbpf_call_failed(f, &c));
		errno = saved;
		return ret;
	}
	if (!on) {
		if (inj)
			return injected(f, inj);
		errno = entry_errno;
		return invoke(id, fn, n, a);
	}
	if (fn && !inj && !bpfspy_stack_depth && libbpf_func_offline_ok(id))
		return libbpf_thin(id, f, n, a, fn, entry_errno, entry);
	if (bpfspy_stack_depth)    /* before our frame is pushed: see stack.c */
		have_stack = bpfspy_stack_capture(&stack, ips, 0);
	memset(&c, 0, sizeof(c));
	c.id = id;
	c.missing = !fn && !inj;
	c.injected = inj != 0;
	for (i = 0; i < n; i++)   /* the wrapper's registers; memset() the rest */
		c.args[i] = (uint64_t)a[i];
	if (libbpf_func_probes(id)) {
		libbpf_opts_probe(&c);   /* sz and tail as OPTS_VALID will see them */
		libbpf_args_probe(&c);   /* in/out counts before the call */
	}
	if (named_by_arg(f))
		object_name(f, a, 0, ra, c.name, sizeof(c.name));  /* before close frees it */
	parent = bpfspy_libbpf_parent();
	fr = frame_push();
	start = bpfspy_now_ns();
	errno = entry_errno;
	ret = inj ? injected(f, inj) : invoke(id, fn, n, a);
	saved = errno;
	end = bpfspy_now_ns();
	c.nsys = fr->nsys;
	c.nfail = fr->nfail;
	c.cmds = fr->cmds;
	t_depth--;
	frame_env(&env, fr, parent, start, end);
	env.stack = have_stack ? &stack : NULL;
	c.ret = ret;
	c.err = saved;
	if (wanted(f, fr, &c)) {
		ea = (struct emit_args){ id, f, a, ra, &env, &c };
		if (!have_stack && packable(id, &c))
			pack_here(&env, &c);
		else
			bpfspy_on_work_stack(emit_there, &ea);
		kept = true;
	}
	frame_done(fr, entry, start, end, kept);
	errno = saved;
	return ret;
}

#define RA ((uintptr_t)__builtin_return_address(0))
/* GCC's symver attribute where it has it: a top-level .symver names
 * the wrapper in a way link-time optimization cannot see, and it drops
 * the wrapper as unused. */
#if defined(__has_attribute) && __has_attribute(symver)
#define WRAPPER_DECL(sym, ver, ...)                                                \
	__attribute__((visibility("default"), symver(#sym "@" #ver)))               \
	long bpfspy_lb_##sym(__VA_ARGS__);
#else
#define WRAPPER_DECL(sym, ver, ...)                                                \
	__attribute__((visibility("default"))) long bpfspy_lb_##sym(__VA_ARGS__);   \
	__asm__(".symver bpfspy_lb_" #sym ", " #sym "@" #ver);
#endif

#define LIBBPF_FUNC(sym, ver)                                                      \
	WRAPPER_DECL(sym, ver, long, long, long, long, long, long)                 \
	long bpfspy_lb_##sym(long a0, long a1, long a2, long a3, long a4, long a5)   \
	{                                                                           \
		long a[LIBBPF_MAX_ARGS] = { a0, a1, a2, a3, a4, a5 };               \
		return libbpf_call(LF_##sym, 6, a, RA);                                 \
	}
#define WIDE_7(sym, ver)                                                           \
	WRAPPER_DECL(sym, ver, long, long, long, long, long, long, long)           \
	long bpfspy_lb_##sym(long a0, long a1, long a2, long a3, long a4, long a5,   \
			     long a6)                                               \
	{                                                                           \
		long a[LIBBPF_MAX_ARGS] = { a0, a1, a2, a3, a4, a5, a6 };           \
		return libbpf_call(LF_##sym, 7, a, RA);                                 \
	}
#define WIDE_9(sym, ver)                                                           \
	WRAPPER_DECL(sym, ver, long, long, long, long, long, long, long, long, long) \
	long bpfspy_lb_##sym(long a0, long a1, long a2, long a3, long a4, long a5,   \
			     long a6, long a7, long a8)                             \
	{                                                                           \
		long a[LIBBPF_MAX_ARGS] = { a0, a1, a2, a3, a4, a5, a6, a7, a8 };   \
		return libbpf_call(LF_##sym, 9, a, RA);                                 \
	}
#define LIBBPF_FUNC_WIDE(sym, ver, n) WIDE_##n(sym, ver)
#include "libbpf/libbpf_funcs.def"
#undef LIBBPF_FUNC_WIDE
#undef LIBBPF_FUNC
