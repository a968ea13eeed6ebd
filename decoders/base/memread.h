/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault-safe reads of the traced program's own memory.
 *
 * The traced program hands bpf(2) pointers that may be NULL, unmapped or
 * half mapped; the shim must record that, never crash on it.  Nothing here
 * dereferences a caller pointer unless the bytes are provably mapped:
 *
 *  - fast path: the range lies in [sp, top of this thread's stack), which
 *    is always mapped.  libbpf and most loaders keep union bpf_attr, keys
 *    and values on the stack, so the hot path needs no syscall;
 *  - the range the kernel has just read or written in full for this
 *    thread's call, as it returned success (mem_read_proven()): the
 *    program cannot have unmapped it since without racing its own call;
 *  - otherwise process_vm_readv() on our own pid, which fails cleanly on
 *    unmapped pages.  It costs ~1.1 us per call here (measured: more than
 *    a whole BPF_MAP_LOOKUP_ELEM, 0.86 us), which is why the fast paths
 *    exist.
 */
#ifndef BPFSPY_MEMREAD_H
#define BPFSPY_MEMREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copy up to @len bytes at @addr into @dst.  Returns the number of bytes
 * copied: @len, or fewer when the range runs into an unmapped page (the
 * bytes copied are the readable prefix).  @err receives 0 or EFAULT. */
size_t mem_read(void *dst, uint64_t addr, size_t len, int *err);

/* The same for a range the kernel has just copied in full from or to
 * (a map element call that succeeded: its key, its value): a plain copy,
 * counted with the fast reads.  With a source set (bpfspy attach), read
 * from it as mem_read() does. */
size_t mem_read_proven(void *dst, uint64_t addr, size_t len);

/* mem_read() of a range it can copy plainly (on this thread's stack,
 * from the caller's frame up): @len.  0, and nothing read, where it would
 * take a system call (or @len is 0, or @addr NULL). */
size_t mem_read_direct(void *dst, uint64_t addr, size_t len);

/* Copy a NUL-terminated string of at most @cap-1 bytes; @dst is always
 * terminated.  Returns the string length, or -1 when nothing at @addr is
 * readable.  *@truncated is 1 when no NUL was found within @cap-1, 2 when
 * the string ran into unmapped memory before its NUL. */
long mem_read_str(char *dst, uint64_t addr, size_t cap, int *truncated);

/*
 * Serve every read from @fn instead of our own memory (NULL: our memory
 * again).  bpfspy attach renders calls of other processes from the bytes
 * its kernel program copied, the collector a copies record the shim
 * spooled: @fn answers from those, like mem_read.  Per thread.
 */
typedef size_t (*mem_read_source)(void *ctx, void *dst, uint64_t addr, size_t len);
void mem_read_set_source(mem_read_source fn, void *ctx);
/* True while a source is set: the memory read is not ours, nor is
 * /proc/self (what an fd is must come from the record). */
bool mem_read_has_source(void);

/*
 * A source may also answer for digests: the XXH3-64 of the first @len
 * bytes at @addr as the shim computed them when the call was made (the
 * bytes themselves were not kept), *@done the bytes it could read.  Set
 * after mem_read_set_source(), which clears it.  mem_read_digest() asks
 * the source; false: no source, or it holds no digest of that range.
 */
typedef bool (*mem_digest_source)(void *ctx, uint64_t addr, uint64_t len, uint64_t *done,
				  uint64_t *hash);
void mem_read_set_digest_source(mem_digest_source fn);
bool mem_read_digest(uint64_t addr, uint64_t len, uint64_t *done, uint64_t *hash);

/* Forget the cached stack bounds of the calling thread. */
void mem_read_reset_thread(void);
/* Reads on this thread are for a caller whose frame is at @sp (0: our
 * own frame), on the stack we would otherwise be on: the shim runs on a
 * stack of its own.  Returns the previous value, to restore. */
uintptr_t mem_read_caller_sp(uintptr_t sp);
/* In a child after fork: forget the cached pid and this thread's stack. */
void mem_read_reset_process(void);

/* For tests: the bounds of the readable mapping that holds @addr (0), or
 * -1.  @ask: as the fast path learns its stack, PROCMAP_QUERY first (a
 * kernel without it falls back); false: from the text of the maps file. */
int mem_read_mapping_of(uintptr_t addr, uintptr_t *lo, uintptr_t *hi, bool ask);

/* Statistics of the calling thread, for tests and benchmarks. */
struct mem_read_stats {
	uint64_t fast, slow;
};
void mem_read_get_stats(struct mem_read_stats *s);

/* Up to @cap bytes from the start of the file at @path (one read: /proc
 * and /sys files), 0 when it cannot be read.  No allocation, no stdio. */
size_t read_file_head(const char *path, char *buf, size_t cap);

#endif
