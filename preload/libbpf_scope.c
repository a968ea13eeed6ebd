// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which libbpf a wrapper of the libbpf layer calls: the one its caller
 * would have reached without bpfspy.
 *
 * The shim is preloaded, so it is early in the global scope and every
 * reference to NAME@VERSION binds to its wrapper, also one made by a
 * plugin dlopen()ed with RTLD_LOCAL whose libbpf lives in the plugin's
 * local scope (ctypes loading libbcc, which links libbpf.so.1).  Without
 * bpfspy the dynamic linker would have searched the global scope and then
 * the caller's local scope.  So, per caller object, the target of each
 * function is found as the dynamic linker would have found it:
 *
 *   1. dlvsym(RTLD_NEXT): the global scope after the shim (libbpf loaded
 *      at start, or later with RTLD_GLOBAL: glibc appends those to the
 *      same list);
 *   2. the caller's own dependencies: dlvsym() on a handle of the caller
 *      (dlopen(its path, RTLD_NOLOAD)), which searches its dependency
 *      tree, so two plugins that link two libbpf copies each get their
 *      own.  For a plugin that is its local scope exactly.  For a
 *      dependency of a plugin, ld.so would search the plugin's tree, which
 *      includes this one: the two differ only when the plugin's tree
 *      holds a second libbpf ahead of this object's own (the root of a
 *      local scope is not public: struct link_map's l_loader is glibc's);
 *   3. failing both (the caller is a dependency of a plugin that links
 *      libbpf without linking it itself, or the return address is not the
 *      referencing object's: a tail call through the PLT leaves the
 *      caller's caller there), the first loaded object whose dependency
 *      tree defines the symbol version.  With one libbpf in the process,
 *      which is the usual case, that is the right one; with several, a
 *      tail-calling caller may get the first copy loaded.
 *
 * The caller is the wrapper's return address, its object found with
 * dl_iterate_phdr().  We weighed the rtld-audit interface (LD_AUDIT,
 * la_symbind64), which is told the referencing and the defining object of
 * every binding, RTLD_LOCAL ones included, and would be exact even for
 * tail calls.  We did not take it: it works only when LD_AUDIT is set
 * before the program starts (not in bare LD_PRELOAD use, not after a
 * program resets its environment, never in AT_SECURE images); an audit
 * module lives in a link-map namespace of its own, so it would need its
 * own channel to the shim; redirecting a binding per caller needs a
 * trampoline per binding made at run time; and it changes how glibc
 * binds every symbol of every object, not only libbpf's.
 *
 * The cache: a caller's targets are all found at once (about 100
 * lookups, once per caller object) into a scope, keyed by the caller's
 * address range and the generation of the loaded objects.  A scope is
 * immutable once published: readers check its generation before and
 * after reading it (a seqlock without a lock: the writer owns a slot by
 * compare-and-swap), so the hot path is a few loads and compares, no lock,
 * no allocation.  A dlclose() that unloads an object bumps the generation
 * (the shim interposes dlclose, which depends on nothing of the caller's,
 * unlike dlopen's search path): every scope is then stale, because the
 * unloaded object's addresses may be reused by the next dlopen().  Stale
 * slots are reused.  While a dlclose() is in progress, calls resolve
 * without the cache.  An unload we do not see (libc's own dlclose of an
 * NSS or gconv module: none of them calls or holds libbpf, so none has a
 * scope or is a target) leaves scopes as they are.
 * Objects loaded later need no bump: a caller's first call finds them, as
 * a lazy binding would, and a binding once made stays, as in ld.so.
 * SCOPES callers at once are cached; more resolve on every call.
 *
 * The slow path calls dl_iterate_phdr, dlopen(RTLD_NOLOAD), dlvsym and
 * dlclose, which take glibc's loader locks: once per caller object and
 * generation.  It may replace a pending dlerror() message of the thread.
 * A handle it opened is closed through the same counting as the
 * program's dlclose(): if the program closed that object meanwhile, ours
 * is the close that unloads it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "libbpf/libbpf_funcs.h"
#include "shim.h"

#define EXPORT __attribute__((visibility("default")))
#define SCOPES 64
#define NFN (LF_COUNT + LB_GETTERS)
#define ANNOUNCED 16

/* libbpf's own getters the shim names objects with (not interposed). */
static const char *const getter_names[LB_GETTERS] = {
	"bpf_object__name", "bpf_program__name", "bpf_map__name",
};

struct scope {
	uint32_t gen;          /* generation it was found in; 0: free or being filled */
	uintptr_t lo, hi;      /* the caller object's extent */
	void *fn[NFN];         /* NULL: no target when it was filled */
};

static struct scope scopes[SCOPES];
static uint32_t claimed;          /* slots ever taken */
static uint32_t cur_gen = 1;      /* bumped by a dlclose() that unloads */
static uint32_t closing;          /* dlclose() calls in progress */
static unsigned long long last_subs;
static uintptr_t own_lo, own_hi;  /* the shim */
static void *real_dlclose;

/* ---- objects --------------------------------------------------------------- */

struct object {
	uintptr_t ra;            /* in: an address */
	uintptr_t lo, hi;        /* out: its object's extent */
	char name[PATH_MAX];     /* its path; "" for the main program */
	bool found;
};

static int find_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct object *o = arg;
	uintptr_t lo = UINTPTR_MAX, hi = 0, a;
	bool hit = false;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];

		if (p->p_type != PT_LOAD)
			continue;
		a = info->dlpi_addr + p->p_vaddr;
		if (a < lo)
			lo = a;
		if (a + p->p_memsz > hi)
			hi = a + p->p_memsz;
		if (o->ra >= a && o->ra < a + p->p_memsz)
			hit = true;
	}
	if (!hit)
		return 0;
	o->lo = lo;
	o->hi = hi;
	strncpy(o->name, info->dlpi_name ? info->dlpi_name : "", sizeof(o->name) - 1);
	o->name[sizeof(o->name) - 1] = 0;
	o->found = true;
	return 1;
}

static bool object_of(uintptr_t ra, struct object *o)
{
	o->ra = ra;
	o->found = false;
	dl_iterate_phdr(find_cb, o);
	return o->found;
}

static int close_counted(void *h);

/* Our own handles are closed as the program's are: if the program closed
 * the object meanwhile, ours was the last reference and this unloads it. */
static void close_handle(void *h)
{
	if (h)
		close_counted(h);
}

/* A handle of the loaded object @name, or NULL (the main program: its
 * scope is the global one, searched already). */
static void *handle_of(const char *name)
{
	if (!name[0])
		return NULL;
	return dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
}

/* The shim's own extent, so that none of its wrappers is taken for a
 * target (a lookup through the main program's handle finds them).  Found
 * on first use: a library's constructor may call libbpf before ours. */
static void own_range(void)
{
	struct object o;

	if (__atomic_load_n(&own_hi, __ATOMIC_ACQUIRE))
		return;
	if (!object_of((uintptr_t)own_range, &o))
		return;
	__atomic_store_n(&own_lo, o.lo, __ATOMIC_RELAXED);
	__atomic_store_n(&own_hi, o.hi, __ATOMIC_RELEASE);
}

static void *lookup(void *h, unsigned i)
{
	void *f;

	if (i < LF_COUNT)
		f = dlvsym(h, libbpf_func_name(i), libbpf_func_version(i));
	else
		f = dlsym(h, getter_names[i - LF_COUNT]);
	if ((uintptr_t)f >= own_lo && (uintptr_t)f < own_hi)
		return NULL;   /* our own wrapper: not a target */
	return f;
}

/* Fill the NULL slots of @fn[@from, @to) from handle @h; true when none
 * is left. */
static bool fill_from(void *h, void **fn, unsigned from, unsigned to)
{
	bool all = true;
	unsigned i;

	for (i = from; i < to; i++) {
		if (!fn[i])
			fn[i] = lookup(h, i);
		all &= fn[i] != NULL;
	}
	return all;
}

/* Step 3: the first loaded object (in load order) whose dependency tree
 * defines them.  Their names are copied out first: dlopen() must not be
 * called from dl_iterate_phdr()'s callback (it holds the lock a dlopen()
 * in another thread waits for while holding the one we would wait for). */
struct names {
	char *buf;
	size_t len, cap;
};

static int names_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct names *ns = arg;
	size_t n;

	(void)size;
	if (!info->dlpi_name || !info->dlpi_name[0])
		return 0;
	n = strlen(info->dlpi_name) + 1;
	if (ns->len + n <= ns->cap) {
		memcpy(ns->buf + ns->len, info->dlpi_name, n);
		ns->len += n;
	}
	return 0;
}

#define NAMES_BYTES (64u << 10)

static void fill_from_any(void **fn, unsigned from, unsigned to)
{
	struct names ns = { NULL, 0, NAMES_BYTES };
	size_t off;
	bool all = false;
	void *h;

	ns.buf = mmap(NULL, NAMES_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (ns.buf == MAP_FAILED)
		return;
	dl_iterate_phdr(names_cb, &ns);
	for (off = 0; off < ns.len && !all; off += strlen(ns.buf + off) + 1) {
		h = handle_of(ns.buf + off);
		if (!h)
			continue;
		all = fill_from(h, fn, from, to);
		close_handle(h);
	}
	munmap(ns.buf, NAMES_BYTES);
}

/* The targets of every function for a caller in object @o. */
static void fill(const struct object *o, void **fn, unsigned from, unsigned to)
{
	void *h;
	bool all;

	all = fill_from(RTLD_NEXT, fn, from, to);
	if (!all && o && (h = handle_of(o->name))) {
		all = fill_from(h, fn, from, to);
		close_handle(h);
	}
	if (!all)
		fill_from_any(fn, from, to);
}

/* ---- copies of libbpf: the header names one, events announce the others -- */

/*
 * A copy of libbpf is an object that defines libbpf_version_string
 * itself.  It is found in the object's own dynamic symbol table (its GNU
 * hash table) from dl_iterate_phdr()'s callback: no dlopen(), so the
 * header, which may be written in a SIGSYS handler on a small signal
 * stack (trap.c), costs little stack and takes no lock but that one.
 */
static uintptr_t dyn_ptr(const struct dl_phdr_info *info, ElfW(Addr) p)
{
	/* glibc relocates these entries in place, but not a read-only
	 * .dynamic (the vDSO's) */
	return p < info->dlpi_addr ? info->dlpi_addr + p : p;
}

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (uint8_t)*s;
	return h;
}

/* The address @name is defined at in @info's object, or 0. */
static uintptr_t defined(const struct dl_phdr_info *info, const char *name)
{
	const ElfW(Dyn) *d = NULL;
	const ElfW(Sym) *sym = NULL;
	const uint32_t *gh = NULL, *buckets, *chain;
	const char *str = NULL;
	uint32_t h = gnu_hash(name), i, h2;
	int k;

	for (k = 0; k < info->dlpi_phnum; k++)
		if (info->dlpi_phdr[k].p_type == PT_DYNAMIC)
			d = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[k].p_vaddr);
	for (; d && d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_GNU_HASH)
			gh = (const uint32_t *)dyn_ptr(info, d->d_un.d_ptr);
		else if (d->d_tag == DT_SYMTAB)
			sym = (const ElfW(Sym) *)dyn_ptr(info, d->d_un.d_ptr);
		else if (d->d_tag == DT_STRTAB)
			str = (const char *)dyn_ptr(info, d->d_un.d_ptr);
	}
	if (!gh || !sym || !str || !gh[0])
		return 0;
	buckets = gh + 4 + gh[2] * (sizeof(ElfW(Addr)) / 4);
	chain = buckets + gh[0] - gh[1];
	for (i = buckets[h % gh[0]]; i >= gh[1]; i++) {
		h2 = chain[i];
		if ((h | 1) == (h2 | 1) && sym[i].st_shndx != SHN_UNDEF &&
		    ELF64_ST_TYPE(sym[i].st_info) == STT_FUNC && !strcmp(str + sym[i].st_name, name))
			return info->dlpi_addr + sym[i].st_value;
		if (h2 & 1)
			break;
	}
	return 0;
}

struct copy {
	uintptr_t at;            /* in: an address in it; 0: the first copy */
	uintptr_t lo, hi;        /* out: the extent of @at's object */
	char ver[64];
	char *path;
	size_t pcap;
	bool found;
};

/* Is @info's object the one @c asks about (any, or the one holding
 * @c->at), and a copy of libbpf?  Fills @c; true when it is the object. */
static bool read_copy(const struct dl_phdr_info *info, struct copy *c)
{
	uintptr_t lo = UINTPTR_MAX, hi = 0, a, f;
	const char *v;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];

		if (p->p_type != PT_LOAD)
			continue;
		a = info->dlpi_addr + p->p_vaddr;
		lo = a < lo ? a : lo;
		hi = a + p->p_memsz > hi ? a + p->p_memsz : hi;
	}
	if (c->at && (c->at < lo || c->at >= hi))
		return false;
	c->lo = lo;
	c->hi = hi;
	c->found = false;
	f = defined(info, "libbpf_version_string");
	if (!f)
		return true;
	v = ((const char *(*)(void))f)();
	strncpy(c->ver, v ? v : "unknown", sizeof(c->ver) - 1);
	c->ver[sizeof(c->ver) - 1] = 0;
	strncpy(c->path, info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name :
		"(main program)", c->pcap - 1);
	c->path[c->pcap - 1] = 0;
	c->found = true;
	return true;
}

/* The object holding @c->at, or the first copy when @c->at is 0. */
static int copy_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct copy *c = arg;

	(void)size;
	if (!read_copy(info, c))
		return 0;
	return c->at || c->found;
}

static uintptr_t announced[ANNOUNCED];   /* lowest addresses; 0: free */
static uint32_t nannounced;

static bool was_announced(uintptr_t lo)
{
	uint32_t n = __atomic_load_n(&nannounced, __ATOMIC_ACQUIRE), i;

	for (i = 0; i < n && i < ANNOUNCED; i++)
		if (__atomic_load_n(&announced[i], __ATOMIC_ACQUIRE) == lo)
			return true;
	return false;
}

/* True when @lo is newly announced by this call (two racing callers may
 * both announce it: a duplicate line, nothing lost). */
static bool announce(uintptr_t lo)
{
	uint32_t i;

	if (was_announced(lo))
		return false;
	i = __atomic_fetch_add(&nannounced, 1, __ATOMIC_ACQ_REL);
	if (i < ANNOUNCED)
		__atomic_store_n(&announced[i], lo, __ATOMIC_RELEASE);
	return true;
}

/* Announce the copies the targets @fn are in that nothing named yet. */
static void announce_targets(void *const *fn)
{
	uintptr_t lo[4] = { 0 }, hi[4] = { 0 }, a;
	char path[PATH_MAX];
	unsigned i, j, n = 0;
	struct copy c;

	for (i = 0; i < LF_COUNT; i++) {
		a = (uintptr_t)fn[i];
		for (j = 0; j < n && (a < lo[j] || a >= hi[j]); j++)
			;
		if (!a || j < n)
			continue;   /* an object looked at already */
		c = (struct copy){ .at = a, .path = path, .pcap = sizeof(path) };
		dl_iterate_phdr(copy_cb, &c);
		if (n < 4 && c.hi) {
			lo[n] = c.lo;
			hi[n++] = c.hi;
		}
		if (c.found && announce(c.lo))
			bpfspy_layer_event(c.ver, path);
	}
}

static int announce_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	char path[1024];   /* small: the header may be written on a signal stack */
	struct copy c = { .at = 0, .path = path, .pcap = sizeof(path) };

	(void)size;
	(void)arg;
	if (read_copy(info, &c) && c.found && announce(c.lo))
		bpfspy_layer_event(c.ver, path);
	return 0;
}

void bpfspy_libbpf_announce_loaded(void)
{
	dl_iterate_phdr(announce_cb, NULL);
}

void bpfspy_scope_fork(void)
{
	unsigned i;

	for (i = 0; i < ANNOUNCED; i++)
		announced[i] = 0;
	nannounced = 0;
}

bool bpfspy_libbpf_loaded(char *ver, size_t vcap, char *path, size_t pcap)
{
	struct copy c = { .at = 0, .path = path, .pcap = pcap, .found = false };

	dl_iterate_phdr(copy_cb, &c);
	if (!c.found)
		return false;
	announce(c.lo);
	strncpy(ver, c.ver, vcap - 1);
	ver[vcap - 1] = 0;
	return true;
}

/* ---- the cache ------------------------------------------------------------- */

/* Is @ra's scope in the cache for generation @gen?  1 with its target of
 * @id in @f (maybe NULL), 0 when not cached. */
static int cached(uintptr_t ra, unsigned id, uint32_t gen, void **f)
{
	uint32_t n = __atomic_load_n(&claimed, __ATOMIC_ACQUIRE), i, g;
	struct scope *s;
	uintptr_t lo, hi;
	void *v;

	if (n > SCOPES)
		n = SCOPES;
	for (i = 0; i < n; i++) {
		s = &scopes[i];
		g = __atomic_load_n(&s->gen, __ATOMIC_ACQUIRE);
		if (g != gen)
			continue;
		lo = __atomic_load_n(&s->lo, __ATOMIC_RELAXED);
		hi = __atomic_load_n(&s->hi, __ATOMIC_RELAXED);
		if (ra < lo || ra >= hi)
			continue;
		v = __atomic_load_n(&s->fn[id], __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&s->gen, __ATOMIC_RELAXED) != g)
			continue;   /* reused under us */
		*f = v;
		return 1;
	}
	return 0;
}

/* A slot to fill: never used, or one of an older generation. */
static struct scope *claim(void)
{
	uint32_t i, g, cur = __atomic_load_n(&cur_gen, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(&claimed, __ATOMIC_RELAXED) < SCOPES) {
		i = __atomic_fetch_add(&claimed, 1, __ATOMIC_ACQ_REL);
		if (i < SCOPES)
			return &scopes[i];
	}
	for (i = 0; i < SCOPES; i++) {
		g = __atomic_load_n(&scopes[i].gen, __ATOMIC_ACQUIRE);
		if (g && g != cur &&
		    __atomic_compare_exchange_n(&scopes[i].gen, &g, 0, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return &scopes[i];
	}
	return NULL;
}

static void publish(const struct object *o, void *const *fn, uint32_t gen)
{
	struct scope *s = claim();
	unsigned i;

	if (!s)
		return;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&s->lo, o->lo, __ATOMIC_RELAXED);
	__atomic_store_n(&s->hi, o->hi, __ATOMIC_RELAXED);
	for (i = 0; i < NFN; i++)
		__atomic_store_n(&s->fn[i], fn[i], __ATOMIC_RELAXED);
	__atomic_store_n(&s->gen, gen, __ATOMIC_RELEASE);
}

/* ---- what the wrappers call ------------------------------------------------ */

/* Slow path: the caller's scope, found and cached (@cache) or for @id
 * alone. */
static void *resolve(unsigned id, uintptr_t ra, uint32_t gen, bool cache, bool announce_new)
{
	void *fn[NFN];
	struct object o;
	bool known;

	own_range();
	memset(fn, 0, sizeof(fn));
	known = object_of(ra, &o);
	if (!known || !cache) {
		fill(known ? &o : NULL, fn, id, id + 1);
	} else {
		fill(&o, fn, 0, NFN);
		publish(&o, fn, gen);
	}
	if (announce_new)
		announce_targets(fn);
	return fn[id];
}

/* This thread's last target found in the cache: a loop's call site hits
 * it (the scan of the scopes, ~45 instructions, is left for a new call
 * site); as good as the scope it came from while the generation holds.
 * Only targets found are kept: a missing one is looked up each time, as
 * before. */
static __thread struct {
	uint32_t gen;
	unsigned id;
	uintptr_t ra;
	void *f;
} t_last;

void *bpfspy_libbpf_target(unsigned id, uintptr_t ra, bool announce_new)
{
	uint32_t gen;
	void *f = NULL;

	if (__atomic_load_n(&closing, __ATOMIC_ACQUIRE))
		return resolve(id, ra, 0, false, announce_new);
	gen = __atomic_load_n(&cur_gen, __ATOMIC_ACQUIRE);
	if (t_last.gen == gen && t_last.ra == ra && t_last.id == id)
		return t_last.f;
	if (!cached(ra, id, gen, &f))
		return resolve(id, ra, gen, true, announce_new);
	if (!f)
		return resolve(id, ra, gen, false, announce_new);
	/* a signal handler's call in between sees no entry, never half of
	 * one (generations are never 0) */
	t_last.gen = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	t_last.id = id;
	t_last.ra = ra;
	t_last.f = f;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	t_last.gen = gen;
	return f;
}

bool bpfspy_libbpf_has(unsigned id)
{
	void *fn[NFN] = { 0 };

	own_range();
	fill(NULL, fn, id, id + 1);
	return fn[id] != NULL;
}

/* ---- dlclose ---------------------------------------------------------------- */

static int subs_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	unsigned long long *subs = arg;

	if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs))
		*subs = info->dlpi_subs;
	return 1;
}

/* How many objects were ever unloaded; ~0 when the loader does not say. */
static unsigned long long unloads(void)
{
	unsigned long long subs = ~0ull;

	dl_iterate_phdr(subs_cb, &subs);
	return subs;
}

void bpfspy_scope_init(void)
{
	bpfspy_next_fn(&real_dlclose, "dlclose");
	__atomic_store_n(&last_subs, unloads(), __ATOMIC_RELAXED);
	own_range();
}

/* A dlclose() that unloaded anything: the cached scopes are of another
 * generation from then on. */
static int close_counted(void *handle)
{
	int (*f)(void *) = (int (*)(void *))bpfspy_next_fn(&real_dlclose, "dlclose");
	unsigned long long subs;
	int ret, saved;

	if (!f)
		return -1;   /* no libc dlclose: cannot happen in a dynamic program */
	__atomic_add_fetch(&closing, 1, __ATOMIC_ACQ_REL);
	ret = f(handle);
	saved = errno;
	subs = unloads();
	if (subs == ~0ull || __atomic_exchange_n(&last_subs, subs, __ATOMIC_ACQ_REL) != subs)
		if (!__atomic_add_fetch(&cur_gen, 1, __ATOMIC_ACQ_REL))
			__atomic_add_fetch(&cur_gen, 1, __ATOMIC_ACQ_REL);   /* 0 means free */
	__atomic_sub_fetch(&closing, 1, __ATOMIC_RELEASE);
	errno = saved;
	return ret;
}

/* The program's dlclose(). */
EXPORT int dlclose(void *handle)
{
	return close_counted(handle);
}
