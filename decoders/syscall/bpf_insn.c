// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * BPF instructions, decoded for --insns: one object per instruction with
 * the opcode's class, operation and source, the registers, the offset and
 * the immediate; an ld_imm64 takes two slots and says what its pseudo
 * source loads (a map by fd or by fd_array index, a map value, a BTF id,
 * a function).  Facts from the kernel's instruction set document.
 */
#include "syscall/bpf_decode.h"

#include <string.h>

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
/* The same sizes as the verifier's text names them (code >> 3 & 3). */
static const char *const ldst_names[4] = { "u32", "u16", "u8", "u64" };

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

/* ---- the verifier's text ------------------------------------------------ */

struct tbuf {
	char b[160];
	size_t n;
};

static void tput(struct tbuf *t, const char *s)
{
	size_t k = strlen(s), room = sizeof(t->b) - 1 - t->n;

	if (t->n >= sizeof(t->b) - 1)
		return;
	if (k > room)
		k = room;
	memcpy(t->b + t->n, s, k);
	t->n += k;
	t->b[t->n] = 0;
}

static void tnum(struct tbuf *t, int64_t v, bool plus)
{
	char d[24];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	if (v < 0)
		tput(t, "-");
	else if (plus)
		tput(t, "+");
	d[fmt_u64(d, u)] = 0;
	tput(t, d);
}

static void thex(struct tbuf *t, uint64_t v)
{
	char d[24];

	d[fmt_hex(d, v)] = 0;
	tput(t, d);
}

static void treg(struct tbuf *t, bool w32, unsigned r)
{
	tput(t, w32 ? "w" : "r");
	tnum(t, r, false);
}

/* *(u32 *)(r10 -8) */
static void tmem(struct tbuf *t, const char *pfx, uint8_t code, unsigned reg, int16_t off)
{
	const char *sz = ldst_names[(code >> 3) & 3];

	tput(t, pfx);
	tput(t, (code & 0xe0) == 0x80 ? "s" : "");
	tput(t, (code & 0xe0) == 0x80 ? sz + 1 : sz);
	tput(t, " *)(r");
	tnum(t, reg, false);
	tput(t, " ");
	tnum(t, off, true);
	tput(t, ")");
}

static const char *const alu_str[16] = {
	"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
	"neg", "%=", "^=", "=", "s>>=", "endian", NULL, NULL,
};
static const char *const jmp_str[16] = {
	"goto", "==", ">", ">=", "&", "!=", "s>", "s>=",
	"call", "exit", "<", "<=", "s<", "s<=", "may_goto", NULL,
};

static void text_alu(struct tbuf *t, uint8_t code, unsigned dst, unsigned src,
		     int16_t off, int32_t imm)
{
	bool w32 = (code & 7) == 4, x = code & 8;
	unsigned op = code >> 4;

	if (op == 8) {                          /* NEG */
		treg(t, w32, dst);
		tput(t, " = -");
		treg(t, w32, dst);
		return;
	}
	if (op == 13) {                         /* END: be16, le32, bswap64 */
		treg(t, false, dst);            /* the kernel says r either way */
		tput(t, w32 ? (x ? " = be" : " = le") : " = bswap");
		tnum(t, imm, false);
		tput(t, " ");
		treg(t, false, dst);
		return;
	}
	treg(t, w32, dst);
	tput(t, " ");
	if ((op == 3 || op == 9) && off == 1)
		tput(t, "s");                   /* sdiv, smod */
	tput(t, alu_str[op] ? alu_str[op] : "?=");
	tput(t, " ");
	if (op == 11 && x && off) {             /* movsx: (s8)r2 */
		tput(t, "(s");
		tnum(t, off, false);
		tput(t, ")");
	}
	if (x)
		treg(t, w32, src);
	else
		tnum(t, imm, false);
}

static void text_jmp(struct tbuf *t, uint8_t code, unsigned dst, unsigned src,
		     int16_t off, int32_t imm)
{
	bool w32 = (code & 7) == 6, x = code & 8;
	unsigned op = code >> 4;
	const char *helper;

	switch (op) {
	case 0:                                 /* JA; gotol on JMP32 */
		tput(t, w32 ? "gotol pc" : "goto pc");
		tnum(t, w32 ? imm : off, true);
		return;
	case 8:                                 /* CALL */
		if (src == 1) {
			tput(t, "call pc");
			tnum(t, imm, true);
		} else if (src == 2) {
			tput(t, "call kernel-function#");
			tnum(t, imm, false);
		} else {
			helper = xlat_name(&xlat_bpf_func_id, (uint32_t)imm);
			tput(t, "call ");
			tput(t, helper ? helper : "unknown");
			tput(t, "#");
			tnum(t, imm, false);
		}
		return;
	case 9:
		tput(t, "exit");
		return;
	case 14:                                /* JCOND */
		tput(t, "may_goto pc");
		tnum(t, off, true);
		return;
	}
	tput(t, "if ");
	treg(t, w32, dst);
	tput(t, " ");
	tput(t, jmp_str[op] ? jmp_str[op] : "?");
	tput(t, " ");
	if (x)
		treg(t, w32, src);
	else
		thex(t, (uint32_t)imm);
	tput(t, " goto pc");
	tnum(t, off, true);
}

static void text_atomic(struct tbuf *t, uint8_t code, unsigned dst, unsigned src,
			int16_t off, int32_t imm)
{
	bool dw = ((code >> 3) & 3) == 3;
	unsigned op = (uint32_t)imm & ~1u;     /* BPF_FETCH is bit 0 */
	static const char *const names[16] = {
		[0] = "add", [4] = "or", [5] = "and", [10] = "xor",
	};

	if (imm == 0xe1 || imm == 0xf1) {       /* XCHG, CMPXCHG */
		treg(t, false, imm == 0xf1 ? 0 : src);
		tput(t, dw ? " = atomic64_" : " = atomic_");
		tput(t, imm == 0xf1 ? "cmpxchg(" : "xchg(");
		tmem(t, "(", code & ~0xe0, dst, off);
		tput(t, imm == 0xf1 ? ", r0, " : ", ");
		treg(t, false, src);
		tput(t, ")");
		return;
	}
	if (op < 256 && (op & 0x0f) == 0 && names[op >> 4]) {
		if (imm & 1) {                  /* FETCH: r2 = atomic64_fetch_add(...) */
			treg(t, false, src);
			tput(t, dw ? " = atomic64_fetch_" : " = atomic_fetch_");
			tput(t, names[op >> 4]);
			tmem(t, "((", code & ~0xe0, dst, off);
			tput(t, ", ");
			treg(t, false, src);
			tput(t, ")");
		} else {
			tmem(t, "lock *(", code & ~0xe0, dst, off);
			tput(t, " ");
			tput(t, alu_str[op >> 4]);
			tput(t, " ");
			treg(t, false, src);
		}
		return;
	}
	tput(t, "atomic ");
	thex(t, (uint32_t)imm);
}

/* ld_imm64's right-hand side: a number, or what the pseudo source loads. */
static void text_imm64(struct tbuf *t, uint8_t src, int32_t imm, uint64_t v, uint32_t hi,
		       const struct decode_opts *o)
{
	struct bpf_fd_note n;

	if (src == 1 || src == 2) {             /* MAP_FD, MAP_VALUE */
		bool known = o->fd_note && o->fd_note(imm, &n) && n.kind == OBJ_MAP;

		tput(t, "map[");
		if (known && n.id) {
			tput(t, "id:");
			tnum(t, n.id, false);
		} else {
			tput(t, "fd:");
			tnum(t, imm, false);
		}
		if (known && n.name[0]) {
			char name[sizeof(n.name) + 1];

			memcpy(name, n.name, sizeof(n.name));
			name[sizeof(n.name)] = 0;
			tput(t, " ");
			tput(t, name);
		}
		tput(t, "]");
		if (src == 2) {
			tput(t, "[0]+");
			tnum(t, hi, false);
		}
		return;
	}
	if (src == 3) {
		tput(t, "btf_id:");
		tnum(t, imm, false);
	} else if (src == 4) {
		tput(t, "func pc");
		tnum(t, imm, true);
	} else if (src == 5 || src == 6) {
		tput(t, "map_idx[");
		tnum(t, imm, false);
		tput(t, src == 6 ? "][0]+" : "]");
		if (src == 6)
			tnum(t, hi, false);
	} else {
		thex(t, v);
	}
}

static void render_text(struct jsonw *w, const uint8_t *p, const uint8_t *next,
			const struct decode_opts *o)
{
	uint8_t code = p[0], dst = p[1] & 0xf, src = p[1] >> 4, cls = code & 7;
	int16_t off = (int16_t)(p[2] | p[3] << 8);
	int32_t imm = (int32_t)((uint32_t)p[4] | (uint32_t)p[5] << 8 |
				(uint32_t)p[6] << 16 | (uint32_t)p[7] << 24);
	struct tbuf t = { .n = 0 };
	char c[8] = "(xx) ";
	static const char hx[] = "0123456789abcdef";

	c[1] = hx[code >> 4];
	c[2] = hx[code & 15];
	tput(&t, c);
	if (cls == 4 || cls == 7) {
		text_alu(&t, code, dst, src, off, imm);
	} else if (cls == 5 || cls == 6) {
		text_jmp(&t, code, dst, src, off, imm);
	} else if (cls == 3 && (code & 0xe0) == 0xc0) {
		text_atomic(&t, code, dst, src, off, imm);
	} else if (cls == 3 || cls == 2) {      /* STX, ST */
		tmem(&t, "*(", code, dst, off);
		tput(&t, " = ");
		if (cls == 3)
			treg(&t, false, src);
		else
			tnum(&t, imm, false);
	} else if (cls == 1) {                  /* LDX */
		treg(&t, false, dst);
		tmem(&t, " = *(", code, src, off);
	} else if (code == 0x18 && next) {
		uint32_t hi = (uint32_t)next[4] | (uint32_t)next[5] << 8 |
			      (uint32_t)next[6] << 16 | (uint32_t)next[7] << 24;

		treg(&t, false, dst);
		tput(&t, " = ");
		text_imm64(&t, src, imm, (uint64_t)hi << 32 | (uint32_t)imm, hi, o);
	} else if (cls == 0 && ((code & 0xe0) == 0x20 || (code & 0xe0) == 0x40)) {
		tput(&t, "r0 = *(");             /* legacy packet loads */
		tput(&t, ldst_names[(code >> 3) & 3]);
		tput(&t, " *)skb[");
		if ((code & 0xe0) == 0x40) {
			treg(&t, false, src);
			tput(&t, " + ");
		}
		tnum(&t, imm, false);
		tput(&t, "]");
	} else {
		tput(&t, "unknown");
	}
	jw_strn(w, "text", t.b, t.n);
}

static void render_one(struct jsonw *w, const uint8_t *p, const uint8_t *next,
		       unsigned *consumed, const struct decode_opts *o)
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
	render_text(w, p, next, o);
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

			render_one(w, buf + j * INSN_SIZE, next, &used, o);
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
	jw_arr_open(w, key);
	for (i = 0; i < got / sizeof(fds[0]); i++)
		jw_s64(w, NULL, fds[i]);
	jw_arr_close(w);
	if (got < n * sizeof(fds[0]))
		render_array_fault(w, key, addr + got, (uint32_t)(got / sizeof(fds[0])));
}

uint64_t bpf_insns_read_len(uint32_t cnt)
{
	uint32_t shown = cnt < INSNS_MAX ? cnt : INSNS_MAX;

	/* and the slot after the last shown: an ld_imm64's second half */
	return (uint64_t)(shown < cnt ? shown + 1 : shown) * INSN_SIZE;
}

void bpf_insns_map_fds(uint64_t addr, uint32_t cnt, void (*fn)(void *ctx, int32_t fd),
		       void *ctx)
{
	uint8_t buf[INSN_SIZE * 64];
	uint64_t len = bpf_insns_read_len(cnt), done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf), got, i;

		got = mem_read(buf, addr + done, n, NULL);
		for (i = 0; i + INSN_SIZE <= got; i += INSN_SIZE) {
			uint8_t src = buf[i + 1] >> 4;

			if (buf[i] == 0x18 && (src == 1 || src == 2))
				fn(ctx, (int32_t)((uint32_t)buf[i + 4] | (uint32_t)buf[i + 5] << 8 |
						  (uint32_t)buf[i + 6] << 16 |
						  (uint32_t)buf[i + 7] << 24));
		}
		done += got;
		if (got < n)
			break;
	}
}
