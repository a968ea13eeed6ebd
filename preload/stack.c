// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Call-site stacks: bpfspy run --stack[=DEPTH] (BPFSPY_STACK=DEPTH).
 *
 * Off, this file costs nothing: libunwind is not loaded (it is dlopen()ed
 * by the constructor only when BPFSPY_STACK asks for stacks, RTLD_LOCAL
 * so its _Unwind_* never interpose the program's), no memory is mapped,
 * and the hooks test one global.
 *
 * Unwinding: unw_backtrace() (libunwind's fast trace: it learns the shape
 * of each frame once per thread and then walks frames with a few loads).
 * Measured here, 10 frames: 66 ns with unw_backtrace(), 3.9 us with an
 * unw_init_local()/unw_step() loop.  The hook's own frames (every
 * address inside libbpfspy.so: the syscall hook, the libbpf wrappers,
 * also those between libbpf's nested API calls) are left out, so frame 0
 * is the call site in the caller.  Addresses are return addresses.
 *
 * Naming an address (once per address, then cached): dladdr1() gives the
 * object (its link map: name and load bias) and the exported symbol that
 * contains the address; when none does, the object's .symtab is read
 * from its file (mapped once per object and kept).  We read .symtab
 * ourselves rather than call unw_get_proc_name(): that took ~80 us per
 * address here (it re-reads /proc/self/maps and maps the file each
 * time), and it names the nearest symbol before an address even when
 * that symbol ends before it, so a static function of a stripped
 * library (libbpf.so.1 has .dynsym only) would be shown as whichever
 * exported function precedes it.  We name a frame only by a symbol whose
 * [value, value + size) contains it; otherwise the frame has its module
 * and module_addr (for addr2line) and no function.
 *
 * The cache: CACHE_SLOTS addresses, open addressing, claimed by
 * compare-and-swap and published with a release store; names are copied
 * into an arena taken by atomic add.  Nothing is freed, nothing locked,
 * nothing allocated after the constructor.  A thread that finds an entry
 * being filled by another (or by the code its signal handler
 * interrupted) names the address itself without caching it.  A full
 * cache only means addresses are named on every use.
 *
 * Async-signal-safety, what we rely on and what we cannot promise:
 *  - unw_backtrace() after a thread's first use reads only the stack and
 *    its per-thread frame cache.  Learning a new frame shape runs
 *    unw_step() (documented safe for local unwinding) and
 *    dl_iterate_phdr() (glibc's recursive loader lock).  A thread's
 *    first use creates its frame cache (mmap) and touches libunwind's
 *    TLS, which glibc allocates with malloc for a dlopen()ed library:
 *    a thread whose very first traced bpf call comes from a signal
 *    handler that interrupted malloc could deadlock.  The constructor
 *    unwinds once, so the main thread never pays this in a handler.
 *  - dladdr1() and dl_iterate_phdr() take glibc's recursive loader
 *    lock: a handler interrupting its own thread inside dlopen() re-
 *    enters it and may see half-updated link maps; other threads wait.
 *    Neither is async-signal-safe by POSIX.  A bpf call from a signal
 *    handler cannot be recognised as such in general, so we do not try:
 *    it is named as any other call, and an address already cached takes
 *    no lock at all.
 *  - Reading .symtab opens the object's file for a moment (the lowest
 *    free fd, as reading fdinfo does), maps it and closes it.
 *  - Objects unloaded by dlclose() keep their cached names: an address
 *    reused by a later dlopen() may be named after the old object.
 *    (libbpf_scope.c's dlclose() knows when an object goes; the cache
 *    could use that generation, at the price of naming again.)
 *
 * Looked up once, and why that holds: libunwind is dlopen()ed by this
 * file, RTLD_LOCAL, and its handle is never closed, so it cannot be
 * unloaded under us whatever the program dlcloses; unw_backtrace is
 * found in that handle's own dependency tree, which no later object and
 * no scope of the program can change (a program's own libunwind.so.8 is
 * the same object, shared).  Everything else is found at each use:
 * addresses are named with dladdr1() when first seen, so objects loaded
 * after the constructor, in any scope, are named as well.
 *
 * A fork() while another thread names an address leaves that entry (or
 * object) half-filled in the child: the child then names those addresses
 * on every use, without caching them.
 *
 * In spools, events carry addresses only.  Before a packed record
 * (rendered at drain time, maybe by `bpfspy run` in another process)
 * that uses an address, its names are spooled once per spool as a
 * BPF_REC_SYM record (bpf_stack.h): an entry remembers the generation
 * (bumped at fork, when the child starts a new spool) it was spooled in.
 * A record is committed before the generation is published, so any
 * packed record that relies on it comes after it in the spool; a thread
 * that finds another one spooling it spools a copy of its own.
 */
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event/bpf_record.h"
#include "event/bpf_stack.h"
#include "shim.h"

#ifndef UNWIND_SONAME
#define UNWIND_SONAME "libunwind.so.8"
#endif

#define CACHE_SLOTS   4096u           /* addresses; a power of two */
#define CACHE_PROBES  32u
#define ARENA_BYTES   (512u << 10)    /* names of cached addresses */
#define MODULES       128u            /* objects named */
#define RAW_MAX       128u            /* addresses asked of the unwinder */
/* Our frames under the caller, at most: stack.c's capture, bpf_before()
 * and the stack switch, bpf_enter(), bpf_slow() and bpfspy_bpf_syscall()
 * (or libbpf_call() and a wrapper), two more for each libbpf call the
 * thread is inside.  (A frame too many costs an unwinder step; one too
 * few would take a caller's frame for the one past the limit.) */
#define OWN_BASE      6u
#define OWN_PER_LEVEL 2u

/* States of a claimed entry or module; 0 while its claimer fills it. */
enum { E_READY = 1, E_UNNAMED /* no room left for its names */ };
enum { M_READY = 1 };

struct entry {
	uint64_t ip;              /* 0: free; claimed by CAS */
	uint32_t state;           /* E_*, released when filled */
	uint32_t spooled;         /* generation * 2, +1 while spooling */
	uint64_t module_addr, offset;
	uint32_t module_off, function_off;   /* in the arena */
	uint16_t module_len, function_len;
	uint8_t has_module, has_function;
};

struct module {
	const void *key;          /* the link map; NULL: free */
	uint32_t state;           /* M_* */
	char name[64];
	/* its file's .symtab, mapped once; sym NULL when there is none */
	const ElfW(Sym) *sym;
	size_t nsym;
	const char *str;
	size_t strsz;
};

/* unw_backtrace() is found with dlsym(): typed after libunwind.h's
 * declaration, which is all this file takes from the header. */
typedef __typeof__(unw_backtrace) *backtrace_fn;

unsigned bpfspy_stack_depth;

static struct {
	backtrace_fn backtrace;
	uint32_t gen;             /* spool generation, from 1 */
	uintptr_t own_lo, own_hi; /* our executable segments */
	struct entry *cache;      /* CACHE_SLOTS */
	char *arena;              /* ARENA_BYTES */
	uint32_t arena_used;      /* atomic */
	struct module *modules;   /* MODULES */
	char exe[64];             /* basename of /proc/self/exe */
	char error[160];          /* why there are no stacks */
	char note[64];            /* fds libunwind took and we could not move */
} st;

/* ---- our own frames ------------------------------------------------------- */

static int find_own(struct dl_phdr_info *info, size_t size __maybe_unused, void *data)
{
	uintptr_t self = (uintptr_t)data, lo = UINTPTR_MAX, hi = 0;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		if (a < lo)
			lo = a;
		if (a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
	}
	if (self < lo || self >= hi)
		return 0;
	st.own_lo = lo;
	st.own_hi = hi;
	return 1;
}

static bool own_frame(uint64_t ip)
{
	return ip - 1 >= st.own_lo && ip - 1 < st.own_hi;
}

/* ---- objects and their .symtab ------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* @src into @dst of @cap bytes, cut short if need be. */
static void copy_name(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

static bool in_file(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

/* The section headers of the ELF image @img of @size bytes, or NULL
 * when it is not one we read (*@n: how many). */
static const ElfW(Shdr) *elf_sections(const char *img, size_t size, unsigned *n)
{
	const ElfW(Ehdr) *eh = (const void *)img;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
	    eh->e_shentsize != sizeof(ElfW(Shdr)) || !eh->e_shnum ||
	    !in_file(size, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(ElfW(Shdr))))
		return NULL;
	*n = eh->e_shnum;
	return (const void *)(img + eh->e_shoff);
}

/* Point @m at the .symtab and its string table in the image @img of
 * @size bytes; false when it has none (or is not an ELF we read). */
static bool find_symtab(struct module *m, const char *img, size_t size)
{
	unsigned i, n;
	const ElfW(Shdr) *sh = elf_sections(img, size, &n);

	for (i = 0; sh && i < n; i++) {
		const ElfW(Shdr) *s = &sh[i], *str;

		if (s->sh_type != SHT_SYMTAB || s->sh_link >= n)
			continue;
		str = &sh[s->sh_link];
		if (!in_file(size, s->sh_offset, s->sh_size) ||
		    !in_file(size, str->sh_offset, str->sh_size) || !str->sh_size)
			return false;
		m->sym = (const void *)(img + s->sh_offset);
		m->nsym = s->sh_size / sizeof(ElfW(Sym));
		m->str = img + str->sh_offset;
		m->strsz = str->sh_size;
		return true;
	}
	return false;
}

/* Map the file @path read-only: its bytes, or NULL (*@size: how many). */
static char *map_file(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	char *img;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0) {
		close(fd);
		return NULL;
	}
	img = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (img == MAP_FAILED)
		return NULL;
	*size = (size_t)sb.st_size;
	return img;
}

/* Map @path and keep its .symtab; the mapping stays for the process's
 * life (page cache, shared with every other user of the file). */
static void load_symtab(struct module *m, const char *path)
{
	size_t size;
	char *img = map_file(path, &size);

	if (img && !find_symtab(m, img, size))
		munmap(img, size);
}

static void module_fill(struct module *m, const struct link_map *lm)
{
	const char *name = lm->l_name && lm->l_name[0] ? lm->l_name : NULL;

	copy_name(m->name, sizeof(m->name), name ? base_name(name) : st.exe);
	/* linux-vdso.so.1 and the like have no file */
	if (!name)
		load_symtab(m, "/proc/self/exe");
	else if (strchr(name, '/'))
		load_symtab(m, name);
}

/* The module entry of @lm; *@ready: its .symtab is known (absent or
 * mapped).  NULL when the table is full. */
static struct module *module_of(const struct link_map *lm, bool *ready)
{
	unsigned i;

	*ready = true;
	for (i = 0; i < MODULES; i++) {
		struct module *m = &st.modules[i];
		const void *key = __atomic_load_n(&m->key, __ATOMIC_ACQUIRE);

		if (!key && __atomic_compare_exchange_n(&m->key, &key, (const void *)lm, false,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			module_fill(m, lm);
			__atomic_store_n(&m->state, M_READY, __ATOMIC_RELEASE);
			return m;
		}
		if (key == lm) {
			*ready = __atomic_load_n(&m->state, __ATOMIC_ACQUIRE) == M_READY;
			return m;
		}
	}
	return NULL;
}

/* The function symbol of @m's .symtab whose range holds @vaddr. */
static const ElfW(Sym) *symtab_find(const struct module *m, uint64_t vaddr)
{
	const ElfW(Sym) *best = NULL;
	size_t i;

	for (i = 0; i < m->nsym; i++) {
		const ElfW(Sym) *s = &m->sym[i];
		unsigned type = ELF64_ST_TYPE(s->st_info);

		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || s->st_shndx == SHN_UNDEF ||
		    !s->st_size || vaddr < s->st_value || vaddr - s->st_value >= s->st_size ||
		    s->st_name >= m->strsz)
			continue;
		if (!best || s->st_value > best->st_value)
			best = s;
	}
	return best;
}

/* ---- naming an address ------------------------------------------------------- */

/* What @ip is, found now.  Pointers in @out are valid while the object
 * is loaded.  Returns false when the answer may be incomplete (another
 * thread is still reading the object's .symtab): not to be cached. */
static bool symbolize(uint64_t ip, struct bpf_frame_sym *out)
{
	uintptr_t at = (uintptr_t)ip - 1;   /* inside the call instruction */
	struct link_map *lm = NULL;
	struct module *m;
	bool ready;
	Dl_info di;

	memset(out, 0, sizeof(*out));
	if (!ip || !dladdr1((void *)at, &di, (void **)&lm, RTLD_DL_LINKMAP) || !lm)
		return true;    /* in no object: JIT code, or a stack gone wrong */
	m = module_of(lm, &ready);
	if (m && ready)
		out->module = m->name;
	else    /* no room in the table, or another thread is filling it */
		out->module = lm->l_name[0] ? base_name(lm->l_name) : st.exe;
	out->module_len = (uint16_t)strnlen(out->module, BPF_SYM_NAME_MAX);
	out->module_addr = ip - lm->l_addr;
	if (di.dli_sname && di.dli_saddr) {
		out->function = di.dli_sname;
		out->function_len = (uint16_t)strnlen(di.dli_sname, BPF_SYM_NAME_MAX);
		out->offset = ip - (uintptr_t)di.dli_saddr;
	} else if (m && ready && m->sym) {
		const ElfW(Sym) *s = symtab_find(m, at - lm->l_addr);
		size_t room = s ? m->strsz - s->st_name : 0;   /* the file may lack the NUL */

		if (s) {
			out->function = m->str + s->st_name;
			out->function_len = (uint16_t)strnlen(out->function, room < BPF_SYM_NAME_MAX ?
									room : BPF_SYM_NAME_MAX);
			out->offset = ip - (lm->l_addr + s->st_value);
		}
	}
	return ready;
}

static size_t slot_of(uint64_t ip)
{
	return (size_t)((ip * 0x9e3779b97f4a7c15ull) >> 40) & (CACHE_SLOTS - 1);
}

/* Copy @n bytes into the arena; its offset, or UINT32_MAX when full. */
static uint32_t arena_put(const char *s, uint16_t n)
{
	uint32_t off = __atomic_fetch_add(&st.arena_used, n, __ATOMIC_RELAXED);

	if (off > ARENA_BYTES || n > ARENA_BYTES - off)
		return UINT32_MAX;
	memcpy(st.arena + off, s, n);
	return off;
}

static void entry_fill(struct entry *e, const struct bpf_frame_sym *f)
{
	e->module_addr = f->module_addr;
	e->offset = f->offset;
	e->module_len = f->module_len;
	e->function_len = f->function_len;
	e->module_off = f->module ? arena_put(f->module, f->module_len) : 0;
	e->function_off = f->function ? arena_put(f->function, f->function_len) : 0;
	e->has_module = f->module != NULL;
	e->has_function = f->function != NULL;
	if (e->module_off == UINT32_MAX || e->function_off == UINT32_MAX) {
		__atomic_store_n(&e->state, E_UNNAMED, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&e->state, E_READY, __ATOMIC_RELEASE);
}

static void entry_sym(const struct entry *e, struct bpf_frame_sym *out)
{
	memset(out, 0, sizeof(*out));
	if (e->has_module) {
		out->module = st.arena + e->module_off;
		out->module_len = e->module_len;
		out->module_addr = e->module_addr;
	}
	if (e->has_function) {
		out->function = st.arena + e->function_off;
		out->function_len = e->function_len;
		out->offset = e->offset;
	}
}

/* The filled cache entry of @ip, or NULL; *@free_e: where @ip may go
 * when it is not there (NULL: no room). */
static struct entry *cache_find(uint64_t ip, struct entry **free_e)
{
	unsigned i;

	*free_e = NULL;
	for (i = 0; i < CACHE_PROBES; i++) {
		struct entry *e = &st.cache[(slot_of(ip) + i) & (CACHE_SLOTS - 1)];
		uint64_t k = __atomic_load_n(&e->ip, __ATOMIC_ACQUIRE);

		if (k == ip)   /* NULL while being filled, or with no room for names */
			return __atomic_load_n(&e->state, __ATOMIC_ACQUIRE) == E_READY ? e : NULL;
		if (!k) {
			*free_e = e;
			return NULL;
		}
	}
	return NULL;
}

/* What @ip is, into @out: from the cache, else found now and cached if
 * there is room.  Returns the cache entry, or NULL when not cached. */
static struct entry *sym_of(uint64_t ip, struct bpf_frame_sym *out)
{
	struct entry *free_e, *e = cache_find(ip, &free_e);
	uint64_t zero = 0;

	if (e) {
		entry_sym(e, out);
		return e;
	}
	if (!symbolize(ip, out) || !free_e ||
	    !__atomic_compare_exchange_n(&free_e->ip, &zero, ip, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return NULL;   /* not cached this time: incomplete, full, or taken */
	entry_fill(free_e, out);
	return __atomic_load_n(&free_e->state, __ATOMIC_ACQUIRE) == E_READY ? free_e : NULL;
}

/* bpf_sym_fn for events rendered in the process. */
static bool live_sym(void *ctx __maybe_unused, uint64_t ip, struct bpf_frame_sym *out)
{
	sym_of(ip, out);
	return true;
}

/* ---- the interface ------------------------------------------------------------ */

bool bpfspy_stack_capture(struct bpf_stack *s, uint64_t *ips, unsigned skip)
{
	void *raw[RAW_MAX];
	unsigned want = bpfspy_stack_depth + 1 + OWN_BASE + OWN_PER_LEVEL * bpfspy_libbpf_depth() +
			skip;
	unsigned n = 0;
	int got, i;

	if (!st.backtrace)
		return false;
	if (want > RAW_MAX)
		want = RAW_MAX;
	got = st.backtrace(raw, (int)want);
	s->truncated = false;
	for (i = 0; i < got; i++) {
		uint64_t ip = (uint64_t)(uintptr_t)raw[i];

		if (own_frame(ip))
			continue;
		if (skip) {
			skip--;
			continue;
		}
		if (n == bpfspy_stack_depth) {
			s->truncated = true;
			break;
		}
		ips[n++] = ip;
	}
	/* the unwinder stopped at our limit: there may be more */
	if (got == (int)want && n == bpfspy_stack_depth)
		s->truncated = true;
	s->ip = ips;
	s->n = (uint16_t)n;
	s->sym = live_sym;
	s->sym_ctx = NULL;
	return true;
}

static void spool_sym(uint64_t ip, const struct bpf_frame_sym *f)
{
	char buf[sizeof(struct bpf_rec_sym) + 2 * BPF_SYM_NAME_MAX];
	size_t n = bpf_rec_sym_size(f);

	bpf_rec_sym_pack(buf, ip, f);
	bpfspy_spool_record(BPF_REC_SYM, buf, n);
}

void bpfspy_stack_spool_syms(const struct bpf_stack *s)
{
	uint32_t done = __atomic_load_n(&st.gen, __ATOMIC_RELAXED) * 2;
	struct bpf_frame_sym f;
	unsigned i;

	for (i = 0; i < s->n; i++) {
		struct entry *free_e, *e = cache_find(s->ip[i], &free_e);
		uint32_t sp;

		/* the hot path: a known call site, already in this spool */
		if (e && __atomic_load_n(&e->spooled, __ATOMIC_ACQUIRE) == done)
			continue;
		e = sym_of(s->ip[i], &f);
		if (e) {
			sp = __atomic_load_n(&e->spooled, __ATOMIC_ACQUIRE);
			if (sp == done)
				continue;
			if (sp != done + 1 &&
			    __atomic_compare_exchange_n(&e->spooled, &sp, done + 1, false,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
				spool_sym(s->ip[i], &f);
				__atomic_store_n(&e->spooled, done, __ATOMIC_RELEASE);
				continue;
			}
		}
		/* uncached, or another thread is spooling it right now */
		spool_sym(s->ip[i], &f);
	}
}

void bpfspy_stack_fork(void)
{
	if (bpfspy_stack_depth)
		__atomic_add_fetch(&st.gen, 1, __ATOMIC_RELAXED);
}

void bpfspy_stack_header(struct jsonw *w)
{
	if (!bpfspy_stack_depth)
		return;
	jw_obj_open(w, "stack");
	jw_u64(w, "depth", bpfspy_stack_depth);
	if (st.error[0])
		jw_str(w, "error", st.error);
	if (st.note[0])
		jw_str(w, "note", st.note);
	jw_obj_close(w);
}

/* ---- libunwind's own descriptors ------------------------------------------------ */

/*
 * libunwind 1.6 opens a pipe on its first use (it writes to it to check
 * that memory is readable before it reads a frame without unwind info)
 * and keeps it for the process's life: the two lowest free fds, so every
 * fd the program opened afterwards would be numbered two higher than
 * without us.  The pipe's fds live in a static int[2] of its .data
 * (168 bytes in 1.6.2; {-1, -1} until then).  We find that pair by value
 * there, move the pipe to our own range (at or above the shim's fd
 * floor, where the spool is) and store the new numbers in its place.
 * Filling every lower slot so that pipe2() would land high instead took
 * ~3 ms a process here (4026 placeholders).  Newer libunwinds open the
 * pipe only when they first need it: nothing to move at start-up.
 * Should the pair not be found exactly once, the header says which fds
 * libunwind keeps.
 */

/* The two lowest free fds, left free. */
static void lowest_free(int *a, int *b)
{
	int x = open("/", O_PATH | O_CLOEXEC);
	int y = x >= 0 ? fcntl(x, F_DUPFD_CLOEXEC, 0) : -1;

	*a = x;
	*b = y;
	if (y >= 0)
		close(y);
	if (x >= 0)
		close(x);
}

/* @a and @b are now the two ends of one pipe. */
static bool new_pipe(int a, int b)
{
	struct stat sa, sb;

	return a >= 0 && b >= 0 && fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       S_ISFIFO(sa.st_mode) && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

/* The section @name of the ELF image @img (its header), or NULL. */
static const ElfW(Shdr) *elf_section(const char *img, size_t size, const char *name)
{
	const ElfW(Ehdr) *eh = (const void *)img;
	const ElfW(Shdr) *sh, *names;
	size_t len = strlen(name) + 1;
	unsigned i, n;

	sh = elf_sections(img, size, &n);
	if (!sh || eh->e_shstrndx >= n)
		return NULL;
	names = &sh[eh->e_shstrndx];
	if (!in_file(size, names->sh_offset, names->sh_size))
		return NULL;
	for (i = 0; i < n; i++)
		if (sh[i].sh_name < names->sh_size && len <= names->sh_size - sh[i].sh_name &&
		    !memcmp(img + names->sh_offset + sh[i].sh_name, name, len))
			return &sh[i];
	return NULL;
}

/* Where libunwind (@lib) keeps the pair {@a, @b} in its .data, if in
 * exactly one place. */
static int *find_fd_pair(void *lib, int a, int b)
{
	const ElfW(Shdr) *data;
	struct link_map *lm;
	int *p, *found = NULL;
	size_t size, i, n;
	unsigned hits = 0;
	char *img;

	if (dlinfo(lib, RTLD_DI_LINKMAP, &lm) != 0 || !lm->l_name || !lm->l_name[0])
		return NULL;
	img = map_file(lm->l_name, &size);
	if (!img)
		return NULL;
	data = elf_section(img, size, ".data");
	if (data && data->sh_type == SHT_PROGBITS && (data->sh_flags & SHF_WRITE)) {
		p = (int *)(lm->l_addr + data->sh_addr);
		n = data->sh_size / sizeof(int);
		for (i = 0; i + 1 < n; i++)
			if (p[i] == a && p[i + 1] == b) {
				found = &p[i];
				hits++;
			}
	}
	munmap(img, size);
	return hits == 1 ? found : NULL;
}

/* libunwind just opened the pipe @a, @b: move it to @floor and up. */
static void move_unwinder_fds(void *lib, int a, int b, int floor)
{
	int *pair = find_fd_pair(lib, a, b), na, nb;

	if (pair && floor > b) {
		na = fcntl(a, F_DUPFD_CLOEXEC, floor);
		nb = na >= 0 ? fcntl(b, F_DUPFD_CLOEXEC, floor) : -1;
		if (nb >= 0) {
			__atomic_store_n(&pair[0], na, __ATOMIC_RELAXED);
			__atomic_store_n(&pair[1], nb, __ATOMIC_RELAXED);
			close(a);
			close(b);
			return;
		}
		if (na >= 0)
			close(na);
	}
	snprintf(st.note, sizeof(st.note), "libunwind keeps fds %d and %d", a, b);
}

static void no_stacks(const char *why, const char *detail)
{
	snprintf(st.error, sizeof(st.error), "%s%s%s", why, detail ? ": " : "",
		 detail ? detail : "");
}

/* Load libunwind (BPFSPY_UNWIND_LIB, else UNWIND_SONAME) and set
 * everything up: in the constructor only. */
void bpfspy_stack_init(unsigned depth, int fd_floor)
{
	const char *lib_name = getenv("BPFSPY_UNWIND_LIB");
	int a, b;
	size_t bytes = CACHE_SLOTS * sizeof(struct entry) + ARENA_BYTES +
		       MODULES * sizeof(struct module);
	char exe[PATH_MAX], *mem;
	void *raw[4], *lib;
	ssize_t n;

	if (!depth)
		return;
	bpfspy_stack_depth = depth > BPF_STACK_MAX ? BPF_STACK_MAX : depth;
	st.gen = 1;
	if (!lib_name || !*lib_name)
		lib_name = UNWIND_SONAME;
	lib = dlopen(lib_name, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return no_stacks("cannot load libunwind", dlerror());
	/* anonymous and untouched until used: a few pages for a few call sites */
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return no_stacks("cannot map the symbol cache", NULL);
	st.cache = (struct entry *)mem;
	st.modules = (struct module *)(mem + CACHE_SLOTS * sizeof(struct entry));
	st.arena = mem + CACHE_SLOTS * sizeof(struct entry) + MODULES * sizeof(struct module);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	copy_name(st.exe, sizeof(st.exe), base_name(exe));
	dl_iterate_phdr(find_own, (void *)(uintptr_t)bpfspy_stack_init);
	st.backtrace = (backtrace_fn)dlsym(lib, "unw_backtrace");
	if (!st.backtrace)
		return no_stacks("libunwind has no unw_backtrace", lib_name);
	/* libunwind's one-time set-up and this thread's frame cache now,
	 * not in whatever context the first bpf call comes from */
	lowest_free(&a, &b);
	st.backtrace(raw, 4);
	if (new_pipe(a, b))
		move_unwinder_fds(lib, a, b, fd_floor);
}
