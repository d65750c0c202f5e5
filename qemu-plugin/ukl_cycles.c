// SPDX-License-Identifier: GPL-2.0
/*
 * ukl_cycles: a QEMU TCG plugin that counts the guest's instructions by
 * class between markers the UKL benchmark executes, and turns the counts
 * into modelled cycles with a per-class cost table.
 *
 * Built by scripts/ukl-plugin against QEMU 7.2's plugin API (version 1)
 * and loaded by scripts/ukl-qemu --plugin for "make bench".
 *
 * Counting.  Every instruction is classified once, when QEMU translates
 * it, from its bytes (classify() below).  Its execution then adds 1 to
 * the counter of its class, and 1 to the load and store counters when it
 * reads or writes memory, through inline counters (no call into the
 * plugin).  The counters are global: with -icount, TCG runs every vCPU in
 * one thread, and a window counts every vCPU's instructions, just as the
 * icount clock does.  The plugin needs that single thread (no MTTCG).
 *
 * Markers.  Six 16-bit exchanges of a register with itself, which no
 * compiler emits and which cost one instruction on every kernel, in ring 3
 * and ring 0 alike, delimit what is counted:
 *
 *   66 87 db  xchg %bx,%bx   open a window in slot A
 *   66 87 ed  xchg %bp,%bp   open a window in slot B
 *   66 87 c9  xchg %cx,%cx   close the open window
 *   66 87 d2  xchg %dx,%dx   end of a slot A row: print it, clear slot A
 *   66 87 ff  xchg %di,%di   end of a slot B row: print it, clear slot B
 *   66 87 f6  xchg %si,%si   clear both slots (end of the warm-up)
 *
 * A window holds the instructions strictly between its markers; the
 * markers themselves are not counted.  Two slots let one loop time two
 * rows (a write and the read after it).  Only the marker instructions call
 * into the plugin.
 *
 * Output, one line per row end, in the order the rows end:
 *
 *   UKLCYC seq=N slot=A windows=W insns=M insns_p99=P cycles=C cycles_p99=Q
 *          <class>=<mean count per window> ...
 *
 * insns and cycles are medians (and nearest-rank 99th percentiles) over
 * the row's windows; cycles = sum over classes of count x cost.
 *
 * Arguments: costs=FILE (required; "class cycles" lines, '#' comments),
 * out=FILE (default: QEMU's log, qemu_plugin_outs), floor=CALL:RET (hex
 * addresses: count the instructions from CALL, a call of a system call's
 * function, to RET, where it returns, and print their median sum per
 * window as "floor=N floor_windows=W" for rows that made such calls),
 * trace=N (print
 * "UKLTRACE cpu=C ip=ADDR" for the first N instructions that windows count
 * after the first reset marker: where a row's instructions go; slow, as it
 * calls into the plugin for every instruction).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "qemu_plugin_api.h"

__attribute__((visibility("default")))
int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* Instruction classes.  Every instruction is in exactly one. */
enum insn_class {
	C_OTHER,
	C_SYSCALL,	/* SYSCALL, SYSENTER */
	C_SYSRET,	/* SYSRET, SYSEXIT */
	C_IRET,		/* IRET/IRETQ */
	C_INT,		/* INT n, INT3, INT1 */
	C_SWAPGS,
	C_WRMSR,
	C_RDMSR,
	C_MOV_CR3,	/* MOV to CR3 */
	C_MOV_CR,	/* MOV to CR0, CR2, CR4, CR8 */
	C_VERW,
	C_LFENCE,
	C_MFENCE,
	C_CPUID,
	C_SERIAL,	/* other serialising or privileged flushes */
	C_POPF,
	C_PAUSE,
	C_INDIRECT,	/* JMP/CALL through a register or memory */
	C_RET,
	C_HLT,
	NR_CLASSES
};

/* Memory access counters, beside the classes. */
enum { X_LOADS = NR_CLASSES, X_STORES, NR_COUNTERS };

static const char * const counter_names[NR_COUNTERS] = {
	[C_OTHER]	= "other",
	[C_SYSCALL]	= "syscall",
	[C_SYSRET]	= "sysret",
	[C_IRET]	= "iret",
	[C_INT]		= "int",
	[C_SWAPGS]	= "swapgs",
	[C_WRMSR]	= "wrmsr",
	[C_RDMSR]	= "rdmsr",
	[C_MOV_CR3]	= "mov_cr3",
	[C_MOV_CR]	= "mov_cr",
	[C_VERW]	= "verw",
	[C_LFENCE]	= "lfence",
	[C_MFENCE]	= "mfence",
	[C_CPUID]	= "cpuid",
	[C_SERIAL]	= "serialising",
	[C_POPF]	= "popf",
	[C_PAUSE]	= "pause",
	[C_INDIRECT]	= "indirect",
	[C_RET]		= "ret",
	[C_HLT]		= "hlt",
	[X_LOADS]	= "loads",
	[X_STORES]	= "stores",
};

enum marker {
	M_NONE,
	M_START_A,
	M_START_B,
	M_STOP,
	M_END_A,
	M_END_B,
	M_RESET,
};

struct insn_info {
	enum insn_class cls;
	int loads;
	int stores;
	enum marker marker;
};

/* One row being collected: per-window totals and per-class sums. */
struct slot {
	char name;
	__u64 *insns;
	double *cycles;
	size_t n, cap;
	__u64 *floors;		/* per window with a floor call */
	size_t nf, capf;
	__u64 sum[NR_COUNTERS];
};

static __u64 counts[NR_COUNTERS];
static __u64 snap[NR_COUNTERS];
static double cost[NR_COUNTERS];
static bool have_cost[NR_COUNTERS];
static struct slot slots[2] = { { .name = 'A' }, { .name = 'B' } };
static struct slot *open_slot;
static unsigned long seq;
static unsigned long stray_markers;
static FILE *out;
static unsigned long trace_left;	/* trace=N: addresses still to print */
static __u64 floor_call, floor_ret;	/* floor=CALL:RET */
static __u64 floor_snap;		/* instructions when the floor call ran */
static bool floor_open;
static __u64 window_floor;		/* floor instructions in the open window */
static bool trace_armed;		/* a reset was seen: trace windows */

/* ------------------------------------------------------------------------ */
/* x86-64 decoding, from the instruction bytes                              */
/* ------------------------------------------------------------------------ */

/* One-byte opcodes followed by a ModRM byte (VEX/EVEX handled apart). */
static bool has_modrm1(__u8 op)
{
	if (op < 0x40)
		return (op & 7) < 4;
	switch (op) {
	case 0x63: case 0x69: case 0x6b:
	case 0xc0: case 0xc1: case 0xc6: case 0xc7:
	case 0xd0 ... 0xd3: case 0xd8 ... 0xdf:
	case 0xf6: case 0xf7: case 0xfe: case 0xff:
		return true;
	}
	return op >= 0x80 && op <= 0x8f;
}

/* Two-byte (0f xx) opcodes without a ModRM byte. */
static bool no_modrm2(__u8 op)
{
	switch (op) {
	case 0x05 ... 0x09: case 0x0b: case 0x0e:
	case 0x30 ... 0x37: case 0x77:
	case 0x80 ... 0x8f:
	case 0xa0 ... 0xa2: case 0xa8 ... 0xaa:
	case 0xc8 ... 0xcf:
		return true;
	}
	return false;
}

/* Memory accesses of a one-byte opcode with a memory ModRM operand. */
static void mem1(__u8 op, int reg, struct insn_info *ii)
{
	if (op < 0x40) {
		if ((op & 0x38) == 0x38 || (op & 7) >= 2)
			ii->loads++;		/* CMP, or OP reg, mem */
		else
			ii->loads++, ii->stores++;	/* OP mem, reg */
		return;
	}
	switch (op) {
	case 0x80 ... 0x83:
		ii->loads++;
		if (reg != 7)			/* all but CMP write back */
			ii->stores++;
		return;
	case 0x86: case 0x87:			/* XCHG */
	case 0xc0: case 0xc1: case 0xd0 ... 0xd3:	/* shifts */
		ii->loads++, ii->stores++;
		return;
	case 0x88: case 0x89: case 0x8c: case 0xc6: case 0xc7:
		ii->stores++;
		return;
	case 0x8d:				/* LEA: no access */
		return;
	case 0x8f:				/* POP mem: + the stack load */
		ii->stores++;
		return;
	case 0xf6: case 0xf7:
		ii->loads++;
		if (reg == 2 || reg == 3)	/* NOT, NEG */
			ii->stores++;
		return;
	case 0xfe: case 0xff:
		ii->loads++;
		if (reg <= 1)			/* INC, DEC */
			ii->stores++;
		return;
	}
	ii->loads++;
}

/* Memory accesses of a two-byte (0f xx) opcode with a memory operand. */
static void mem2(__u8 op, int reg, bool opsize, bool rep, struct insn_info *ii)
{
	switch (op) {
	case 0x0d: case 0x18 ... 0x1f:		/* prefetch, hint NOPs */
		return;
	case 0x11: case 0x13: case 0x17: case 0x29: case 0x2b:
	case 0x7f: case 0xe7: case 0xc3: case 0x90 ... 0x9f:
		ii->stores++;
		return;
	case 0x7e:				/* MOVD/MOVQ to memory, but */
	case 0xd6:				/* F3 0F 7E is a load */
		if (rep && op == 0x7e)
			ii->loads++;
		else
			ii->stores++;
		return;
	case 0xab: case 0xb3: case 0xbb:	/* BTS, BTR, BTC */
	case 0xa4: case 0xa5: case 0xac: case 0xad:	/* SHLD, SHRD */
	case 0xb0: case 0xb1: case 0xc0: case 0xc1:	/* CMPXCHG, XADD */
		ii->loads++, ii->stores++;
		return;
	case 0xba:
		ii->loads++;
		if (reg >= 5)
			ii->stores++;
		return;
	case 0xc7:				/* CMPXCHG8B/16B, XSAVE* */
		if (reg == 1)
			ii->loads++;
		ii->stores++;
		return;
	case 0xae:
		if (reg == 0 || reg == 3 || reg == 4 || reg == 6)
			ii->stores++;		/* FXSAVE, STMXCSR, XSAVE(OPT) */
		else if (reg != 7)
			ii->loads++;		/* FXRSTOR, LDMXCSR, XRSTOR */
		return;				/* CLFLUSH: neither */
	case 0x00:
		if (reg <= 1)
			ii->stores++;		/* SLDT, STR */
		else
			ii->loads++;
		return;
	case 0x01:
		if (reg <= 1 || reg == 4)
			ii->stores++;		/* SGDT, SIDT, SMSW */
		else if (reg != 7)
			ii->loads++;		/* LGDT, LIDT, LMSW */
		return;				/* INVLPG: neither */
	}
	(void)opsize;
	ii->loads++;
}

/*
 * Classify one instruction.  Unknown or truncated encodings count as
 * "other", with their ModRM memory operand if one is found.
 */
static void classify(const __u8 *p, size_t len, struct insn_info *ii)
{
	bool opsize = false, rep = false;
	__u8 op, modrm;
	size_t i = 0;
	int reg, mod;

	memset(ii, 0, sizeof(*ii));
	ii->cls = C_OTHER;

	/* Markers: exactly 66 87 xx with one register on both sides. */
	if (len == 3 && p[0] == 0x66 && p[1] == 0x87) {
		switch (p[2]) {
		case 0xdb:
			ii->marker = M_START_A;
			return;
		case 0xed:
			ii->marker = M_START_B;
			return;
		case 0xc9:
			ii->marker = M_STOP;
			return;
		case 0xd2:
			ii->marker = M_END_A;
			return;
		case 0xff:
			ii->marker = M_END_B;
			return;
		case 0xf6:
			ii->marker = M_RESET;
			return;
		}
	}

	for (; i < len; i++) {
		switch (p[i]) {
		case 0x66:
			opsize = true;
			continue;
		case 0xf3:
			rep = true;
			continue;
		case 0xf2: case 0xf0: case 0x67:
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
			continue;
		}
		break;
	}
	if (i < len && (p[i] & 0xf0) == 0x40)	/* REX */
		i++;
	if (i >= len)
		return;
	op = p[i++];

	/* VEX and EVEX: SIMD, "other"; a memory operand is a load or store. */
	if (op == 0xc4 || op == 0xc5 || op == 0x62) {
		i += op == 0xc5 ? 1 : op == 0xc4 ? 2 : 3;
		if (i + 1 >= len)
			return;
		op = p[i++];
		if ((p[i] >> 6) != 3) {
			if (op == 0x11 || op == 0x13 || op == 0x17 || op == 0x29 ||
			    op == 0x2b || op == 0x7f || op == 0xe7 || op == 0xd6)
				ii->stores++;
			else
				ii->loads++;
		}
		return;
	}

	if (op != 0x0f) {
		/* Implicit stack and string accesses, and the classes. */
		switch (op) {
		case 0x50 ... 0x57: case 0x68: case 0x6a: case 0x9c: case 0xe8:
		case 0xc8:
			ii->stores++;
			break;
		case 0x58 ... 0x5f: case 0xc9: case 0xd7: case 0xac: case 0xad:
		case 0xae: case 0xaf: case 0xa0: case 0xa1: case 0x6e: case 0x6f:
			ii->loads++;
			break;
		case 0xa2: case 0xa3: case 0xaa: case 0xab: case 0x6c: case 0x6d:
			ii->stores++;
			break;
		case 0xa4: case 0xa5:
			ii->loads++, ii->stores++;
			break;
		case 0xa6: case 0xa7:
			ii->loads += 2;
			break;
		case 0x9d:
			ii->cls = C_POPF, ii->loads++;
			return;
		case 0xc2: case 0xc3: case 0xca: case 0xcb:
			ii->cls = C_RET, ii->loads++;
			return;
		case 0xcf:
			ii->cls = C_IRET, ii->loads++;
			return;
		case 0xcc: case 0xcd: case 0xce: case 0xf1:
			ii->cls = C_INT, ii->stores++;
			return;
		case 0xf4:
			ii->cls = C_HLT;
			return;
		case 0x90:
			if (rep)
				ii->cls = C_PAUSE;
			return;
		}
		if (!has_modrm1(op) || i >= len)
			return;
		modrm = p[i];
		mod = modrm >> 6;
		reg = (modrm >> 3) & 7;
		if (op == 0xff && reg >= 2 && reg <= 5) {
			ii->cls = C_INDIRECT;
			if (reg == 2 || reg == 3)	/* CALL pushes */
				ii->stores++;
		}
		if (op == 0x8f)				/* POP r/m */
			ii->loads++;
		if (op == 0xff && reg == 6)		/* PUSH r/m */
			ii->stores++;
		if (mod != 3) {
			if (op == 0xff && reg == 6)
				ii->loads++;
			else
				mem1(op, reg, ii);
		}
		return;
	}

	/* Two- and three-byte opcodes. */
	if (i >= len)
		return;
	op = p[i++];
	if (op == 0x38 || op == 0x3a) {
		if (i + 1 >= len)
			return;
		if (op == 0x38 && p[i] == 0x82 && opsize)	/* INVPCID */
			ii->cls = C_SERIAL;
		if ((p[i + 1] >> 6) != 3)
			ii->loads++;
		return;
	}
	switch (op) {
	case 0x05:
		ii->cls = C_SYSCALL;
		return;
	case 0x34:
		ii->cls = C_SYSCALL;
		return;
	case 0x07:
		ii->cls = C_SYSRET;
		return;
	case 0x35:
		ii->cls = C_SYSRET;
		return;
	case 0x30:
		ii->cls = C_WRMSR;
		return;
	case 0x32:
		ii->cls = C_RDMSR;
		return;
	case 0xa2:
		ii->cls = C_CPUID;
		return;
	case 0x06: case 0x08: case 0x09: case 0xaa:	/* CLTS, INVD, WBINVD, RSM */
		ii->cls = C_SERIAL;
		return;
	case 0xa0: case 0xa8:				/* PUSH FS/GS */
		ii->stores++;
		return;
	case 0xa1: case 0xa9:				/* POP FS/GS */
		ii->loads++;
		return;
	}
	if (no_modrm2(op) || i >= len)
		return;
	modrm = p[i];
	mod = modrm >> 6;
	reg = (modrm >> 3) & 7;
	switch (op) {
	case 0x22:
		ii->cls = reg == 3 ? C_MOV_CR3 : C_MOV_CR;
		return;
	case 0x23:					/* MOV to DR */
		ii->cls = C_SERIAL;
		return;
	case 0x00:
		if (reg == 5)
			ii->cls = C_VERW;
		else if (reg == 2 || reg == 3)		/* LLDT, LTR */
			ii->cls = C_SERIAL;
		break;
	case 0x01:
		if (mod == 3) {
			if (modrm == 0xf8)
				ii->cls = C_SWAPGS;
			else if (modrm == 0xe8 || modrm == 0xd1)	/* SERIALIZE, XSETBV */
				ii->cls = C_SERIAL;
			return;
		}
		if (reg == 2 || reg == 3 || reg == 7)	/* LGDT, LIDT, INVLPG */
			ii->cls = C_SERIAL;
		break;
	case 0xae:
		if (mod == 3) {
			if (reg == 5)
				ii->cls = C_LFENCE;
			else if (reg == 6)
				ii->cls = C_MFENCE;
			return;
		}
		break;
	}
	if (mod != 3)
		mem2(op, reg, opsize, rep, ii);
}

/* ------------------------------------------------------------------------ */
/* windows, rows and output                                                 */
/* ------------------------------------------------------------------------ */

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "ukl_cycles: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(1);
}

static void slot_push(struct slot *s, __u64 insns, double cycles)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->insns = realloc(s->insns, s->cap * sizeof(*s->insns));
		s->cycles = realloc(s->cycles, s->cap * sizeof(*s->cycles));
		if (!s->insns || !s->cycles)
			die("out of memory", NULL);
	}
	s->insns[s->n] = insns;
	s->cycles[s->n] = cycles;
	s->n++;
}

static void slot_push_floor(struct slot *s, __u64 insns)
{
	if (s->nf == s->capf) {
		s->capf = s->capf ? 2 * s->capf : 4096;
		s->floors = realloc(s->floors, s->capf * sizeof(*s->floors));
		if (!s->floors)
			die("out of memory", NULL);
	}
	s->floors[s->nf++] = insns;
}

static void slot_clear(struct slot *s)
{
	s->n = 0;
	s->nf = 0;
	memset(s->sum, 0, sizeof(s->sum));
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void emit(const char *line)
{
	if (out) {
		fputs(line, out);
		fflush(out);
	} else {
		qemu_plugin_outs(line);
	}
}

/* Print the row collected in @s: lower median, nearest-rank p99, means. */
static void slot_report(struct slot *s)
{
	char line[2048];
	size_t n = s->n, med = n ? (n - 1) / 2 : 0;
	size_t p99 = n ? (99 * n + 99) / 100 - 1 : 0;
	int len, c;

	seq++;
	if (n) {
		qsort(s->insns, n, sizeof(*s->insns), cmp_u64);
		qsort(s->cycles, n, sizeof(*s->cycles), cmp_double);
	}
	len = snprintf(line, sizeof(line),
		       "UKLCYC seq=%lu slot=%c windows=%zu insns=%llu insns_p99=%llu cycles=%.1f cycles_p99=%.1f",
		       seq, s->name, n,
		       n ? (unsigned long long)s->insns[med] : 0ULL,
		       n ? (unsigned long long)s->insns[p99] : 0ULL,
		       n ? s->cycles[med] : 0.0, n ? s->cycles[p99] : 0.0);
	if (s->nf) {
		qsort(s->floors, s->nf, sizeof(*s->floors), cmp_u64);
		len += snprintf(line + len, sizeof(line) - len, " floor=%llu floor_windows=%zu",
				(unsigned long long)s->floors[(s->nf - 1) / 2], s->nf);
	}
	for (c = 0; c < NR_COUNTERS && len < (int)sizeof(line) - 40; c++)
		len += snprintf(line + len, sizeof(line) - len, " %s=%.3f",
				counter_names[c], n ? (double)s->sum[c] / n : 0.0);
	snprintf(line + len, sizeof(line) - len, "\n");
	emit(line);
	slot_clear(s);
}

static void close_window(void)
{
	__u64 d, insns = 0;
	double cycles = 0;
	int c;

	for (c = 0; c < NR_COUNTERS; c++) {
		d = counts[c] - snap[c];
		open_slot->sum[c] += d;
		cycles += d * cost[c];
		if (c < NR_CLASSES)
			insns += d;
	}
	slot_push(open_slot, insns, cycles);
	/* A floor call counts at least its call instruction. */
	if (window_floor)
		slot_push_floor(open_slot, window_floor);
	open_slot = NULL;
}

static __u64 total_insns(void)
{
	__u64 t = 0;
	int c;

	for (c = 0; c < NR_CLASSES; c++)
		t += counts[c];
	return t;
}

/*
 * floor=CALL:RET: the instructions from the one at CALL (a call of a system
 * call's function) up to the first one after it, up to RET (where it
 * returns to), that is the function and one call, summed over a window: the
 * row's floor. Any address after CALL ends it, because the kernel may
 * rewrite the call into a shorter one and padding (retpolines off).
 */
static void on_floor(unsigned int vcpu_index, void *userdata)
{
	__u64 addr = (unsigned long)userdata;

	(void)vcpu_index;
	if (addr == floor_call) {
		if (open_slot && !floor_open) {
			floor_open = true;
			floor_snap = total_insns();
		}
	} else if (floor_open) {
		floor_open = false;
		if (open_slot)
			window_floor += total_insns() - floor_snap;
	}
}

static void on_marker(unsigned int vcpu_index, void *userdata)
{
	enum marker m = (enum marker)(unsigned long)userdata;

	(void)vcpu_index;
	switch (m) {
	case M_START_A:
	case M_START_B:
		if (open_slot)
			stray_markers++;
		open_slot = &slots[m == M_START_B];
		memcpy(snap, counts, sizeof(snap));
		window_floor = 0;
		floor_open = false;
		break;
	case M_STOP:
		if (open_slot)
			close_window();
		else
			stray_markers++;
		break;
	case M_END_A:
	case M_END_B:
		if (open_slot)
			stray_markers++, open_slot = NULL;
		slot_report(&slots[m == M_END_B]);
		break;
	case M_RESET:
		trace_armed = true;
		open_slot = NULL;
		slot_clear(&slots[0]);
		slot_clear(&slots[1]);
		break;
	default:
		break;
	}
}

/* Add @n to counter @c each time @insn executes. */
static void count_inline(struct qemu_plugin_insn *insn, int c, int n)
{
	qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
						   &counts[c], n);
}

/* trace=N: print the address of each instruction a window counts. */
static void on_trace(unsigned int vcpu_index, void *userdata)
{
	char line[64];

	if (!open_slot || !trace_armed || !trace_left)
		return;
	trace_left--;
	snprintf(line, sizeof(line), "UKLTRACE cpu=%u ip=%llx\n", vcpu_index,
		 (unsigned long long)(unsigned long)userdata);
	emit(line);
}

/* Call @cb with @vaddr each time @insn executes. */
static void call_on_exec(struct qemu_plugin_insn *insn,
			 void (*cb)(unsigned int vcpu_index, void *userdata), __u64 vaddr)
{
	qemu_plugin_register_vcpu_insn_exec_cb(insn, cb, QEMU_PLUGIN_CB_NO_REGS,
					       (void *)(unsigned long)vaddr);
}

static void on_tb_trans(__u64 id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	struct qemu_plugin_insn *insn;
	struct insn_info ii;
	__u64 vaddr;

	(void)id;
	for (i = 0; i < n; i++) {
		insn = qemu_plugin_tb_get_insn(tb, i);
		classify(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn), &ii);
		if (ii.marker != M_NONE) {
			void *kind = (void *)(unsigned long)ii.marker;

			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker,
							       QEMU_PLUGIN_CB_NO_REGS, kind);
			continue;
		}
		count_inline(insn, ii.cls, 1);
		vaddr = qemu_plugin_insn_vaddr(insn);
		if (trace_left)
			call_on_exec(insn, on_trace, vaddr);
		if (floor_call && vaddr >= floor_call && vaddr <= floor_ret)
			call_on_exec(insn, on_floor, vaddr);
		if (ii.loads)
			count_inline(insn, X_LOADS, ii.loads);
		if (ii.stores)
			count_inline(insn, X_STORES, ii.stores);
	}
}

static void on_qemu_exit(__u64 id, void *userdata)
{
	char line[160];

	(void)id;
	(void)userdata;
	snprintf(line, sizeof(line), "UKLCYC-END rows=%lu stray_markers=%lu\n",
		 seq, stray_markers);
	emit(line);
	if (out)
		fclose(out);
}

/* Read "class cycles" lines; every class must be given exactly once. */
static void read_costs(const char *path)
{
	char buf[512], name[64];
	FILE *f = fopen(path, "r");
	unsigned int lineno = 0;
	double v;
	int c;

	if (!f)
		die(strerror(errno), path);
	while (fgets(buf, sizeof(buf), f)) {
		lineno++;
		if (sscanf(buf, " %63s", name) != 1 || name[0] == '#')
			continue;
		if (sscanf(buf, " %63s %lf", name, &v) != 2 || v < 0)
			die("bad cost line", buf);
		for (c = 0; c < NR_COUNTERS; c++)
			if (!strcmp(name, counter_names[c]))
				break;
		if (c == NR_COUNTERS)
			die("unknown class in cost table", name);
		if (have_cost[c])
			die("class given twice in cost table", name);
		cost[c] = v;
		have_cost[c] = true;
	}
	fclose(f);
	for (c = 0; c < NR_COUNTERS; c++)
		if (!have_cost[c])
			die("class missing from cost table", counter_names[c]);
}

__attribute__((visibility("default")))
int qemu_plugin_install(__u64 id, const void *info, int argc, char **argv)
{
	const char *costs = NULL;
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "costs=", 6)) {
			costs = argv[i] + 6;
		} else if (!strncmp(argv[i], "floor=", 6)) {
			if (sscanf(argv[i] + 6, "%llx:%llx", (unsigned long long *)&floor_call,
				   (unsigned long long *)&floor_ret) != 2 || !floor_call)
				die("floor=CALL:RET wants two hex addresses", argv[i] + 6);
		} else if (!strncmp(argv[i], "trace=", 6)) {
			trace_left = strtoul(argv[i] + 6, NULL, 0);
		} else if (!strncmp(argv[i], "out=", 4)) {
			out = fopen(argv[i] + 4, "w");
			if (!out)
				die(strerror(errno), argv[i] + 4);
		} else {
			fprintf(stderr, "ukl_cycles: unknown argument '%s'\n", argv[i]);
			return -1;
		}
	}
	if (!costs) {
		fprintf(stderr, "ukl_cycles: costs=FILE is required\n");
		return -1;
	}
	read_costs(costs);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
	qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
	return 0;
}
