// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Content digests of what a call hands the kernel (instructions, BTF
 * blobs), so two runs can be compared without carrying the bytes.
 *
 * xxHash's XXH3-64, compiled in from its header (XXH_INLINE_ALL): the
 * shim runs inside other people's processes and should not pull another
 * shared library into them.  The bytes are streamed through memread in
 * chunks, so an instruction array of any size costs no allocation.
 */
#include "syscall/bpf_decode.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/memread.h"

#define DIGEST_CHUNK 4096

uint64_t bpf_digest_compute(uint64_t addr, uint64_t len, uint64_t *hash)
{
	uint8_t chunk[DIGEST_CHUNK];
	XXH3_state_t st;
	uint64_t done = 0;

	XXH3_64bits_reset(&st);
	while (done < len) {
		size_t n = len - done < sizeof(chunk) ? (size_t)(len - done) : sizeof(chunk);
		size_t got = mem_read(chunk, addr + done, n, NULL);

		XXH3_64bits_update(&st, chunk, got);
		done += got;
		if (got < n)
			break;
	}
	*hash = XXH3_64bits_digest(&st);
	return done;
}

void render_digest(struct jsonw *w, const char *key, uint64_t addr, uint64_t len,
		   const struct decode_opts *o)
{
	char hex[32] = "xxh3:";
	uint64_t done, h, want = len < BPF_DIGEST_MAX ? len : BPF_DIGEST_MAX;
	size_t i;

	if (!addr || !len || o->offline)
		return;
	/* a copies record keeps the digest, not the bytes (bpf_copy_regions()) */
	if (!mem_read_digest(addr, want, &done, &h))
		done = bpf_digest_compute(addr, want, &h);
	if (done < want) {      /* the kernel will answer EFAULT */
		render_fault(w, key, addr + done);
		return;
	}
	for (i = 0; i < 16; i++)
		hex[5 + i] = "0123456789abcdef"[(h >> (60 - 4 * i)) & 0xf];
	hex[21] = 0;
	jw_str(w, key, hex);
	if (want < len)
		jw_u64(w, "digest_bytes", want);
}
