/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unikernel Linux (UKL): the application slot.
 *
 * The linked-in application runs at CPL0 from one page-table entry of its
 * own: PGD 509 with 4-level paging, P4D 509 of PGD 511 with 5-level (the
 * mm has its own copy of that P4D table, arch/x86/ukl/mm.c). Only
 * application code (and the syscall trampoline linked with it) ever
 * executes there, and only an mm that exec'd the application has anything
 * mapped there, so "this register state is the application's" is decided
 * by its RIP alone. See Documentation/ukl/ukl.rst.
 */
#ifndef _ASM_X86_UKL_H
#define _ASM_X86_UKL_H

#include <linux/const.h>
#include <asm/segment.h>

#define UKL_SLOT_BASE		_AC(0xfffffe8000000000, UL)
#define UKL_SLOT_SHIFT		39
#define UKL_SLOT_SIZE		(_AC(1, UL) << UKL_SLOT_SHIFT)
#define UKL_SLOT_PGD		509

/* Upper 32 bits of the first and the last address of the slot. */
#define UKL_SLOT_HIGH_FIRST	0xfffffe80
#define UKL_SLOT_HIGH_LAST	0xfffffeff

/* The slot's index in units of its size: addr >> UKL_SLOT_SHIFT. */
#define UKL_SLOT_INDEX		0x1fffffd

/*
 * Upper 32 bits of the last address of the 47-bit user half, where the
 * kernel places every mapping unless asked for a higher one (with 5-level
 * paging): an application stack lies below 1 << 47 or in the slot. A
 * stack above is not taken for one: the first return to the application
 * on it is made at CPL3, hence SIGSEGV.
 */
#define UKL_USER_HIGH_LAST	0x00007fff

/*
 * CONFIG_UKL_USE_RET: byte offsets in the per-CPU struct ukl_ret_frame
 * (arch/x86/ukl/ret.c) of what the return stub in the slot loads: the
 * RFLAGS to restore (IF clear), %rcx, %rsp and %rip. Below ->flags, room
 * for what a retpoline thunk pushes on the way to the stub.
 */
#define UKL_RET_FLAGS		16
#define UKL_RET_CX		24
#define UKL_RET_SP		32
#define UKL_RET_IP		40

#ifndef __ASSEMBLY__

/* True if @addr lies in the application slot (never with CONFIG_UKL=n). */
static __always_inline bool ukl_slot_addr(unsigned long addr)
{
	return IS_ENABLED(CONFIG_UKL) && addr - UKL_SLOT_BASE < UKL_SLOT_SIZE;
}

/*
 * True if @sp can be the stack pointer of application code: the canonical
 * user half, or the slot (a stack in .bss). Kernel code never runs on
 * such a stack, so a CPL0 context with one is application context, even
 * when a control-flow bug took its RIP out of the slot.
 */
static __always_inline bool ukl_app_stack(unsigned long sp)
{
	return IS_ENABLED(CONFIG_UKL) &&
	       ((sp >> 32) <= UKL_USER_HIGH_LAST || ukl_slot_addr(sp));
}

/*
 * True if a CPL0 register state (@cs, @ip, @sp) is the application's: the
 * honest __KERNEL_CS (never a zeroed pt_regs) and either RIP in the slot
 * or an application stack. This is what the entry code tests on every
 * CPL0 frame (calling-ukl.h), so C code must decide the same way.
 */
static __always_inline bool ukl_app_context(unsigned long cs,
					    unsigned long ip,
					    unsigned long sp)
{
	return IS_ENABLED(CONFIG_UKL) && cs == __KERNEL_CS &&
	       (ukl_slot_addr(ip) || ukl_app_stack(sp));
}

/*
 * True if [@addr, @addr + @size) lies in the application slot. Used by the
 * uaccess range checks: the slot is only ever mapped in an mm that runs
 * the application, with the application's own pages, so for any other mm
 * an access there faults and the uaccess fixup returns -EFAULT.
 */
static __always_inline bool ukl_slot_range(unsigned long addr,
					   unsigned long size)
{
	return ukl_slot_addr(addr) && size <= UKL_SLOT_SIZE &&
	       addr - UKL_SLOT_BASE + size <= UKL_SLOT_SIZE;
}

/*
 * mask_user_address() for the application slot: @masked is @ptr clamped
 * to the user range; give @ptr back instead if it lies in the slot.
 * Branch-free, as the masking it extends. Like that masking, it does not
 * look at the access size: it relies on the accesses being dense, so that
 * one that starts in the slot faults on unmapped slot pages before it can
 * leave the slot. The image ends at least 256 GiB below the slot's end
 * (a link-time assertion in arch/x86/ukl/mkslot.sh) and nothing else is
 * mapped there, as the non-canonical hole does it above USER_PTR_MAX.
 */
static __always_inline unsigned long ukl_unmask_slot(unsigned long ptr,
						     unsigned long masked)
{
	unsigned long tmp;

	if (!IS_ENABLED(CONFIG_UKL))
		return masked;
	asm("mov %[ptr], %[tmp]\n\t"
	    "shr %[shift], %[tmp]\n\t"
	    "cmp %[index], %[tmp]\n\t"
	    "cmove %[ptr], %[ret]"
	    : [ret] "+r" (masked), [tmp] "=&r" (tmp)
	    : [ptr] "r" (ptr), [shift] "i" (UKL_SLOT_SHIFT),
	      [index] "i" (UKL_SLOT_INDEX)
	    : "cc");
	return masked;
}

struct pt_regs;

/* Bypass and shortcuts: the C part of ukl_entry_from_app (ukl/syscall.c). */
bool ukl_do_syscall_64(struct pt_regs *regs, int nr);

#endif /* !__ASSEMBLY__ */
#endif /* _ASM_X86_UKL_H */
