// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The libbpf layer: libbpf's API functions (decoders/libbpf_funcs.def),
 * interposed by exact symbol version.
 *
 * Each wrapper is exported as NAME@@VERSION (.symver and the generated
 * version script), so a program linked against that version reaches it,
 * and calls the real function through dlvsym(RTLD_NEXT, NAME, VERSION):
 * a binary linked against another version of a name never reaches a
 * wrapper written for a different signature.  libbpf's own calls between
 * its API functions go through its PLT too, so they nest: a frame stack
 * per thread gives every call (and every bpf syscall made inside) the seq
 * of the call it was made in as "parent", and counts the syscalls under
 * each call.
 *
 * The wrappers take six integer registers and pass them all on: every
 * function in the list has at most six integer or pointer arguments, and
 * the x86-64 and AArch64 calling conventions pass those in registers, so
 * the real function sees exactly the caller's arguments.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bpf_record.h"
#include "libbpf_funcs.h"
#include "shim.h"

#define MAX_DEPTH 16

typedef long (*fn6)(long, long, long, long, long, long);

struct frame {
	uint64_t seq;
	uint64_t nsys, nfail;
};

static __thread struct frame t_frames[MAX_DEPTH];
static __thread unsigned t_depth;
static fn6 real[LF_COUNT];

uint64_t bpfspy_libbpf_parent(void)
{
	return t_depth ? t_frames[t_depth - 1].seq : 0;
}

void bpfspy_libbpf_count(long ret)
{
	unsigned i;

	for (i = 0; i < t_depth && i < MAX_DEPTH; i++) {
		t_frames[i].nsys++;
		if (ret < 0)
			t_frames[i].nfail++;
	}
}

/* The real function, found once; NULL when the loaded libbpf lacks it. */
static fn6 real_fn(unsigned id)
{
	fn6 f = __atomic_load_n(&real[id], __ATOMIC_ACQUIRE);

	if (!f) {
		f = (fn6)dlvsym(RTLD_NEXT, libbpf_func_name(id), libbpf_func_version(id));
		__atomic_store_n(&real[id], f, __ATOMIC_RELEASE);
	}
	return f;
}

typedef const char *(*name_fn)(const void *);

/* libbpf's own getters (not interposed, no syscalls), found once. */
static name_fn getter(const char *sym, name_fn *cache)
{
	name_fn f = __atomic_load_n(cache, __ATOMIC_ACQUIRE);

	if (!f) {
		f = (name_fn)dlsym(RTLD_NEXT, sym);
		__atomic_store_n(cache, f, __ATOMIC_RELEASE);
	}
	return f;
}

/* The name of the object or program a call is about: its first argument,
 * or the object bpf_object__open_file returned. */
static void object_name(const struct libbpf_func *f, const long *a, long ret, char *out,
			size_t cap)
{
	static name_fn obj_name, prog_name;
	const void *obj = NULL;
	name_fn get = NULL;
	const char *n;

	if (f->args[0].kind == LA_OBJECT) {
		get = getter("bpf_object__name", &obj_name);
		obj = (const void *)a[0];
	} else if (f->args[0].kind == LA_PROGRAM) {
		get = getter("bpf_program__name", &prog_name);
		obj = (const void *)a[0];
	} else if (f->ret == LR_PTR && ret && f == libbpf_func(LF_bpf_object__open_file)) {
		get = getter("bpf_object__name", &obj_name);
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

static long libbpf_call(unsigned id, long a0, long a1, long a2, long a3, long a4, long a5)
{
	const struct libbpf_func *f = libbpf_func(id);
	long a[6] = { a0, a1, a2, a3, a4, a5 };
	fn6 fn = real_fn(id);
	struct libbpf_call c;
	struct bpf_event_env env;
	struct emitted e = { &env, &c };
	uint64_t start, parent;
	struct frame *fr;
	long ret;
	int saved;
	unsigned i;

	if (!fn) {
		errno = ENOSYS;
		return f->ret == LR_PTR ? 0 : -ENOSYS;
	}
	if (t_depth >= MAX_DEPTH || !bpfspy_active())
		return fn(a0, a1, a2, a3, a4, a5);
	memset(&c, 0, sizeof(c));
	c.id = id;
	if (f->args[0].kind == LA_OBJECT || f->args[0].kind == LA_PROGRAM)
		object_name(f, a, 0, c.name, sizeof(c.name));  /* before close frees it */
	parent = bpfspy_libbpf_parent();
	fr = &t_frames[t_depth++];
	fr->seq = bpfspy_next_seq();
	fr->nsys = fr->nfail = 0;
	start = bpfspy_now_ns();
	ret = fn(a0, a1, a2, a3, a4, a5);
	saved = errno;
	c.nsys = fr->nsys;
	c.nfail = fr->nfail;
	bpfspy_env(&env, fr->seq, start, bpfspy_now_ns() - start);
	t_depth--;
	env.parent = parent;
	for (i = 0; i < 6; i++)
		c.args[i] = (uint64_t)a[i];
	c.ret = ret;
	c.err = saved;
	if (libbpf_func_offline_ok(id)) {
		/* element calls in a daemon's loop: pack, render at drain */
		struct libbpf_record r;

		libbpf_record_pack(&r, &env, &c);
		bpfspy_spool_record(BPF_REC_LIBBPF, &r, sizeof(r));
	} else {
		if (!c.name[0])
			object_name(f, a, ret, c.name, sizeof(c.name));
		bpfspy_emit_json(render, &e);
	}
	errno = saved;
	return ret;
}

#define LIBBPF_FUNC(sym, ver)                                                      \
	__attribute__((visibility("default"))) long bpfspy_lb_##sym(long, long, long, \
								  long, long, long); \
	__asm__(".symver bpfspy_lb_" #sym ", " #sym "@@" #ver);                     \
	long bpfspy_lb_##sym(long a0, long a1, long a2, long a3, long a4, long a5)   \
	{                                                                           \
		return libbpf_call(LF_##sym, a0, a1, a2, a3, a4, a5);               \
	}
#include "libbpf_funcs.def"
#undef LIBBPF_FUNC
