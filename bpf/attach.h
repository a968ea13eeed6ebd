/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfspy attach: what the kernel-side program (attach.bpf.c) and the
 * bpfspy command (src/attach.c) share: the read requests user space
 * loads, and the ring buffer's records.  Included by BPF C and by C.
 */
#ifndef BPFSPY_ATTACH_H
#define BPFSPY_ATTACH_H

#define KATTR_SNAP   256u    /* attr bytes copied (BPF_ATTR_SNAP) */
#define KMEM_CHUNK   4096u   /* payload bytes per MEM record */
#define KMEM_CHUNKS  64u     /* records one request may span (256 KiB) */
#define KREQ_MAX     12u     /* read requests per command */
#define KCMD_MAX     64u     /* commands the plan map holds */

/* Where a read request's length comes from: enum bpf_kread_len of
 * decoders/syscall/bpf_decode.h, whose values these are. */
enum kreq_len {
	KLEN_NONE,      /* unused slot: the plan ends */
	KLEN_COUNT,     /* u32 at len_off times mult, at most cap */
	KLEN_KEY,       /* the map's key_size (times the u32 at len_off, if any) */
	KLEN_VALUE,     /* the map's value slot(s), likewise */
	KLEN_STR,       /* a C string of at most cap bytes, NUL included */
	KLEN_STRARR,    /* u32 at len_off pointers to C strings */
};

/* When (KR_BEFORE, KR_AFTER): on entry (what the caller hands in) or on
 * exit (what the kernel wrote back, counts read from attr after the
 * call). */
#define KREQ_ENTER 1u
#define KREQ_EXIT  2u

struct kreq {
	unsigned short ptr_off;   /* attr offset of the u64 pointer */
	unsigned short len_off;   /* attr offset of a u32 count; 0xffff none */
	unsigned char len_src;    /* enum kreq_len */
	unsigned char phase;      /* KREQ_ENTER or KREQ_EXIT */
	unsigned char need_ok;    /* only when the call succeeded (exit) */
	unsigned char pad;
	unsigned int mult;        /* bytes per count unit (KLEN_ATTR) */
	unsigned int cap;         /* at most this many bytes */
};

struct kplan {
	struct kreq r[KREQ_MAX];
};

#define KNOTES 4u   /* fds noted per call (BPF_FD_NOTES) */

/* The object behind an fd, read from the kernel's file (struct
 * bpf_fd_note's layout). */
struct knote {
	int fd;
	unsigned int id;
	unsigned short type;
	unsigned char kind;       /* enum bpf_obj_kind; 0: not a bpf object */
	unsigned char has_type;
	char name[16];
};

/* Object kinds the kernel program tells apart by their file's release
 * function: OBJ_MAP, OBJ_PROG, OBJ_LINK, OBJ_BTF of bpf_decode.h. */
#define KOBJ_KINDS 4u

enum krec_type {
	KREC_ENTER = 1,
	KREC_EXIT,
	KREC_MEM,
	KREC_EXITED,    /* a traced process ended */
	KREC_PROC,      /* a process's first call: its argv (a krec_mem) */
	KREC_EXE,       /* ... and its executable's path: len components of
			 * KEXE_NAME bytes each in data, the last first */
	KREC_FORK,      /* a traced process forked: the child in a krec_fork */
};

#define KEXE_NAME  256u
#define KEXE_DEPTH (KMEM_CHUNK / KEXE_NAME)

struct krec_hdr {
	unsigned int type;        /* enum krec_type */
	unsigned int tid, tgid;
	unsigned int len;         /* bytes of this record */
	unsigned long long ts;    /* CLOCK_MONOTONIC ns */
};

struct krec_fork {
	struct krec_hdr h;        /* the parent */
	unsigned int child_tgid, pad;
};

struct krec_enter {
	struct krec_hdr h;
	unsigned int cmd, size;
	unsigned long long attr_addr, arg4, arg5;
	unsigned int attr_len;    /* bytes copied */
	int attr_err;             /* copy failed: EFAULT */
	unsigned int map_type, key_size, value_size;
	unsigned int map_known;
	unsigned int nnotes;
	unsigned int tail_nonzero_off;   /* past KATTR_SNAP: first nonzero byte, 0 none */
	unsigned int tail_unreadable, pad;
	struct knote notes[KNOTES];   /* the fds attr names, at the call */
	char comm[16];
	unsigned char attr[KATTR_SNAP];
};

struct krec_exit {
	struct krec_hdr h;
	long long ret;
	unsigned int attr_len;
	int attr_err;
	unsigned int cloexec_known;  /* ret is an fd of the caller's table */
	unsigned int cloexec;        /* ... with close-on-exec set */
	struct knote ret_note;       /* what the returned fd is (kind 0: none) */
	unsigned int copies_lost;    /* this call's records that found no room */
	unsigned int euid;           /* failed calls: the task's credentials */
	unsigned long long cap_eff, cap_prm;
	unsigned long long memlock_cur, memlock_max;  /* ... its RLIMIT_MEMLOCK */
	unsigned int userns_ino;     /* ... the inode of its user namespace */
	unsigned int have_limits;
	unsigned char attr[KATTR_SNAP];
};

struct krec_mem {
	struct krec_hdr h;
	unsigned long long addr;  /* where these bytes were */
	unsigned int len;         /* bytes in data */
	unsigned char phase;      /* KREQ_ENTER or KREQ_EXIT */
	unsigned char fault;      /* the rest was unreadable */
	unsigned char is_str;     /* a string (NUL found within len) */
	unsigned char pad;
	unsigned char data[KMEM_CHUNK];
};

#endif
