// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * BPF instructions, decoded for --insns: one object per instruction with
 * the opcode's class, operation and source, the registers, the offset and
 * the immediate; an ld_imm64 takes two slots and says what its pseudo
 * source loads (a map by fd or by fd_array index, a map value, a BTF id,
 * a function).  Facts from the kernel's instruction set document.
 */
#include "syscall/bpf_decode.h"

#include "base/memread.h"

#define INSN_SIZE  8
#define INSNS_MAX  4096   /* past this many, the rest are only counted */

static const char *const class_names[8] = {
	"LD", "LDX", "ST", "STX", "ALU", "JMP", "JMP32", "ALU64",
};

/* ALU/ALU64 operations: code >> 4. */
static const char *const alu_ops[16] = {
	"ADD", "SUB", "MUL", "DIV", "OR", "AND", "LSH", "RSH",
	"NEG", "MOD", "XOR", "MOV", "ARSH", "END", NULL, NULL,
};

/* JMP/JMP32 operations: code >> 4. */
static const char *const jmp_ops[16] = {
	"JA", "JEQ", "JGT", "JGE", "JSET", "JNE", "JSGT", "JSGE",
	"CALL", "EXIT", "JLT", "JLE", "JSLT", "JSLE", "JCOND", NULL,
};

/* Load/store modes: code & 0xe0. */
static const char *mode_name(uint8_t code)
{
	switch (code & 0xe0) {
	case 0x00: return "IMM";
	case 0x20: return "ABS";
	case 0x40: return "IND";
	case 0x60: return "MEM";
	case 0x80: return "MEMSX";
	case 0xc0: return "ATOMIC";
	}
	return NULL;
}

static const char *const size_names[4] = { "W", "H", "B", "DW" };

/* ld_imm64 src_reg: what the 64-bit immediate means. */
static const char *pseudo_name(uint8_t src)
{
	switch (src) {
	case 1: return "BPF_PSEUDO_MAP_FD";
	case 2: return "BPF_PSEUDO_MAP_VALUE";
	case 3: return "BPF_PSEUDO_BTF_ID";
	case 4: return "BPF_PSEUDO_FUNC";
	case 5: return "BPF_PSEUDO_MAP_IDX";
	case 6: return "BPF_PSEUDO_MAP_IDX_VALUE";
	}
	return NULL;
}

static void render_op(struct jsonw *w, uint8_t code)
{
	uint8_t cls = code & 7;
	const char *op = NULL;

	if (cls == 4 || cls == 7)
		op = alu_ops[code >> 4];
	else if (cls == 5 || cls == 6)
		op = jmp_ops[code >> 4];
	if (op) {
		jw_str(w, "op", op);
		/* CALL's source says what it calls: helper, local func, kfunc */
		jw_str(w, "src", (code & 8) ? "X" : "K");
		return;
	}
	if (cls <= 3) {
		const char *m = mode_name(code);

		if (m)
			jw_str(w, "mode", m);
		jw_str(w, "size", size_names[(code >> 3) & 3]);
	}
}

static void render_one(struct jsonw *w, const uint8_t *p, const uint8_t *next,
		       unsigned *consumed)
{
	uint8_t code = p[0], dst = p[1] & 0xf, src = p[1] >> 4;
	int16_t off = (int16_t)(p[2] | p[3] << 8);
	int32_t imm = (int32_t)((uint32_t)p[4] | (uint32_t)p[5] << 8 |
				(uint32_t)p[6] << 16 | (uint32_t)p[7] << 24);

	*consumed = 1;
	jw_obj_open(w, NULL);
	jw_hex(w, "code", code);
	jw_str(w, "class", class_names[code & 7]);
	render_op(w, code);
	jw_u64(w, "dst", dst);
	jw_u64(w, "src_reg", src);
	jw_s64(w, "off", off);
	if (code == 0x18 && next) {          /* ld_imm64: two slots */
		uint64_t hi = (uint32_t)next[4] | (uint32_t)next[5] << 8 |
			      (uint32_t)next[6] << 16 | (uint64_t)next[7] << 24;
		const char *ps = pseudo_name(src);

		jw_hex(w, "imm64", (hi << 32) | (uint32_t)imm);
		if (ps) {
			jw_str(w, "pseudo", ps);
			/* MAP_FD/MAP_VALUE: the map's fd; *_IDX: fd_array index */
			jw_s64(w, src == 5 || src == 6 ? "map_idx" : src <= 2 ? "map_fd" : "id", imm);
			if (src == 2 || src == 6)
				jw_u64(w, "value_off", (uint32_t)hi);
		}
		*consumed = 2;
	} else {
		jw_s64(w, "imm", imm);
	}
	jw_obj_close(w);
}

void render_insns(struct jsonw *w, const char *key, uint64_t addr, uint32_t cnt,
		  const struct decode_opts *o)
{
	uint8_t buf[INSN_SIZE * 64 + INSN_SIZE];
	uint32_t i = 0, shown = cnt < INSNS_MAX ? cnt : INSNS_MAX;

	if (!addr || !cnt || o->offline)
		return;
	jw_arr_open(w, key);
	while (i < shown) {
		uint32_t batch = shown - i < 64 ? shown - i : 64, j = 0;
		/* one extra slot so an ld_imm64 at the end of a batch sees its
		 * second half */
		uint32_t want = (batch + (i + batch < cnt ? 1 : 0)) * INSN_SIZE;
		size_t got = mem_read(buf, addr + (uint64_t)i * INSN_SIZE, want, NULL);

		if (got < (size_t)batch * INSN_SIZE) {
			jw_obj_open(w, NULL);
			jw_hex(w, "unreadable", addr + (uint64_t)i * INSN_SIZE + got);
			jw_obj_close(w);
			break;
		}
		while (j < batch) {
			unsigned used;
			const uint8_t *next = (j + 1) * INSN_SIZE + INSN_SIZE <= got ?
					      buf + (j + 1) * INSN_SIZE : NULL;

			render_one(w, buf + j * INSN_SIZE, next, &used);
			j += used;
		}
		i += j;
	}
	jw_arr_close(w);
	if (shown < cnt)
		jw_u64(w, "insns_not_shown", cnt - shown);
}

void render_fd_array(struct jsonw *w, const char *key, uint64_t addr, uint32_t cnt,
		     const struct decode_opts *o)
{
	int32_t fds[64];
	uint32_t n = cnt < 64 ? cnt : 64, i;
	size_t got;

	if (!addr || !cnt || o->offline)
		return;
	got = mem_read(fds, addr, n * sizeof(fds[0]), NULL);
	if (got < n * sizeof(fds[0])) {
		jw_obj_open(w, key);
		jw_hex(w, "unreadable", addr + got);
		jw_str(w, "error", "EFAULT");
		jw_obj_close(w);
		return;
	}
	jw_arr_open(w, key);
	for (i = 0; i < n; i++)
		jw_s64(w, NULL, fds[i]);
	jw_arr_close(w);
}
