// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy attach: the kernel side.  On the bpf(2) syscall's entry and exit
 * (raw tracepoints sys_enter/sys_exit, filtered on its number) copy what
 * the call hands in and what the kernel wrote back into a ring buffer.
 *
 * What to copy beyond attr is not decided here: user space loads, per
 * command, read requests computed from the decoders' tables (struct kplan,
 * attach.h) and this program interprets them.
 *
 * The kernel types it reads are declared here, only the fields used, and
 * relocated against the running kernel's BTF (CO-RE).
 */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "attach.h"

#define NR_BPF 321       /* x86_64 */
#define EFAULT 14

struct pt_regs {
	unsigned long di, si, dx, r10, r8, orig_ax;
} __attribute__((preserve_access_index));

typedef struct {
	__u64 val;
} kernel_cap_t;
typedef struct {
	__u32 val;
} kuid_t;

struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct user_namespace {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct cred {
	kuid_t euid;
	kernel_cap_t cap_permitted, cap_effective;
	struct user_namespace *user_ns;
} __attribute__((preserve_access_index));

struct rlimit {
	unsigned long rlim_cur, rlim_max;
} __attribute__((preserve_access_index));

struct signal_struct {
	struct rlimit rlim[16];
} __attribute__((preserve_access_index));

#define RLIMIT_MEMLOCK 8

struct qstr {
	const unsigned char *name;
} __attribute__((preserve_access_index));

struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
} __attribute__((preserve_access_index));

struct vfsmount {
	struct dentry *mnt_root;
} __attribute__((preserve_access_index));

struct mount {
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
} __attribute__((preserve_access_index));

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
} __attribute__((preserve_access_index));

struct file_operations {
	void *release;
} __attribute__((preserve_access_index));

struct file {
	const struct file_operations *f_op;
	void *private_data;
	struct path f_path;
} __attribute__((preserve_access_index));

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
	unsigned long *close_on_exec;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

struct mm_struct {
	unsigned long arg_start, arg_end;
	struct file *exe_file;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid, tgid;
	struct signal_struct *signal;
	struct mm_struct *mm;
	const struct cred *cred;
	struct files_struct *files;
} __attribute__((preserve_access_index));

struct bpf_map {
	enum bpf_map_type map_type;
	__u32 key_size, value_size, id;
	char name[16];
} __attribute__((preserve_access_index));

struct bpf_prog_aux {
	__u32 id;
	char name[16];
} __attribute__((preserve_access_index));

struct bpf_prog {
	enum bpf_prog_type type;
	struct bpf_prog_aux *aux;
} __attribute__((preserve_access_index));

struct bpf_link {
	__u32 id;
	enum bpf_link_type type;
} __attribute__((preserve_access_index));

struct btf {
	__u32 id;
} __attribute__((preserve_access_index));

#define OBJ_MAP  1
#define OBJ_PROG 2
#define OBJ_LINK 3
#define OBJ_BTF  4

/* Set by user space before load. */
const volatile __u32 self_tgid;
const volatile __u32 mode;            /* 0: targets map, 1: comm, 2: all */
const volatile __u32 follow;          /* children of targets become targets */
const volatile char want_comm[16];
/* The release functions of map, prog, link and btf files (kallsyms):
 * what tells a bpf object's fd from any other. */
const volatile __u64 obj_release[KOBJ_KINDS];
/* The attr offsets of the fds each command names (bpf_call_fds()). */
const volatile __u16 fd_offs[KCMD_MAX][KNOTES];
const volatile __u64 ret_fd_cmds;     /* bit N: command N returns an fd */
const volatile __u32 ncpus;           /* possible CPUs */
const volatile __u64 percpu_types;    /* bit N: map type N is per-CPU */
const volatile __u16 map_fd_off[KCMD_MAX];  /* attr offset of the map fd */

struct inflight {
	__u64 ts, attr_addr;
	__u32 cmd, size;
	__u32 key_size, vslot;    /* vslot: value bytes as the kernel copies */
	__u32 map_known, map_type, value_size, lost;
	__u32 active, pad;        /* between this thread's entry and exit */
	__u8 pre[KATTR_SNAP + 8];
	__u8 post[KATTR_SNAP + 8];
	/* Kept across calls (not cleared on entry): the last object this
	 * thread's calls named, by its file and object, for a loop on one
	 * map to skip reading it again.  Checked by its id, unique for the
	 * kernel's lifetime, should both have been freed and reused. */
	__u64 c_file, c_obj;
	struct knote c_note;
	__u32 c_map_type, c_key_size, c_value_size, c_vslot;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} targets SEC(".maps");

/* The call a thread is in, from entry to exit: task storage, no hash
 * update and delete per call. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct inflight);
} inflight SEC(".maps");

/* Processes whose argv was sent. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KCMD_MAX);
	__type(key, __u32);
	__type(value, struct kplan);
} plans SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);   /* attach --buffer-size */
} rb SEC(".maps");

/* Records that found no room in the ring buffer. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

struct scratch {
	__u32 nlost;           /* records this run of the program lost */
	struct krec_enter e;
	struct krec_exit x;
	struct krec_mem m;
};

/* Per CPU and per program: a program preempted on its CPU keeps others
 * of its kind off that CPU (the kernel skips them, recursion_misses), but
 * not the other programs.  Slot 0: sys_enter, 1: sys_exit (SLOT_OF a
 * phase), 2: process exit. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");
#define SLOT_ENTER 0
#define SLOT_EXIT  1
#define SLOT_TASK  2
#define SLOT_OF(phase) ((phase) == KREQ_EXIT ? SLOT_EXIT : SLOT_ENTER)

static void count_lost(void)
{
	__u32 k = 0;
	__u64 *n = bpf_map_lookup_elem(&lost, &k);

	if (n)
		*n += 1;
}

/* Records wake the reader only once a batch is waiting: a wakeup per
 * record costs the traced program more than the copy (the reader also
 * polls every 100 ms). */
#define WAKE_BYTES (256u << 10)

static void emit(void *rec, __u64 len, __u32 k)
{
	__u64 flags = BPF_RB_NO_WAKEUP;
	struct scratch *s;

	if (bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) >= WAKE_BYTES)
		flags = BPF_RB_FORCE_WAKEUP;
	if (!bpf_ringbuf_output(&rb, rec, len, flags))
		return;
	count_lost();
	s = bpf_map_lookup_elem(&scratch, &k);
	if (s)
		s->nlost++;
}

static bool comm_matches(void)
{
	char c[16];
	int i;

	bpf_get_current_comm(c, sizeof(c));
	for (i = 0; i < 16; i++) {
		if (c[i] != want_comm[i])
			return false;
		if (!c[i])
			return true;
	}
	return true;
}

static bool wanted(__u32 tgid)
{
	if (tgid == self_tgid)
		return false;
	if (mode == 2)
		return true;
	if (mode == 1)
		return comm_matches();
	return bpf_map_lookup_elem(&targets, &tgid) != NULL;
}

/* @n clamped to 1..KMEM_CHUNK in a form the verifier follows. */
static __always_inline __u32 chunk_len(__u32 n)
{
	if (n > KMEM_CHUNK)
		n = KMEM_CHUNK;
	asm volatile("" : "+r"(n));
	return ((n - 1) & (KMEM_CHUNK - 1)) + 1;
}

/* Read @n bytes (n <= KMEM_CHUNK) at @addr; on a fault the readable part
 * up to the page boundary.  Returns the bytes read, sets *fault. */
static __u32 read_user(void *dst, __u64 addr, __u32 n, __u8 *fault)
{
	__u32 part;

	*fault = 0;
	if (!n)
		return 0;
	n = chunk_len(n);
	if (!bpf_probe_read_user(dst, n, (void *)addr))
		return n;
	*fault = 1;
	part = 4096 - (addr & 4095);
	if (part >= n)
		return 0;
	part = chunk_len(part);
	if (!bpf_probe_read_user(dst, part, (void *)addr))
		return part;
	return 0;
}

/* attr fields of the call's own copy (map memory: direct loads). */
static __u64 attr_u64(const __u8 *a, __u32 off)
{
	if (off > KATTR_SNAP - 8)
		return 0;
	return *(const __u64 *)(a + off);
}

static __u32 attr_u32(const __u8 *a, __u32 off)
{
	if (off > KATTR_SNAP - 4)
		return 0;
	return *(const __u32 *)(a + off);
}

static void hdr(struct krec_hdr *h, __u32 type, __u32 len)
{
	__u64 id = bpf_get_current_pid_tgid();

	h->type = type;
	h->tid = (__u32)id;
	h->tgid = id >> 32;
	h->len = len;
	h->ts = bpf_ktime_get_ns();
}

struct chunk_ctx {
	__u64 addr, len;
	__u8 phase;
};

/* One chunk of a copy: a MEM record; 1 (stop) at the end or a fault. */
static long copy_chunk(__u64 i, void *arg)
{
	struct chunk_ctx *cx = arg;
	__u64 off = i * KMEM_CHUNK;
	__u32 k = SLOT_OF(cx->phase), n, got;
	struct scratch *s;
	struct krec_mem *m;

	if (off >= cx->len)
		return 1;
	s = bpf_map_lookup_elem(&scratch, &k);
	if (!s)
		return 1;
	m = &s->m;
	n = cx->len - off > KMEM_CHUNK ? KMEM_CHUNK : cx->len - off;
	got = read_user(m->data, cx->addr + off, n, &m->fault);
	m->addr = cx->addr + off;
	m->len = got;
	m->phase = cx->phase;
	m->is_str = 0;
	if (got > KMEM_CHUNK)
		got = KMEM_CHUNK;
	hdr(&m->h, KREC_MEM, sizeof(*m) - KMEM_CHUNK + got);
	emit(m, sizeof(*m) - KMEM_CHUNK + got, k);
	return m->fault ? 1 : 0;
}

/* Copy @len bytes at @addr as MEM records of one chunk each. */
static void copy_bytes(__u64 addr, __u64 len, __u8 phase)
{
	struct chunk_ctx cx = { addr, len, phase };

	if (!addr || !len)
		return;
	bpf_loop(KMEM_CHUNKS, copy_chunk, &cx, 0);
}

static void copy_str(__u64 addr, __u32 cap, __u8 phase)
{
	__u32 k = SLOT_OF(phase);
	struct scratch *s = bpf_map_lookup_elem(&scratch, &k);
	struct krec_mem *m;
	long got;

	if (!s || !addr)
		return;
	m = &s->m;
	cap = chunk_len(cap ? cap : KMEM_CHUNK);
	got = bpf_probe_read_user_str(m->data, cap, (void *)addr);
	m->addr = addr;
	m->phase = phase;
	m->is_str = 1;
	m->fault = got < 0;
	if (got < 0)
		got = 0;
	if (got > KMEM_CHUNK)
		got = KMEM_CHUNK;
	m->len = got;
	hdr(&m->h, KREC_MEM, sizeof(*m) - KMEM_CHUNK + got);
	emit(m, sizeof(*m) - KMEM_CHUNK + (__u32)got, k);
}

struct strarr_ctx {
	__u64 addr;
	__u32 cnt, cap;
	__u8 phase;
};

static long copy_one_str(__u64 i, void *arg)
{
	struct strarr_ctx *cx = arg;
	__u64 p;

	if (i >= cx->cnt || bpf_probe_read_user(&p, 8, (void *)(cx->addr + i * 8)))
		return 1;
	copy_str(p, cx->cap, cx->phase);
	return 0;
}

/* An array of @cnt string pointers: the array, then each string. */
static void copy_strarr(__u64 addr, __u32 cnt, __u32 cap, __u8 phase)
{
	struct strarr_ctx cx = { addr, cnt > 64 ? 64 : cnt, cap, phase };

	copy_bytes(addr, (__u64)cx.cnt * 8, phase);
	bpf_loop(64, copy_one_str, &cx, 0);
}

static void run_req(const struct kreq *r, const __u8 *a, const struct inflight *f,
		    __u8 phase)
{
	__u64 addr = attr_u64(a, r->ptr_off), len;
	__u32 cnt = r->len_off == 0xffff ? 1 : attr_u32(a, r->len_off);

	switch (r->len_src) {
	case KLEN_COUNT:
		len = (__u64)cnt * r->mult;
		break;
	case KLEN_KEY:
		if (!f->map_known)
			return;
		len = (__u64)cnt * f->key_size;
		break;
	case KLEN_VALUE:
		if (!f->map_known)
			return;
		len = (__u64)cnt * f->vslot;
		break;
	case KLEN_STR:
		copy_str(addr, r->cap, phase);
		return;
	case KLEN_STRARR:
		copy_strarr(addr, cnt, r->cap, phase);
		return;
	default:
		return;
	}
	if (len > r->cap)
		len = r->cap;
	copy_bytes(addr, len, phase);
}

struct plan_ctx {
	__u32 tid, cmd;
	__u8 phase, ok;
};

/* Request @i of the call's plan; 1 (stop) past its last. */
static long plan_step(__u64 i, void *arg)
{
	struct plan_ctx *cx = arg;
	struct inflight *f = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0, 0);
	struct kplan *p = bpf_map_lookup_elem(&plans, &cx->cmd);
	const struct kreq *r;

	if (!f || !p || i >= KREQ_MAX)
		return 1;
	r = &p->r[i];
	if (r->len_src == KLEN_NONE)
		return 1;
	if (r->phase != cx->phase || (r->need_ok && !cx->ok))
		return 0;
	run_req(r, cx->phase == KREQ_ENTER ? f->pre : f->post, f, cx->phase);
	return 0;
}

static void run_plan(struct inflight *f, __u8 phase, bool ok)
{
	struct plan_ctx cx;

	if (f->cmd >= KCMD_MAX)
		return;
	cx.tid = (__u32)bpf_get_current_pid_tgid();
	cx.cmd = f->cmd;
	cx.phase = phase;
	cx.ok = ok;
	bpf_loop(KREQ_MAX, plan_step, &cx, 0);
}

/* The file behind fd @fd of the current task. */
static struct file *fd_file(long fd)
{
	/* BTF pointers: direct loads up to the fd array, not probe reads */
	struct task_struct *t = bpf_get_current_task_btf();
	struct fdtable *fdt = t->files->fdt;
	struct file **arr, *file = NULL;

	if (!fdt || fd < 0 || fd >= fdt->max_fds)
		return NULL;
	arr = fdt->fd;
	if (bpf_probe_read_kernel(&file, sizeof(file), &arr[fd]))
		return NULL;
	return file;
}

/* What fd @fd is: a map, a program, a link, a BTF object, or nothing we
 * know (kind 0).  Maps also fill the value slot geometry into @f. */
/* The id of a bpf object of @kind at @obj. */
static __u32 obj_id(__u8 kind, void *obj)
{
	switch (kind) {
	case OBJ_MAP: return BPF_CORE_READ((struct bpf_map *)obj, id);
	case OBJ_PROG: return BPF_CORE_READ((struct bpf_prog *)obj, aux, id);
	case OBJ_LINK: return BPF_CORE_READ((struct bpf_link *)obj, id);
	case OBJ_BTF: return BPF_CORE_READ((struct btf *)obj, id);
	}
	return 0;
}

/* What the object behind @file is (n->kind 0: no bpf object). */
static void read_note(struct file *file, void *obj, struct knote *n, struct inflight *f)
{
	void *rel = BPF_CORE_READ(file, f_op, release);
	__u32 type;

	if (!rel)
		return;
	if ((__u64)rel == obj_release[0]) {
		struct bpf_map *m = obj;

		n->kind = OBJ_MAP;
		type = BPF_CORE_READ(m, map_type);
		n->type = type;
		n->has_type = 1;
		BPF_CORE_READ_INTO(&n->name, m, name);
		f->c_map_type = type;
		f->c_key_size = BPF_CORE_READ(m, key_size);
		f->c_value_size = f->c_vslot = BPF_CORE_READ(m, value_size);
		/* per-CPU: one 8-byte aligned slot per possible CPU */
		if (type < 64 && (percpu_types >> type) & 1)
			f->c_vslot = ((f->c_vslot + 7) & ~7u) * ncpus;
	} else if ((__u64)rel == obj_release[1]) {
		struct bpf_prog *p = obj;

		n->kind = OBJ_PROG;
		n->type = BPF_CORE_READ(p, type);
		n->has_type = 1;
		BPF_CORE_READ_INTO(&n->name, p, aux, name);
	} else if ((__u64)rel == obj_release[2]) {
		n->kind = OBJ_LINK;
		n->type = BPF_CORE_READ((struct bpf_link *)obj, type);
		n->has_type = 1;
	} else if ((__u64)rel == obj_release[3]) {
		n->kind = OBJ_BTF;
	}
	n->id = obj_id(n->kind, obj);
}

/* What fd @fd is: a map, a program, a link, a BTF object, or nothing we
 * know (kind 0).  With @meta, a map's value slot geometry goes into @f. */
static void obj_note(long fd, struct knote *n, struct inflight *f, bool meta)
{
	struct file *file = fd_file(fd);
	void *obj;

	n->fd = fd;
	n->kind = 0;
	n->has_type = 0;
	n->id = 0;
	n->type = 0;
	n->name[0] = 0;
	if (!file)
		return;
	obj = BPF_CORE_READ(file, private_data);
	if (!obj)
		return;
	if (f->c_file == (__u64)file && f->c_obj == (__u64)obj && f->c_note.kind &&
	    obj_id(f->c_note.kind, obj) == f->c_note.id) {
		__builtin_memcpy(n, &f->c_note, sizeof(*n));
		n->fd = fd;
	} else {
		read_note(file, obj, n, f);
		if (!n->kind)
			return;
		__builtin_memcpy(&f->c_note, n, sizeof(*n));
		f->c_file = (__u64)file;
		f->c_obj = (__u64)obj;
	}
	if (meta && n->kind == OBJ_MAP) {
		f->map_type = f->c_map_type;
		f->key_size = f->c_key_size;
		f->value_size = f->c_value_size;
		f->vslot = f->c_vslot;
		f->map_known = 1;
	}
}

/* FD_CLOEXEC of fd @fd of the current task, from its fd table. */
static void fd_cloexec(struct krec_exit *x, long fd)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	unsigned long *bits, word;

	x->cloexec_known = 0;
	x->ret_note.kind = 0;
	if (!fdt || fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return;
	bits = BPF_CORE_READ(fdt, close_on_exec);
	if (bpf_probe_read_kernel(&word, sizeof(word), &bits[fd / 64]))
		return;
	x->cloexec_known = 1;
	x->cloexec = (word >> (fd % 64)) & 1;
}

static void task_caps(struct krec_exit *e)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	const struct cred *c = BPF_CORE_READ(t, cred);

	bpf_core_read(&e->cap_eff, 8, &c->cap_effective);
	bpf_core_read(&e->cap_prm, 8, &c->cap_permitted);
	bpf_core_read(&e->euid, 4, &c->euid);
	e->userns_ino = BPF_CORE_READ(c, user_ns, ns.inum);
	e->memlock_cur = BPF_CORE_READ(t, signal, rlim[RLIMIT_MEMLOCK].rlim_cur);
	e->memlock_max = BPF_CORE_READ(t, signal, rlim[RLIMIT_MEMLOCK].rlim_max);
	e->have_limits = 1;
}

struct walk_ctx {
	struct dentry *d;
	struct mount *mnt;
	__u32 n;
};

/* One component of the executable's path, from the leaf up, crossing
 * mount points as d_path() does; 1 (stop) at the root. */
static long walk_step(__u64 i, void *arg)
{
	struct walk_ctx *cx = arg;
	struct mount *mnt = cx->mnt, *up;
	struct dentry *d = cx->d, *root = BPF_CORE_READ(mnt, mnt.mnt_root), *parent;
	__u32 k = 0, n = cx->n;
	struct scratch *s;

	if (d == root) {
		up = BPF_CORE_READ(mnt, mnt_parent);
		if (!up || up == mnt)
			return 1;
		cx->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		cx->mnt = up;
		return 0;
	}
	parent = BPF_CORE_READ(d, d_parent);
	if (!parent || parent == d || n >= KEXE_DEPTH)
		return 1;
	s = bpf_map_lookup_elem(&scratch, &k);
	if (!s)
		return 1;
	bpf_probe_read_kernel_str(s->m.data + (n & (KEXE_DEPTH - 1)) * KEXE_NAME, KEXE_NAME,
				  BPF_CORE_READ(d, d_name.name));
	cx->n = n + 1;
	cx->d = parent;
	return 0;
}

/* The executable's path (as /proc/PID/exe reads), for the header. */
static void send_exe(void)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct file *f = BPF_CORE_READ(t, mm, exe_file);
	struct vfsmount *vm = BPF_CORE_READ(f, f_path.mnt);
	struct walk_ctx cx = { 0 };
	__u32 k = 0, n;
	struct scratch *s;

	if (!f || !vm)
		return;
	cx.d = BPF_CORE_READ(f, f_path.dentry);
	cx.mnt = (void *)vm - bpf_core_field_offset(struct mount, mnt);
	bpf_loop(2 * KEXE_DEPTH, walk_step, &cx, 0);
	s = bpf_map_lookup_elem(&scratch, &k);
	if (!s || !cx.n)
		return;
	s->m.len = cx.n;
	s->m.addr = 0;
	n = sizeof(s->m) - KMEM_CHUNK + (cx.n & (KEXE_DEPTH - 1)) * KEXE_NAME;
	if (cx.n >= KEXE_DEPTH)
		n = sizeof(s->m);
	hdr(&s->m.h, KREC_EXE, n);
	emit(&s->m, n, k);
}

/* A process's first call: its argv, for its header (the process may be
 * gone when user space renders it). */
static void send_argv(__u32 tgid)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 start = BPF_CORE_READ(t, mm, arg_start), end = BPF_CORE_READ(t, mm, arg_end);
	__u32 k = 0, n;
	__u8 one = 1;
	struct scratch *s;
	struct krec_mem *m;

	if (bpf_map_lookup_elem(&seen, &tgid))
		return;
	bpf_map_update_elem(&seen, &tgid, &one, BPF_ANY);
	s = bpf_map_lookup_elem(&scratch, &k);
	if (!s || end <= start)
		return;
	m = &s->m;
	n = end - start > KMEM_CHUNK ? KMEM_CHUNK : end - start;
	n = read_user(m->data, start, n, &m->fault);
	if (n > KMEM_CHUNK)
		n = KMEM_CHUNK;
	m->addr = start;
	m->len = n;
	m->phase = 0;
	m->is_str = 0;
	hdr(&m->h, KREC_PROC, sizeof(*m) - KMEM_CHUNK + n);
	emit(m, sizeof(*m) - KMEM_CHUNK + n, k);
	send_exe();
}

#define ATTR_PAGE  4096u   /* the kernel checks a tail up to a page */
#define TAIL_CHUNK 256u

struct tail_ctx {
	__u64 addr;
	__u32 size, found;
	__u8 unreadable;
};

/* A chunk of attr past KATTR_SNAP: its first nonzero byte, as the
 * kernel's check (and the shim's scan) would find it; 1 to stop. */
static long tail_step(__u64 i, void *arg)
{
	struct tail_ctx *cx = arg;
	__u32 off = KATTR_SNAP + (__u32)i * TAIL_CHUNK, n, got, j, k = SLOT_ENTER;
	struct scratch *s;
	__u8 fault;

	if (off >= cx->size)
		return 1;
	s = bpf_map_lookup_elem(&scratch, &k);
	if (!s)
		return 1;
	n = cx->size - off < TAIL_CHUNK ? cx->size - off : TAIL_CHUNK;
	got = read_user(s->m.data, cx->addr + off, n, &fault);
	for (j = 0; j < TAIL_CHUNK; j++) {
		if (j >= got)
			break;
		if (s->m.data[j]) {
			cx->found = off + j;
			return 1;
		}
	}
	if (got < n) {
		cx->unreadable = 1;
		return 1;
	}
	return 0;
}

static void scan_tail(struct inflight *f, struct krec_enter *e)
{
	struct tail_ctx cx = { f->attr_addr, f->size, 0, 0 };

	e->tail_nonzero_off = 0;
	e->tail_unreadable = 0;
	if (f->size <= KATTR_SNAP || f->size > ATTR_PAGE || e->attr_len < KATTR_SNAP)
		return;
	bpf_loop((ATTR_PAGE - KATTR_SNAP) / TAIL_CHUNK, tail_step, &cx, 0);
	e->tail_nonzero_off = cx.found;
	e->tail_unreadable = cx.unreadable;
}

/* The objects behind the fds attr names; the map's geometry into @f. */
static void note_fds(struct inflight *f, struct krec_enter *e)
{
	__u32 cmd = f->cmd & 0xffff, i, off, mfd;
	int fd;

	e->nnotes = 0;
	if (cmd >= KCMD_MAX)
		return;
	mfd = map_fd_off[cmd];
	for (i = 0; i < KNOTES; i++) {
		off = fd_offs[cmd][i];
		if (off == 0xffff || off + 4 > e->attr_len)
			continue;
		fd = (int)attr_u32(f->pre, off);
		obj_note(fd, &e->notes[i], f, off == mfd);
		e->nnotes = i + 1;
	}
}

static __u32 copy_attr(__u8 *dst, __u64 addr, __u32 size, int *err)
{
	__u32 n = size < KATTR_SNAP ? size : KATTR_SNAP;
	__u8 fault;

	*err = 0;
	n = read_user(dst, addr, n, &fault);
	if (fault)
		*err = EFAULT;
	return n;
}

/* The call's entry: ctx[0] the syscall's registers, for the syscall
 * tracepoint and for fentry on __x64_sys_bpf alike. */
static __always_inline int call_enter(__u64 *ctx)
{
	struct pt_regs *regs = (void *)ctx[0];
	__u64 id = bpf_get_current_pid_tgid();
	__u32 k = 0;
	struct scratch *s;
	struct inflight *f;
	struct krec_enter *e;

	if (!wanted(id >> 32))
		return 0;
	s = bpf_map_lookup_elem(&scratch, &k);
	if (!s)
		return 0;
	s->nlost = 0;
	f = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!f)
		return 0;
	__builtin_memset(f, 0, offsetof(struct inflight, pre));
	send_argv(id >> 32);
	s->nlost = 0;     /* the header's records are not the call's */
	f->cmd = (__u32)regs->di;
	f->attr_addr = regs->si;
	f->size = (__u32)regs->dx;
	f->ts = bpf_ktime_get_ns();
	f->map_known = 0;

	e = &s->e;
	e->cmd = f->cmd;
	e->size = f->size;
	e->attr_addr = f->attr_addr;
	e->arg4 = regs->r10;
	e->arg5 = regs->r8;
	e->attr_len = copy_attr(e->attr, f->attr_addr, f->size, &e->attr_err);
	bpf_probe_read_kernel(f->pre, KATTR_SNAP, e->attr);
	scan_tail(f, e);
	note_fds(f, e);
	e->map_known = f->map_known;
	e->key_size = f->key_size;
	e->value_size = f->value_size;
	e->map_type = f->map_type;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	hdr(&e->h, KREC_ENTER, sizeof(*e));
	emit(e, sizeof(*e), k);
	f->cmd &= 0xffff;
	run_plan(f, KREQ_ENTER, true);
	f->lost = s->nlost;
	f->active = 1;
	return 0;
}

/* The call's exit: ctx[1] its return value, for the syscall tracepoint
 * and for fexit on __x64_sys_bpf alike. */
static __always_inline int call_exit(__u64 *ctx)
{
	__u32 k = SLOT_EXIT;
	struct scratch *s;
	struct inflight *f;
	struct krec_exit *x;

	f = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0, 0);
	if (!f || !f->active)
		return 0;
	s = bpf_map_lookup_elem(&scratch, &k);
	if (!s)
		goto out;
	s->nlost = 0;
	x = &s->x;
	x->ret = (long long)ctx[1];
	x->attr_len = copy_attr(x->attr, f->attr_addr, f->size, &x->attr_err);
	bpf_probe_read_kernel(f->post, KATTR_SNAP, x->attr);
	x->cloexec_known = 0;
	x->ret_note.kind = 0;
	x->cap_eff = x->cap_prm = 0;
	x->euid = 0;
	x->have_limits = 0;
	if (x->ret >= 0 && f->cmd < 64 && (ret_fd_cmds >> f->cmd) & 1) {
		fd_cloexec(x, x->ret);
		obj_note(x->ret, &x->ret_note, f, false);
	}
	/* the privilege audit's capabilities: failures only (a bpf call does
	 * not change the credentials it ran with) */
	if (x->ret < 0)
		task_caps(x);
	run_plan(f, KREQ_EXIT, x->ret >= 0);
	/* the MEM records first: the exit record completes the call */
	x->copies_lost = f->lost + s->nlost;
	hdr(&x->h, KREC_EXIT, sizeof(*x));
	emit(x, sizeof(*x), k);
out:
	f->active = 0;
	return 0;
}

/*
 * Two ways in, one loaded (src/attach.c): fentry/fexit on __x64_sys_bpf
 * run for bpf calls only; where the kernel refuses them, the BTF-typed
 * syscall tracepoints, whose programs every other syscall of the machine
 * runs up to a compare (registers read directly, not by probe reads).
 * __x64_sys_bpf, not __sys_bpf: its one argument is the caller's
 * registers, as sys_enter's ctx[0], so one call_enter() serves both.  A
 * kernel that refuses trampolines refuses any fentry program, whatever
 * its target (load_skel() in src/attach.c: what was measured).
 */
SEC("tp_btf/sys_enter")
int on_enter(__u64 *ctx)
{
	if (ctx[1] != NR_BPF)
		return 0;
	return call_enter(ctx);
}

SEC("tp_btf/sys_exit")
int on_exit(__u64 *ctx)
{
	struct pt_regs *regs = (void *)ctx[0];

	if (regs->orig_ax != NR_BPF)
		return 0;
	return call_exit(ctx);
}

SEC("fentry/__x64_sys_bpf")
int on_fentry(__u64 *ctx)
{
	return call_enter(ctx);
}

SEC("fexit/__x64_sys_bpf")
int on_fexit(__u64 *ctx)
{
	return call_exit(ctx);
}

SEC("raw_tracepoint/sched_process_fork")
int on_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (void *)ctx->args[0], *child = (void *)ctx->args[1];
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	struct krec_fork r;
	__u8 one = 1;

	if (ptgid == ctgid || !wanted(ptgid))
		return 0;
	if (mode == 0 && follow)
		bpf_map_update_elem(&targets, &ctgid, &one, BPF_ANY);
	/* user space gives the child a copy of what it knows of the fds:
	 * only a parent that made a traced call knows any */
	if (!bpf_map_lookup_elem(&seen, &ptgid))
		return 0;
	hdr(&r.h, KREC_FORK, sizeof(r));
	r.child_tgid = ctgid;
	r.pad = 0;
	if (bpf_ringbuf_output(&rb, &r, sizeof(r), 0))
		count_lost();
	return 0;
}

/* A new image: its first call sends its argv and exe again (a new
 * header, as the shim writes one per image). */
SEC("raw_tracepoint/sched_process_exec")
int on_exec(struct bpf_raw_tracepoint_args *ctx __attribute__((unused)))
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	bpf_map_delete_elem(&seen, &tgid);
	return 0;
}

SEC("raw_tracepoint/sched_process_exit")
int on_task_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id, k = SLOT_TASK;
	struct scratch *s;

	if (tgid != tid)
		return 0;    /* a thread */
	bpf_map_delete_elem(&targets, &tgid);
	if (!bpf_map_lookup_elem(&seen, &tgid))
		return 0;    /* a process that made no traced call */
	bpf_map_delete_elem(&seen, &tgid);
	s = bpf_map_lookup_elem(&scratch, &k);
	if (!s)
		return 0;
	hdr(&s->x.h, KREC_EXITED, sizeof(struct krec_hdr));
	emit(&s->x, sizeof(struct krec_hdr), k);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
