/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpf(2) decoding: one table of fields per command (bpf_cmds.c) and one
 * walker (bpf_decode.c) that renders a captured call as JSON.
 *
 * The ABI is described here, in the project's own tables, not taken from
 * <linux/bpf.h>: the build machine's header (Debian 12: Linux 6.1) is far
 * older than the kernels bpfspy traces.  Offsets are those of x86_64 and
 * every other 64-bit Linux ABI (union bpf_attr uses __aligned_u64).
 */
#ifndef BPFSPY_BPF_DECODE_H
#define BPFSPY_BPF_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/jsonw.h"
#include "base/xlat.h"

#define BPF_ATTR_UNION_SIZE 168u   /* sizeof(union bpf_attr), newest UAPI */
#define BPF_ATTR_SNAP       256u   /* bytes of attr the shim snapshots */
#define BPF_ATTR_PAGE       4096u  /* the kernel rejects size > PAGE_SIZE */
#define BPF_COMMON_ATTRS_BIT 0x10000u
/* Commands the tables know: decoders/base/xlat/bpf_cmd.in, whose entries
 * are also the XV_BPF_<command> constants (base/xlat.h). */
#define BPF_CMD_COUNT       (XMAX_bpf_cmd + 1u)
#define BPF_COMMON_ATTR_SIZE 24u   /* sizeof(struct bpf_common_attr) */


/*
 * Buffers a call points to (map keys and values), captured by the shim
 * before or after the call as bpf_capture_plan() says: the decoders decide
 * what a call's payload is, the shim only reads it.
 */
enum bpf_blob_tag {
	BLOB_KEY = 1,
	BLOB_VALUE,
	BLOB_NEXT_KEY,
	BLOB_KEYS,      /* batch: keys[count] */
	BLOB_VALUES,    /* batch: values[count] */
	BLOB_INFO_IN,   /* OBJ_GET_INFO_BY_FD: the caller's struct before the
			 * call (array capacities the kernel overwrites) */
	BLOB_IN_BATCH,  /* batch cursor handed in */
	BLOB_OUT_BATCH, /* batch cursor the kernel wrote */
};
#define BPF_BLOB_MAX   4
#define BPF_BLOB_BYTES 1024     /* room for every blob of one call */

/* 12 bytes: it is spooled with every element call.  The buffer's address
 * is not kept: it is the attr field the tag names. */
struct bpf_blob {
	uint32_t full_len;   /* the buffer's size; len may be less (cap) */
	uint16_t off, len;   /* bytes kept, in bpf_call.blob_data */
	uint16_t stride;     /* bytes per array entry (a CPU's slot, a batch
			      * element); 0: one buffer */
	uint8_t tag;         /* enum bpf_blob_tag */
	uint8_t fault;       /* the buffer was unreadable past len */
};

/* The object behind an fd an event mentions (28 bytes: packed with every
 * event that has one), filled by the shim from what it saw created or
 * from /proc/self/fdinfo. */
enum bpf_obj_kind {
	OBJ_UNKNOWN,   /* not a bpf object, or nothing could be learned */
	OBJ_MAP,
	OBJ_PROG,
	OBJ_LINK,
	OBJ_BTF,
	OBJ_TOKEN,
};
#define BPF_FD_NOTES 4

struct bpf_fd_note {
	int32_t fd;
	uint32_t id;        /* kernel object id, 0 unknown */
	uint16_t type;      /* map/prog/link type, by kind */
	uint8_t kind;       /* enum bpf_obj_kind */
	uint8_t has_type : 1;
	uint8_t frozen : 1;   /* a map frozen (fdinfo's frozen, or MAP_FREEZE seen) */
	char name[16];      /* map_name/prog_name as created, may be empty */
};

/* What the shim knows about a map fd (from MAP_CREATE, or asked). */
struct bpf_map_meta {
	uint32_t map_type, key_size, value_size;
	uint32_t possible_cpus;
};

/* The privilege context of a failed call (bpf_audit.c), read by the shim
 * in the calling process when the call fails with EPERM or EACCES (or any
 * errno with BPFSPY_AUDIT=all): the capability sets at the call, then the
 * system's settings, read once per process. */
struct bpf_priv {
	uint64_t cap_eff, cap_prm;    /* capget(): bit N is capability N */
	uint64_t memlock_cur, memlock_max;  /* RLIMIT_MEMLOCK; ~0: unlimited */
	int8_t unpriv_disabled;       /* kernel.unprivileged_bpf_disabled; -1 unread */
	uint8_t userns;               /* BPF_USERNS_* */
	uint8_t have_caps;            /* capget() answered */
	uint8_t pad;
	char lockdown[16];            /* the [selected] mode; "" unread */
	char lsm[72];                 /* /sys/kernel/security/lsm; "" unread */
};
#define BPF_USERNS_UNKNOWN 0
#define BPF_USERNS_INIT    1
#define BPF_USERNS_CHILD   2

/* Facts about a call the checker needs and only the calling process can
 * measure, at the call (bpf_check.h).  Zero: nothing measured. */
#define BPF_FACT_CLOEXEC_KNOWN 0x01   /* fcntl(ret, F_GETFD) answered */
#define BPF_FACT_CLOEXEC_SET   0x02   /* ... with FD_CLOEXEC */
#define BPF_FACT_PIN_KNOWN     0x04   /* pin_fstype is the parent's f_type */
#define BPF_FACT_PIN_DOT       0x08   /* the pathname's last component has a '.' */
#define BPF_FACT_PRIV          0x10   /* priv is filled */
#define BPF_FACT_NO_CHECK      0x20   /* the trace is made without checks */
#define BPF_FACT_INJECTED      0x40   /* bpfspy run --inject failed it; no kernel */
#define BPF_FACT_DENIED        0x80   /* the --deny seccomp policy refused it */
#define BPF_FACT_VIA_SECCOMP   0x100  /* a raw call, trapped by --seccomp-trap */
#define BPF_FACT_TARGET_KNOWN  0x800  /* target_fstype is target_fd's f_type */
#define BPF_FACT_TARGET_CHR    0x1000 /* ... and target_fd is a character device */
#define BPF_FACT_LINK_PROG     0x2000 /* link_prog_id: the program link_fd holds after */
#define BPF_FACT_VIA_KERNEL    0x200  /* seen from the kernel: bpfspy attach */
#define BPF_FACT_COPY_LOST     0x400  /* ... some of its copies found no room */
#define BPF_FACT_INPUTS_LATE   0x4000 /* inputs read after the call, an output may overlap */
struct bpf_facts {
	uint32_t flags;               /* BPF_FACT_* */
	int32_t pin_statfs_err;       /* errno of the parent's statfs(), 0 ok */
	uint64_t pin_fstype;
	uint64_t target_fstype;       /* PROG_ATTACH/DETACH/QUERY: fstatfs(target_fd) */
	uint32_t link_prog_id;        /* LINK_UPDATE: fdinfo's prog_id of link_fd after */
	uint32_t pad;
	struct bpf_priv priv;
};

/* One bpf(2) call as the shim captured it. */
struct bpf_call {
	uint32_t cmd_raw;        /* as passed (may carry BPF_COMMON_ATTRS) */
	uint32_t cmd;            /* cmd_raw without BPF_COMMON_ATTRS */
	uint64_t attr_addr;
	uint32_t size;
	uint64_t common_addr;    /* 4th/5th argument with BPF_COMMON_ATTRS */
	uint32_t common_size;

	/* attr bytes before the call: min(size, BPF_ATTR_SNAP) wanted,
	 * pre_len read; pre_err is EFAULT when the rest was unreadable. */
	uint8_t pre[BPF_ATTR_SNAP];
	uint32_t pre_len;
	int pre_err;
	/* The same bytes after the call, for fields the kernel writes back
	 * (next_id, info_len, log_true_size...).  Valid when have_post. */
	uint8_t post[BPF_ATTR_SNAP];
	uint32_t post_len;
	bool have_post;

	/* Bytes past BPF_ATTR_SNAP up to size (size <= page): the shim scans
	 * them; first nonzero offset or 0 when all zero/unread. */
	uint32_t tail_nonzero_off;
	bool tail_unreadable;

	long ret;
	int err;                 /* errno when ret == -1, else 0 */

	/* Captured payload (bpf_capture_plan()); nblobs 0 when none. */
	uint8_t nblobs;
	uint16_t blob_used;
	struct bpf_blob blobs[BPF_BLOB_MAX];
	uint8_t blob_data[BPF_BLOB_BYTES];

	/* seq of the libbpf call it was made in (0: none); packed with it */
	uint64_t parent;

	/* Measured by the shim for the checker; packed with the call. */
	struct bpf_facts facts;

	/* Objects behind the fds the call mentions (bpf_call_fds()). */
	uint8_t nnotes;
	struct bpf_fd_note notes[BPF_FD_NOTES];
	/* OBJ_GET_INFO_BY_FD rendered from a copies record: the kind of
	 * bpf_fd's object as the shim learned it (bpf_info_kind()), which
	 * says what the info struct is when the notes do not. */
	uint8_t info_kind;
};

/*
 * Typed payloads: a map's keys and values as the BTF it was created with
 * says, rendered next to their hex as "<key>_typed".  Only where events
 * are rendered outside the traced process (the drain, bpfspy's side);
 * NULL in the shim.
 */
struct bpf_typer {
	void (*render)(void *ctx, struct jsonw *w, const char *key,
		       const struct bpf_call *c, uint8_t tag);
	void *ctx;
	/* Moves whenever what render() would write for a call may have
	 * changed (a type learned or forgotten): a memo of its output holds
	 * while this stays. */
	const uint32_t *gen;
};

/* Limits on what one event may carry (documented in bpfspy-trace(5)). */
struct decode_opts {
	uint32_t log_cap;    /* verifier/BTF log bytes kept (default 65536) */
	uint32_t str_cap;    /* C strings read from the caller (default 4096) */
	uint32_t data_cap;   /* payload bytes per buffer (default 64) */
	bool no_data;        /* redact payload bytes */
	bool insns;          /* decode PROG_LOAD's instructions (--insns) */
	bool no_check;       /* no "checks", "explanation", "audit" (--no-check) */
	/* Rendering a spooled record after the call: the caller's memory is
	 * not ours to read any more.  Only commands with
	 * bpf_cmd_offline_ok() are rendered this way. */
	bool offline;
	/* The loaded libbpf's version, major << 8 | minor; 0 unknown (none
	 * linked at start, or rendering elsewhere).  libbpf before 1.0
	 * returns -1 and sets errno where 1.0 returns -errno. */
	uint16_t libbpf_ver;
	const struct bpf_typer *typer;   /* NULL: hex only */
	/* The object behind an fd of the traced process, where the renderer
	 * knows it (the shim's notes): names the maps instructions load.
	 * NULL: fd numbers only. */
	bool (*fd_note)(int32_t fd, struct bpf_fd_note *out);
};
void decode_opts_default(struct decode_opts *o);

enum bpf_field_kind {
	FK_U32,
	FK_S32,
	FK_U64,
	FK_FD,       /* file descriptor (s32) */
	FK_ID,       /* kernel object id (u32) */
	FK_ENUM,     /* u32 via an XLAT_ENUM table; unknown: the number */
	FK_FLAGS32,  /* u32 via an XLAT_FLAGS table: "A|B|0x40", "0" */
	FK_FLAGS64,  /* u64 likewise */
	FK_PTR,      /* user pointer: "0x7ffd..." or null */
	FK_STR_PTR,  /* pointer to a C string: the string read from memory */
	FK_CHARS,    /* inline char[size] (prog_name, map_name) */
	FK_KVER,     /* kernel version code: "5.10.0" */
	FK_HEX64,    /* u64 best read in hex (cookies, addresses) */
};

/* Field flags. */
#define FF_IN     0x1   /* read by the kernel: rendered under "attr" */
#define FF_OUT    0x2   /* written by the kernel: rendered under "out" */
#define FF_INOUT  (FF_IN | FF_OUT)
/* An output the kernel writes whatever size says (GET_NEXT_ID's next_id:
 * put_user() to the user's attr, not the copy): rendered when the shim's
 * read after the call reached it, even past size. */
#define FF_PAST_SIZE 0x4

/*
 * What a pointer field points to (bpf_field.to): the buffer behind it in
 * the caller's memory that the decoders read, how long it is and when it
 * holds what they show.  The one description of a command's buffers: the
 * shim captures those with a blob tag (bpf_capture_plan()), the renderer
 * reads the others itself, and bpfspy attach copies them all from the
 * kernel (bpf_kread_plan()).  FK_STR_PTR fields point to C strings and
 * need none.
 */
enum bpf_pointee_len {
	PT_NONE,        /* nothing is read behind it */
	PT_COUNT,       /* the u32 at cnt_off times mult bytes */
	PT_KEY,         /* the map's key (times the u32 at cnt_off, if any) */
	PT_VALUE,       /* the map's value as the kernel copies it (a slot per
			 * possible CPU of a per-CPU map), likewise */
	PT_CURSOR,      /* a batch cursor: a u32 bucket index for the hash
			 * maps, the last key for the others */
	PT_STR_ARRAY,   /* the u32 at cnt_off pointers to C strings */
};
enum bpf_pointee_when {
	PT_IN = 1,      /* handed in; the kernel only reads it */
	PT_IN_EARLY,    /* handed in, and the call may overwrite it (one
			 * buffer passed as input and output): read before */
	PT_INOUT,       /* the caller's struct before the call (capacities
			 * the kernel overwrites), the kernel's after a call
			 * that succeeded */
	PT_OUT,         /* written by a call that succeeded */
	PT_OUT_ENOENT,  /* ... or that ended a walk with ENOENT (batches) */
	PT_OUT_ANY,     /* written whatever the call returned (a log; a copy
			 * cut short with ENOSPC) */
};
enum bpf_pointee_cap {
	PT_CAP_DATA = 1,  /* payload: data_cap bytes, none with no_data */
	PT_CAP_STR,       /* str_cap bytes */
	PT_CAP_LOG,       /* log_cap bytes */
	PT_CAP_LOG_STR,   /* the same, a log the kernel ends with a NUL: what
			   * follows the NUL is never read */
	PT_CAP_ARRAY,     /* the first 64 entries (of mult bytes) */
	PT_CAP_INFO,      /* BPF_INFO_MAX bytes: the info structs' known part */
	PT_CAP_DIGEST,    /* all of it, as far as BPF_DIGEST_MAX: a digest */
};
#define PT_NO_COUNT    0xffffu
#define BPF_DIGEST_MAX (64u << 20)   /* bytes a digest covers at most */
struct bpf_pointee {
	uint16_t cnt_off;   /* attr offset of the u32 count, or PT_NO_COUNT */
	uint8_t len;        /* enum bpf_pointee_len; PT_NONE: not described */
	uint8_t when;       /* enum bpf_pointee_when */
	uint8_t cap;        /* enum bpf_pointee_cap */
	uint8_t mult;       /* PT_COUNT, PT_STR_ARRAY: bytes per counted entry */
	uint8_t tag;        /* the blob the shim captures it into (enum
			     * bpf_blob_tag); 0: the renderer reads it */
};
/* The most bytes the decoders read of @p under @o; 0: none (no_data). */
uint32_t bpf_pointee_cap(const struct bpf_pointee *p, const struct decode_opts *o);

struct bpf_call;
struct bpf_stack;
struct bpf_field {
	/* Name as in the UAPI header, without the command's struct prefix
	 * (test.prog_fd is "prog_fd").  A dotted name ("kprobe_multi.cnt")
	 * renders as a nested object. */
	const char *name;
	uint16_t off, size;
	uint8_t kind;
	uint8_t flags;
	const struct xlat *x;    /* FK_ENUM, FK_FLAGS* */
	struct bpf_pointee to;   /* FK_PTR: what it points to, if read */
	const char *since;       /* kernel release that added it, "" unknown */
	/* Union arm selector; NULL means always.  Receives the call so it
	 * can look at e.g. attach_type. */
	bool (*when)(const struct bpf_call *c);
};

enum bpf_ret_kind {
	RET_ZERO,   /* 0 on success */
	RET_FD,     /* a new file descriptor (close-on-exec) */
	RET_COUNT,  /* a byte count (PROG_STREAM_READ_BY_FD) */
};

struct decode_ctx;
struct bpf_cmd_desc {
	const char *name;        /* "BPF_MAP_CREATE" */
	const char *since;       /* kernel release that added the command */
	const struct bpf_field *fields;
	uint16_t nfields;
	/* offsetofend(the command's LAST_FIELD): nonzero bytes from here to
	 * the end of the kernel's union make the kernel return EINVAL. */
	uint16_t last_end;
	uint8_t ret;             /* enum bpf_ret_kind */
	/* Extra rendering after the table's fields: inside "attr" (pointees
	 * such as a log buffer's address context) and inside "out" (buffers
	 * the kernel filled: the verifier log...).  May be NULL. */
	void (*in_extra)(struct jsonw *w, const struct bpf_call *c,
			 const struct decode_opts *o);
	void (*out_extra)(struct jsonw *w, const struct bpf_call *c,
			  const struct decode_opts *o);
};

/* The command table, indexed by command number (bpf_cmds.c). */
extern const struct bpf_cmd_desc bpf_cmd_table[BPF_CMD_COUNT];

/* Descriptor of @cmd (without BPF_COMMON_ATTRS), NULL when unknown. */
const struct bpf_cmd_desc *bpf_cmd_desc(uint32_t cmd);
/* True when the kernel writes fields of attr back for @cmd, so the shim
 * must re-read attr after the call. */
bool bpf_cmd_writes_attr(uint32_t cmd);
/* Bytes of attr the shim reads back after a call of @cmd that succeeded,
 * given @size: min(size, BPF_ATTR_SNAP), or the end of an FF_PAST_SIZE
 * field when that is further. */
uint32_t bpf_cmd_post_len(uint32_t cmd, uint32_t size, bool ok);

/* Field value helpers for table predicates and extras: read @size bytes
 * at @off from the pre-call snapshot; 0 when outside what was read. */
uint64_t bpf_attr_get(const struct bpf_call *c, unsigned off, unsigned size);
uint64_t bpf_attr_get_post(const struct bpf_call *c, unsigned off, unsigned size);
bool bpf_attr_has(const struct bpf_call *c, unsigned off, unsigned size);

/* A buffer to capture: read @len of the @full_len bytes at @addr. */
struct bpf_blob_req {
	uint64_t addr;
	uint32_t len, full_len, stride;
	uint8_t tag;
	bool proven;   /* the kernel just copied all of it: mem_read_proven() */
};

/* CAPTURE_BEFORE runs before the call (what the kernel will overwrite:
 * the info struct's counts, the key of the commands that write into the
 * caller's memory, a lookup batch's in_batch), CAPTURE_PRE (the other
 * inputs, and those BEFORE could not read) and CAPTURE_POST (outputs)
 * after it. */
enum bpf_capture_phase { CAPTURE_BEFORE, CAPTURE_PRE, CAPTURE_POST };

/* Which buffers of @c to capture in @phase (CAPTURE_POST: c->ret is set),
 * given what is known of the map (@m, NULL when unknown): those its
 * command's pointer fields point to with a blob tag (bpf_field.to).
 * Returns the number of requests written to @req (at most BPF_BLOB_MAX). */
unsigned bpf_capture_plan(const struct bpf_call *c, const struct bpf_map_meta *m,
			  enum bpf_capture_phase phase, const struct decode_opts *o,
			  struct bpf_blob_req *req);

/* Read the @n buffers @req asks for into @c's blobs (through memread.h,
 * so a bad pointer is recorded as a fault, never dereferenced): the one
 * capture step of the shim and of bpfspy attach. */
void bpf_call_capture(struct bpf_call *c, const struct bpf_blob_req *req, unsigned n);

/* The bytes of captured blob @tag, or NULL (*@len: how many). */
const uint8_t *bpf_call_blob(const struct bpf_call *c, uint8_t tag, uint32_t *len);

/*
 * What a tracer outside the calling process (bpfspy attach) must copy of
 * a call of @cmd so the decoders can render it from the copies
 * (bpf_kread.c): the buffers behind attr's pointers, each bounded as the
 * decoder bounds it, as the command's field table describes them (its C
 * strings, and what its pointer fields' .to say).
 */
enum bpf_kread_len {
	KR_COUNT = 1,   /* the u32 at cnt_off times mult */
	KR_KEY,         /* the map's key size (times the count, if any) */
	KR_VALUE,       /* the map's value as the kernel copies it, likewise */
	KR_STR,         /* a C string */
	KR_STR_ARRAY,   /* count pointers to C strings */
};
#define KR_BEFORE 1      /* before the call: what the caller hands in */
#define KR_AFTER  2      /* after: counts read from attr after the call */
#define BPF_KREAD_NO_COUNT 0xffffu
struct bpf_kread {
	uint16_t ptr_off;    /* attr offset of the u64 pointer */
	uint16_t cnt_off;    /* attr offset of the u32 count, or NO_COUNT */
	uint8_t len;         /* enum bpf_kread_len */
	uint8_t phase;       /* KR_BEFORE or KR_AFTER */
	uint8_t need_ok;     /* only when the call succeeded */
	uint32_t mult;       /* bytes per counted entry */
	uint32_t cap;        /* at most this many bytes (strings: NUL included) */
	uint8_t to_nul;      /* a log read to its NUL (PT_CAP_LOG_STR) */
};
/* The copies a call of @cmd needs; returns how many (at most @max). */
unsigned bpf_kread_plan(uint32_t cmd, const struct decode_opts *o,
			struct bpf_kread *out, unsigned max);
/*
 * The buffers of the caller's a call's record must carry for the renderer
 * to show it later, elsewhere, as it shows it now (the commands that are
 * not bpf_call_offline_ok(): strings, logs, info structs, arrays): the
 * read plan above, every buffer as the call left it, plus what the info
 * structure and the common attrs point to.  bpf_call_regions() reads the
 * caller's memory (a string array's pointers, the info struct) to find
 * them: call it right after the call, where mem_read() reaches it.
 */
enum bpf_region_kind {
	BR_BYTES,     /* len bytes */
	BR_TEXT,      /* a C string: up to len bytes, ended by its NUL */
	BR_DIGEST,    /* len bytes digested (bpf_digest_compute()), not kept */
};
struct bpf_region {
	uint64_t addr;
	uint32_t len;
	uint8_t kind;     /* enum bpf_region_kind */
	uint8_t kept;     /* read whole into a scratch buffer while measured */
	uint16_t kept_off;
};
#define BPF_REGIONS_MAX 160
/* Append region @addr, @len, @kind to @out (holding @n of @max): the new
 * count; none for a NULL or empty one; @max + 1 once they do not fit (and
 * from then on). */
unsigned bpf_region_add(struct bpf_region *out, unsigned n, unsigned max, uint64_t addr,
			uint64_t len, uint8_t kind);
/* The regions of @c under @o into @out; returns how many, or @max + 1
 * when they do not fit (render the call live). */
unsigned bpf_call_regions(const struct bpf_call *c, const struct decode_opts *o,
			  struct bpf_region *out, unsigned max);
/* The kind of object a BPF_OBJ_GET_INFO_BY_FD wrote the info struct of
 * (enum bpf_obj_kind), as rendering decides it: the notes, else the
 * record's info_kind, else (live) /proc/self/fdinfo; OBJ_UNKNOWN for
 * other commands.  A copies record keeps it. */
uint8_t bpf_info_kind(const struct bpf_call *c);
/* The same for the info struct of a BPF_OBJ_GET_INFO_BY_FD and for the
 * common attrs, from @n on: the new count (@max + 1: too many). */
unsigned bpf_info_regions(const struct bpf_call *c, const struct decode_opts *o,
			  struct bpf_region *out, unsigned n, unsigned max);
unsigned bpf_common_regions(const struct bpf_call *c, const struct decode_opts *o,
			    struct bpf_region *out, unsigned n, unsigned max);
/* --insns: the bytes of @cnt instructions render_insns() reads, and the
 * map fds their ld_imm64s load (BPF_PSEUDO_MAP_FD, _MAP_VALUE), each
 * handed to @fn (a superset: every slot that looks like one). */
uint64_t bpf_insns_read_len(uint32_t cnt);
void bpf_insns_map_fds(uint64_t addr, uint32_t cnt, void (*fn)(void *ctx, int32_t fd),
		       void *ctx);

/* The XXH3-64 of @len bytes at @addr into *@hash, as far as they can be
 * read: returns the bytes read (fewer than @len: the rest is unmapped). */
uint64_t bpf_digest_compute(uint64_t addr, uint64_t len, uint64_t *hash);

/* The attr offset of the map fd of @cmd (bpf_call_map_fd()), or -1. */
int bpf_cmd_map_fd_off(uint32_t cmd);
/* The attr offsets of the fds a call of @cmd names (bpf_call_fds()):
 * how many were written to @offs (at most @max). */
unsigned bpf_cmd_fd_offs(uint32_t cmd, uint16_t *offs, unsigned max);

/* The fds @c mentions: its fd fields, then the fd it returned.  Returns
 * how many (at most @max) were written to @fds. */
unsigned bpf_call_fds(const struct bpf_call *c, int32_t *fds, unsigned max);

/* True for the map types whose values hold one slot per possible CPU. */
bool bpf_map_type_is_percpu(uint32_t map_type);

/* The map fd a command operates on, or -1 when it has none. */
int bpf_call_map_fd(const struct bpf_call *c);

/* Render the captured blob @tag as "<key>":"hex" (per-CPU values as an
 * array), with "<key>_truncated" or "<key>":{"unreadable":...} as needed.
 * Nothing when the blob was not captured. */
void render_blob(struct jsonw *w, const char *key, const struct bpf_call *c,
		 uint8_t tag);
/*
 * What render_blob_typed() wrote, while recorded: the pieces of a call's
 * rendering that depend on its payload bytes and nothing else.  The
 * collector renders a hot call's template once, keeps the bytes, and for
 * the next call of it renders only these again (bpf_record.c).  A
 * render_blob() outside render_blob_typed() while recording sets .bad.
 */
#define BPF_SPLICES_MAX 4
struct bpf_splice {
	size_t start, end;                 /* in the writer's buffer */
	size_t mid;                        /* where the typer's part starts */
	int depth;
	uint32_t first_before, first_after;  /* struct jsonw's state */
	const char *name;
	uint8_t tag;
};
struct bpf_splices {
	unsigned n;
	bool bad;
	struct bpf_splice s[BPF_SPLICES_MAX];
};
/* Record this thread's render_blob_typed() calls into @s (NULL: stop). */
void bpf_splices_record(struct bpf_splices *s);

/* render_blob() as "<name>_data", then the typer's "<name>_typed". */
void render_blob_typed(struct jsonw *w, const char *name, const struct bpf_call *c,
		       uint8_t tag, const struct decode_opts *o);

/* The arm of BPF_LINK_CREATE's union an attach type selects (the
 * kernel's link_create()). */
enum bpf_link_arm {
	BPF_LINK_ARM_TARGET_BTF_ID,
	BPF_LINK_ARM_ITER,
	BPF_LINK_ARM_PERF_EVENT,
	BPF_LINK_ARM_KPROBE_MULTI,
	BPF_LINK_ARM_TRACING,
	BPF_LINK_ARM_NETFILTER,
	BPF_LINK_ARM_TCX,
	BPF_LINK_ARM_NETKIT,
	BPF_LINK_ARM_CGROUP,
	BPF_LINK_ARM_UPROBE_MULTI,
	BPF_LINK_ARM_TRACING_MULTI,
};
enum bpf_link_arm bpf_link_arm_of(uint32_t attach_type);
/* True for the attach types of programs that attach to a cgroup. */
bool bpf_attach_type_is_cgroup(uint32_t attach_type);

/* True when @cmd renders from the attr snapshots alone, so the shim may
 * spool the raw call and render it later (bpf_record.h). */
bool bpf_cmd_offline_ok(uint32_t cmd);

/* Map element commands: a call site passes the same attr every time (the
 * same map, the same key and value buffers), so the shim keeps their
 * capture plans per call site and spools them after a template
 * (bpf_record.h).  Not the id walks: each next_id differs. */
bool bpf_cmd_hot(uint32_t cmd);

/* True when this call may be spooled packed and rendered later: its
 * command renders offline and it has no BPF_COMMON_ATTRS struct (whose
 * log only a live render can read).  The shim's one rule for that. */
bool bpf_call_offline_ok(const struct bpf_call *c);

/* Render everything after the event envelope and before the checks:
 * "cmd", "cmd_num" (unknown commands only), "size", "attr", "ret",
 * "errno", "out", "fds".  Async-signal-safe: reads caller memory only
 * through memread.h.  The event layer (event/bpf_event.h) adds the
 * envelope, the checks and the stack. */
void bpf_render_call(struct jsonw *w, const struct bpf_call *c,
		     const struct decode_opts *o);

/* Symbolic errno ("EPERM"); NULL for numbers the table lacks. */
const char *errno_name(int e);

/* Render helpers shared by the table extras. */
void render_log(struct jsonw *w, const char *key, uint64_t addr,
		uint32_t size, const struct decode_opts *o);
void render_cstr(struct jsonw *w, const char *key, uint64_t addr,
		 const struct decode_opts *o);
void render_flags(struct jsonw *w, const char *key, const struct xlat *x,
		  uint64_t v);
/* A map element call's flags: "BPF_ANY", "BPF_NOEXIST|BPF_F_LOCK", and
 * with BPF_F_CPU the CPU beside it. */
void render_elem_flags(struct jsonw *w, const char *key, uint64_t v);
void render_enum(struct jsonw *w, const char *key, const struct xlat *x,
		 uint64_t v);
/* The first 64 entries of a caller's array of @cnt u32/u64 (@elem 4 or
 * 8), in decimal or hex; an array of @cnt C string pointers. */
void render_u64_array(struct jsonw *w, const char *key, uint64_t addr, uint32_t cnt,
		      unsigned elem, bool hex, const struct decode_opts *o);
void render_str_array(struct jsonw *w, const char *key, uint64_t addr, uint32_t cnt,
		      const struct decode_opts *o);
/* @key followed by @suffix into @out ("value_data" + "_fault"), cut to fit. */
void key_suffixed(char *out, size_t cap, const char *key, const char *suffix);
/* "<key>":null and "<key>_fault":{"addr","error"}: unreadable memory. */
void render_fault(struct jsonw *w, const char *key, uint64_t addr);
/* "<key>_fault": where a caller's array stopped being readable. */
void render_array_fault(struct jsonw *w, const char *key, uint64_t addr, uint32_t index);
/* "common_attrs" of a call made with BPF_COMMON_ATTRS. */
void render_common_attrs(struct jsonw *w, const struct bpf_call *c,
			 const struct decode_opts *o);
/* @cnt instructions at @addr, decoded (bpf_insn.c). */
void render_insns(struct jsonw *w, const char *key, uint64_t addr, uint32_t cnt,
		  const struct decode_opts *o);
/* fd_array's first @cnt (at most 64) fds (bpf_insn.c). */
void render_fd_array(struct jsonw *w, const char *key, uint64_t addr, uint32_t cnt,
		     const struct decode_opts *o);
/* "key":"xxh3:<16 hex digits>" of @len bytes at @addr (bpf_digest.c). */
void render_digest(struct jsonw *w, const char *key, uint64_t addr, uint64_t len,
		   const struct decode_opts *o);

#endif
