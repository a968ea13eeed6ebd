/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bpf call as the shim spools it: the raw bytes of one event, rendered
 * to JSON later, when the spool is drained.
 *
 * Why: rendering a BPF_MAP_LOOKUP_ELEM event as JSON costs ~280 ns and
 * 242 bytes of spool here, against ~860 ns for the call itself, and every
 * fresh page of spool costs several microseconds on a VM.  Packing the
 * same call is a few copies into ~150 bytes (64 after a template: "Hot
 * calls" below).  Commands that render from the attr snapshots and the
 * captured payload alone are spooled this way (bpf_cmd_offline_ok()); the
 * rest read the caller's memory (strings, logs, info structs) and are
 * spooled with copies of what they read (BPF_REC_COPIES, below).
 *
 * What does not change from call to call is spooled once, as state for
 * the records after it: a thread's name (BPF_REC_THREAD) and the object
 * behind an fd (BPF_REC_FDOBJ).  A render context per spool keeps it.
 */
#ifndef BPFSPY_BPF_RECORD_H
#define BPFSPY_BPF_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "event/bpf_event.h"
#include "libbpf/libbpf_funcs.h"
#include "syscall/bpf_decode.h"

/* Spool record types besides the spool's own SPOOL_JSON (1). */
enum bpf_rec_type {
	BPF_REC_CALL = 2,    /* struct bpf_record */
	BPF_REC_FDOBJ = 3,   /* struct bpf_fd_note: what fd .fd is from now on */
	BPF_REC_THREAD = 4,  /* struct bpf_rec_thread */
	BPF_REC_LIBBPF = 5,  /* struct libbpf_record (below), then
			      * with --stack a stack tail (bpf_stack.h) */
	BPF_REC_SYM = 6,     /* struct bpf_rec_sym: what an address is */
	BPF_REC_BTF = 7,     /* struct bpf_rec_btf: what a BTF fd holds */
	BPF_REC_HOT = 8,     /* struct bpf_rec_hot: a call after a template */
	BPF_REC_LIBBPF_HOT = 9,  /* struct libbpf_rec_hot: a libbpf call, likewise */
	BPF_REC_COPIES = 10, /* struct bpf_rec_copies: a call and copies of
			      * the caller's buffers it reads */
	BPF_REC_LIBBPF_COPIES = 11,  /* the same for a libbpf call */
};

struct bpf_rec_thread {
	uint32_t tid;
	char comm[16];
};

#define BPF_REC_HAVE_POST      0x1
#define BPF_REC_TAIL_UNREAD    0x2
#define BPF_REC_PARENT         0x4   /* a u64 parent seq follows the payload */
#define BPF_REC_FACTS          0x8   /* then a struct bpf_facts */
#define BPF_REC_STACK          0x10  /* then the stack tail (bpf_stack.h) */

struct bpf_record {
	uint64_t seq;
	uint64_t ts;            /* wall clock, ns */
	uint64_t dur_ns;
	uint64_t attr_addr;
	int64_t ret;
	uint32_t pid, tid;
	uint32_t cmd_raw, size;
	int32_t err;
	int32_t pre_err;
	uint32_t tail_nonzero_off;
	uint16_t pre_len, post_len;
	uint16_t flags;
	uint16_t blob_used;
	uint8_t nblobs;
	/* pre_len bytes, post_len bytes, nblobs struct bpf_blob (unaligned),
	 * blob_used bytes of captured payload, then with BPF_COMMON_ATTRS in
	 * cmd_raw the 4th and 5th arguments (u64 address, u32 size), then
	 * with BPF_REC_PARENT the seq of the libbpf call it was made in,
	 * then with BPF_REC_FACTS the call's struct bpf_facts, then with
	 * BPF_REC_STACK the call-site stack (bpf_stack_tail_pack()) */
	uint8_t bytes[];
};

/* Bytes bpf_record_pack() writes for @c and @env. */
size_t bpf_record_size(const struct bpf_call *c, const struct bpf_event_env *env);

/* Pack @c and its envelope into @dst (bpf_record_size() bytes).  The
 * envelope's comm and @c's fd notes are not packed: they are state, and
 * so are the names of the stack's addresses (BPF_REC_SYM). */
void bpf_record_pack(void *dst, const struct bpf_call *c,
		     const struct bpf_event_env *env);

/*
 * Hot calls: the map element commands a daemon makes by the hundred
 * thousand a second, each call site with the same attr every time.  What
 * does not change from call to call (the command, attr's bytes, the
 * buffers' sizes, what was captured of them) is a template, written once
 * into the spool's dictionary (spool_dict()); each call is then a
 * BPF_REC_HOT: the template's number, the envelope, the outcome and the
 * bytes of its buffers.  An ARRAY lookup with a 4-byte key and an 8-byte
 * value is 48 bytes (64 in the ring with the spool's record header),
 * against 152 (168) as a BPF_REC_CALL.
 *
 * The dictionary lives in the spool's head, not in the ring: templates are
 * written once and never change, so a consumer that starts part-way (a
 * collector restarted) finds every template its records name, which
 * state records in the ring could not promise.  A call that does not fit
 * a template (a stack, facts beyond flags, attr bytes past
 * BPF_TMPL_ATTR, a full dictionary...) is a BPF_REC_CALL as before.
 */
#define BPF_TMPL_ATTR  40u    /* attr bytes a template keeps (elements: 32) */
#define BPF_TMPL_BLOBS 2u
#define BPF_TMPL_READY 0x504d4554u   /* "TEMP" */

struct bpf_tmpl {
	uint32_t ready;        /* BPF_TMPL_READY, stored last; not compared */
	uint32_t cmd_raw;
	uint64_t attr_addr;
	uint32_t size;
	uint32_t facts_flags;  /* the call's facts are these flags alone */
	uint16_t pre_len;      /* attr bytes past BPF_TMPL_ATTR are zero */
	uint16_t blob_used;    /* payload bytes each record carries */
	uint8_t nblobs;
	uint8_t flags;         /* BPF_REC_HAVE_POST: post holds pre's bytes */
	uint16_t pad;
	struct bpf_blob blobs[BPF_TMPL_BLOBS];
	uint8_t pre[BPF_TMPL_ATTR];
};

struct bpf_rec_hot {
	uint64_t seq, ts;
	uint32_t dur_ns, tid;
	int32_t ret;
	uint16_t tmpl;         /* the template's slot in the dictionary */
	uint16_t err;
	uint32_t parent_back;  /* seq minus the libbpf call's seq; 0: none */
	uint8_t data[];        /* the template's blob_used bytes */
};

/*
 * The same for packed libbpf calls (libbpf_func_offline_ok()): the
 * function and its arguments are the template, in a slot of the same
 * dictionary (its tag has bit 31 set, which no bpf template's cmd_raw
 * has); the record carries the rest: 48 bytes (64 in the ring) against
 * the 128 (144) of a struct libbpf_record.
 */
#define LIBBPF_TMPL_TAG 0x80000000u

struct libbpf_tmpl {
	uint32_t ready;        /* as struct bpf_tmpl's */
	uint32_t tag;          /* LIBBPF_TMPL_TAG | function id */
	uint64_t args[6];
	uint8_t pad[sizeof(struct bpf_tmpl) - 56];
};

struct libbpf_rec_hot {
	uint64_t seq, ts;
	uint32_t dur_ns, wall_ns;
	uint32_t parent_back;  /* seq minus the enclosing libbpf call's; 0: none */
	uint32_t tid;
	int32_t ret;
	uint16_t tmpl, err;
	uint16_t nsys, nfail;
};

/* Whether @c can be a BPF_REC_LIBBPF_HOT at all (its numbers fit one),
 * whatever its template. */
bool libbpf_hot_ok(const struct bpf_event_env *env, const struct libbpf_call *c);
/* Whether the numbers of @c and @env fit one: the part of libbpf_hot_ok()
 * left to check for a call of an offline function (reads only ret, err,
 * nsys and nfail of @c). */
bool libbpf_hot_fits(const struct bpf_event_env *env, const struct libbpf_call *c);
/* The template of libbpf call @c (envelope @env) into @t; false when the
 * call cannot be a BPF_REC_LIBBPF_HOT (then a struct libbpf_record). */
bool libbpf_tmpl_make(struct libbpf_tmpl *t, const struct bpf_event_env *env,
		      const struct libbpf_call *c);
void libbpf_hot_pack(struct libbpf_rec_hot *r, const struct bpf_event_env *env,
		     const struct libbpf_call *c, int id);

/* Set up the dictionary in @area (@len bytes, zero) of process @pid. */
void bpf_dict_init(void *area, size_t len, uint32_t pid);

/*
 * The dictionary as a packed trace carries it (src/packed.c): its head
 * (what a reader needs before any slot: BPF_DICT_HEAD bytes) and the
 * slots the records name, each once, written into a reader's zeroed area
 * of the same size as the writer's.
 */
#define BPF_DICT_HEAD 16u
/* The head of @dict into @out; false when it is not a dictionary. */
bool bpf_dict_head(const void *dict, size_t len, void *out);
/* Slot @id of @dict when it is filled in, else NULL (sizeof(struct
 * bpf_tmpl) bytes). */
const void *bpf_dict_slot(const void *dict, size_t len, uint32_t id);
bool bpf_dict_load_head(void *area, size_t len, const void *head);
bool bpf_dict_load_slot(void *area, size_t len, uint32_t id, const void *slot);
/* The slot a record of @type names (BPF_REC_HOT, BPF_REC_LIBBPF_HOT), or
 * -1. */
int bpf_record_tmpl(uint32_t type, const void *rec, size_t len);
/* The template of @c with envelope @env into @t; false when the call
 * cannot be a BPF_REC_HOT. */
bool bpf_tmpl_make(struct bpf_tmpl *t, const struct bpf_call *c,
		   const struct bpf_event_env *env);
/* The slot of a template equal to @t in the dictionary @area, added when
 * there is none; -1 when it is full.  Lock-free, thread- and
 * async-signal-safe. */
int bpf_dict_intern(void *area, const struct bpf_tmpl *t);
int libbpf_dict_intern(void *area, const struct libbpf_tmpl *t);
/* The BPF_REC_HOT of @c (template @t in slot @id): bpf_hot_size(@t)
 * bytes at @dst. */
size_t bpf_hot_size(const struct bpf_tmpl *t);
void bpf_hot_pack(void *dst, const struct bpf_call *c, const struct bpf_event_env *env,
		  const struct bpf_tmpl *t, int id);
/* The same from the parts: the outcome, the libbpf call's seq (0: none)
 * and @len payload bytes at @data laid out as the template's blobs. */
void bpf_hot_pack_parts(void *dst, const struct bpf_event_env *env, int64_t ret, int err,
			uint64_t parent, int id, const void *data, size_t len);

/*
 * The other commands (not bpf_call_offline_ok(): a path, a license, a
 * verifier log, an info struct, arrays of ids or symbols) are rendered
 * from what they read of the caller's memory: the shim copies those
 * buffers right after the call (bpf_call_regions(): the read plan the
 * field tables give, bounded by the decode options), and the collector
 * renders the call with a memory source that answers from the copies.
 * No JSON is made in the traced process.  A BPF_REC_COPIES is the header,
 * the call as a struct bpf_record (call_len bytes, padded to 8), then
 * nregions struct bpf_rec_region, each followed by what it keeps.
 *
 * libbpf calls whose rendering reads memory (libbpf_func_offline_ok()
 * false: strings, opts structs, values behind pointers, more than six
 * arguments, objects named by libbpf's getters) are BPF_REC_LIBBPF_COPIES:
 * the same header; the call is a struct libbpf_record, the whole struct
 * libbpf_call (what the shim learned of it: the object's name, the opts'
 * sz, values before the call), then a stack tail when it has one.
 */
struct bpf_rec_copies {
	uint32_t call_len;
	uint16_t nregions;
	uint8_t no_data;          /* the decode options the shim copied by */
	uint8_t insns;            /* --insns */
	uint32_t log_cap, str_cap, data_cap;
	uint16_t libbpf_ver;
	uint8_t info_kind;        /* bpf_info_kind() of the call (0: none) */
	uint8_t pad2;
	uint8_t bytes[];
};
struct bpf_rec_region {
	uint64_t addr;
	uint32_t len;             /* bytes asked for (BR_DIGEST: digested) */
	uint32_t got;             /* bytes read: fewer than len, unmapped */
	uint8_t kind;             /* BR_BYTES or BR_DIGEST */
	uint8_t pad[7];
	/* BR_DIGEST: the u64 XXH3-64 of the got bytes; BR_BYTES: the got
	 * bytes, padded to 8 */
};
/* Fix the lengths of @r's BR_TEXT regions (@n of them) by reading the
 * strings (their NUL included): they become BR_BYTES.  A string that ends
 * in the first chunk read is kept in @scratch (@cap bytes, up to 64 KiB),
 * which packing then copies instead of reading it again (a second
 * process_vm_readv() for a string off the stack: ~1 us). */
#define BPF_REGIONS_SCRATCH 4096u
void bpf_regions_measure(struct bpf_region *r, unsigned n, uint8_t *scratch, size_t cap);
/* Bytes bpf_copies_pack() writes for @c, @env and measured regions @r. */
size_t bpf_copies_size(const struct bpf_call *c, const struct bpf_event_env *env,
		       const struct bpf_region *r, unsigned n);
/* Pack them into @dst, copying the regions from the caller's memory. */
void bpf_copies_pack(void *dst, const struct bpf_call *c, const struct bpf_event_env *env,
		     const struct decode_opts *o, const struct bpf_region *r, unsigned n,
		     const uint8_t *scratch);
/* The same for libbpf call @c (libbpf_call_regions()). */
size_t libbpf_copies_size(const struct bpf_event_env *env, const struct libbpf_call *c,
			  const struct bpf_region *r, unsigned n);
void libbpf_copies_pack(void *dst, const struct bpf_event_env *env, const struct libbpf_call *c,
			const struct decode_opts *o, const struct bpf_region *r, unsigned n,
			const uint8_t *scratch);

/* The BTF blob a successful BPF_BTF_LOAD loaded, spooled once by the shim
 * so that the drain can type the payloads of maps created with it: the
 * first len of full_len bytes (0 when over BPF_REC_BTF_MAX). */
#define BPF_REC_BTF_MAX (256u << 10)
struct bpf_rec_btf {
	int32_t fd;
	uint32_t len, full_len;
	uint32_t pad;
	uint8_t data[];
};

/* What the side that drains adds to rendering: typed payloads
 * (src/btf_values.c).  Every member may be NULL. */
struct bpf_render_hooks {
	void (*reset)(void *u);                  /* a new spool (process) */
	void (*btf)(void *u, int32_t fd, const uint8_t *data, uint32_t len,
		    uint32_t full_len);
	/* each packed call, before it renders; may come twice for one call
	 * (a render retried with more room) */
	void (*call)(void *u, const struct bpf_call *c);
	struct bpf_typer typer;                  /* given to the decoders */
	void *u;
	/* a copies record's line (@len bytes in @buf, room for @cap),
	 * rewritten in place with what only this side knows (the names of
	 * kfunc calls in --insns text): the new length (over @cap: called
	 * again with more room) */
	size_t (*line)(void *lu, char *buf, size_t len, size_t cap);
	void *lu;
};

/* State for rendering one spool's records. */
struct bpf_render_ctx;
struct bpf_render_ctx *bpf_render_ctx_new(void);
void bpf_render_ctx_free(struct bpf_render_ctx *x);
void bpf_render_ctx_set_hooks(struct bpf_render_ctx *x, const struct bpf_render_hooks *h);
/* Forget all state: a new spool (another process) begins. */
void bpf_render_ctx_reset(void *x);
/* The same, for a spool whose dictionary is @dict (@len bytes): the
 * signature of struct spool_renderer's begin_file. */
void bpf_render_ctx_begin(void *x, const void *dict, size_t len);

/* Render or absorb one record of @type: the line's length (over @cap: call
 * again with more room), 0 for a state record, (size_t)-1 if malformed.
 * The signature of struct spool_renderer's render. */
size_t bpf_render_ctx_record(void *x, uint32_t type, const void *rec, size_t len,
			     char *out, size_t cap);

/* A packed libbpf call (spool record BPF_REC_LIBBPF, bpf_record.h),
 * followed by a stack tail (bpf_stack.h) when the record is longer. */
struct libbpf_record {
	uint64_t seq, ts, dur_ns, parent, wall_ns;
	uint64_t args[6];
	int64_t ret;
	uint64_t nsys, nfail;
	uint32_t pid, tid, id;
	int32_t err;
};

void libbpf_record_pack(struct libbpf_record *r, const struct bpf_event_env *env,
			const struct libbpf_call *c);
/* Unpack into @env (comm left to the caller) and @c; false if malformed. */
bool libbpf_record_unpack(const void *rec, size_t len, struct bpf_event_env *env,
			  struct libbpf_call *c);

#endif
