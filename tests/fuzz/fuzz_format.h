/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The layout of one fuzz_decode input, shared by the harness
 * (fuzz_decode.c) and the seed generator (gen_seeds.c).
 *
 *   struct fz_hdr            fixed header, zero-filled when the input is short
 *   pre bytes                fz_pre_len() bytes of attr snapshot
 *   post bytes               fz_post_len() bytes (only with FZ_F_POST)
 *   blobs                    fz_nblobs() struct bpf_blob, raw (as packed
 *                            records carry them)
 *   blob bytes               fz_blob_used() bytes of captured payload
 *   fd objects               fz_nnotes() struct bpf_fd_note, raw: what the
 *                            shim knows of some fds (the call's notes are
 *                            taken from them as the shim takes them)
 *   page bytes               the rest: copied into the readable test pages
 *
 * The same input, as raw bytes, is also fed to the packed-record renderer
 * (fuzz_decode.c: check_raw_record()).
 */
#ifndef BPFSPY_FUZZ_FORMAT_H
#define BPFSPY_FUZZ_FORMAT_H

#include <stdint.h>

#include "syscall/bpf_decode.h"

/* cmdsel: low 6 bits pick the command, 0..41 (39..41 unknown); 42..63 take
 * cmd_raw as it is.  FZ_CMD_COMMON adds BPF_COMMON_ATTRS. */
#define FZ_CMD_DIRECT  42u
#define FZ_CMD_COMMON  0x40u

/* flags */
#define FZ_F_POST       0x01u  /* have_post */
#define FZ_F_OFFLINE    0x02u  /* opts.offline for the main render */
#define FZ_F_NODATA     0x04u  /* opts.no_data */
#define FZ_F_TAIL_UNRD  0x08u  /* tail_unreadable */
#define FZ_F_EVENT      0x10u  /* bpf_render_event, not a bare call */
#define FZ_F_ATTR_NULL  0x20u  /* attr_addr = 0 */
#define FZ_F_SHORT      0x40u  /* pre_len short of min(size, 256): a fault */
#define FZ_F_RAWLEN     0x80u  /* pre_len/post_len taken from the header */

/* flags2 */
#define FZ_G_PAGE_NONUL 0x01u  /* no NUL in the fuzz page */
#define FZ_G_EDGE_NONUL 0x02u  /* no NUL in the edge page: strings fault */
#define FZ_G_POST_KEEP  0x04u  /* pointers are not copied into post */
#define FZ_G_POST_PRE   0x08u  /* post starts as a copy of pre */

/* Pointer kinds (fz_ptr.kind % FZ_P_COUNT). */
enum {
	FZ_P_PAGE,       /* fuzz page + param % 4096 */
	FZ_P_EDGE,       /* last 4096 bytes before a PROT_NONE page */
	FZ_P_EDGE_NEAR,  /* last 32 bytes before it */
	FZ_P_GUARD,      /* inside the PROT_NONE page */
	FZ_P_UNMAPPED,   /* inside an unmapped page */
	FZ_P_NULL,
	FZ_P_RANDOM,     /* rand_ptr[param & 1] */
	FZ_P_LOW,        /* param itself: a tiny address */
	FZ_P_WRAP,       /* UINT64_MAX - param: addr + len wraps */
	FZ_P_CROSS,      /* end of the fuzz page: runs on into the edge page */
	FZ_P_COUNT
};

#define FZ_SLOT_PAGE 0x40u
#define FZ_SLOT_ATTR 0x80u

struct fz_ptr {
	uint8_t slot;    /* < FZ_SLOT_PAGE: pointer field # of the command;
			  * < FZ_SLOT_ATTR: fuzz page offset (slot & 0x3f) * 8;
			  * else attr offset (slot & 0x1f) * 8 */
	uint8_t kind;
	uint16_t param;
};

#define FZ_NPTR  8

struct fz_hdr {
	uint8_t cmdsel, flags, flags2, sizesel;
	uint8_t retsel, optsel, nptr, nblobs;
	uint32_t cmd_raw;
	uint32_t size_raw;
	uint16_t pre_len, post_len;   /* with FZ_F_RAWLEN / FZ_F_SHORT */
	uint16_t outcap;              /* 0x8000: big buffer, else cap % 8192 */
	uint16_t blob_used;
	int64_t ret;
	int32_t err;
	uint32_t tail_off;
	uint64_t common_addr;         /* kind, param of a pointer (fz_ptr) */
	uint32_t common_size;
	uint32_t pid;
	uint64_t seq, ts;
	uint64_t rand_ptr[2];
	struct fz_ptr ptr[FZ_NPTR];
	char comm[16];
	uint8_t nnotes;
	uint8_t spare[7];
};

static const uint32_t fz_sizes[] = {
	4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 72, 76, 80, 88, 92,
	96, 112, 116, 120, 128, 136, 140, 144, 148, 152, 160, 164, 168,
	176, 256, 4096,
};

static inline uint32_t fz_cmd_raw(const struct fz_hdr *h)
{
	uint32_t k = h->cmdsel & 0x3f;
	uint32_t raw = k < FZ_CMD_DIRECT ? k : h->cmd_raw;

	if (h->cmdsel & FZ_CMD_COMMON)
		raw |= BPF_COMMON_ATTRS_BIT;
	return raw;
}

static inline uint32_t fz_size(const struct fz_hdr *h)
{
	uint32_t r = h->size_raw;

	switch (h->sizesel & 7) {
	case 0: return 0;
	case 1: return r % 256;
	case 2: return BPF_ATTR_UNION_SIZE;
	case 3: return fz_sizes[r % (sizeof(fz_sizes) / sizeof(fz_sizes[0]))];
	case 4: return r % (BPF_ATTR_PAGE + 1);
	case 5: return BPF_ATTR_PAGE + 1 + r % 65536;
	case 6: return r;
	default: return BPF_ATTR_SNAP;
	}
}

/* Bytes of attr the shim would have read: min(size, snapshot). */
static inline uint32_t fz_want(const struct fz_hdr *h)
{
	uint32_t s = fz_size(h);

	return s < BPF_ATTR_SNAP ? s : BPF_ATTR_SNAP;
}

static inline uint32_t fz_pre_len(const struct fz_hdr *h)
{
	uint32_t want = fz_want(h);

	if (h->flags & FZ_F_RAWLEN)
		return h->pre_len % (BPF_ATTR_SNAP + 1);
	if (h->flags & FZ_F_SHORT)
		return want ? h->pre_len % want : 0;
	return want;
}

static inline uint32_t fz_post_len(const struct fz_hdr *h)
{
	if (!(h->flags & FZ_F_POST))
		return 0;
	if (h->flags & FZ_F_RAWLEN)
		return h->post_len % (BPF_ATTR_SNAP + 1);
	return fz_pre_len(h);
}

static inline uint32_t fz_nblobs(const struct fz_hdr *h)
{
	return h->nblobs % (BPF_BLOB_MAX + 1);
}

static inline uint32_t fz_nnotes(const struct fz_hdr *h)
{
	return h->nnotes % (BPF_FD_NOTES + 1);
}

static inline uint32_t fz_blob_used(const struct fz_hdr *h)
{
	return h->blob_used % (BPF_BLOB_BYTES + 1);
}

#endif
