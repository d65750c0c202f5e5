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
#include <asm/asm.h>
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

#include <asm/rwonce.h>

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
 * ukl_app_context() of the register state in @regs, for user_mode() and
 * its kind, which test the user-mode selector first. CS is read again
 * (READ_ONCE()), so that the compiler keeps that first test a single test
 * of memory instead of loading CS once for both: user frames pay nothing
 * for the application test, kernel frames one load.
 */
#define ukl_app_frame(regs) ({						\
	const struct pt_regs *__ukl_regs = (regs);			\
									\
	ukl_app_context(READ_ONCE(__ukl_regs->cs), __ukl_regs->ip,	\
			__ukl_regs->sp);				\
})

/*
 * False until an application has started: the static key ukl_started
 * (include/linux/ukl.h), tested here without that header, for the uaccess
 * checks that include this one. Until then no mm has anything in the
 * slot, so an access there faults whether or not the check lets it
 * through; ordinary processes pay one JMP for the slot test instead of
 * the test (the key patches the JMP to a NOP when enabled). Without
 * CONFIG_JUMP_LABEL the slot tests always run.
 */
static __always_inline bool ukl_slot_live(void)
{
	if (!IS_ENABLED(CONFIG_UKL))
		return false;
	if (!IS_ENABLED(CONFIG_JUMP_LABEL))
		return true;
	asm goto("1: jmp %l[no]\n\t"
		 ".pushsection __jump_table, \"aw\"\n\t"
		 _ASM_ALIGN "\n\t"
		 ".long 1b - .\n\t"
		 ".long %l[no] - .\n\t"
		 _ASM_PTR "ukl_started + 1 - .\n\t"
		 ".popsection"
		 : : : : no);
	return true;
no:
	return false;
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
	return ukl_slot_live() && ukl_slot_addr(addr) &&
	       size <= UKL_SLOT_SIZE &&
	       addr - UKL_SLOT_BASE + size <= UKL_SLOT_SIZE;
}

/*
 * mask_user_address() once an application has started (ukl_slot_live()):
 * @ptr clamped to @max (USER_PTR_MAX), or @ptr itself if it lies in the
 * slot. Branch-free, as the masking it replaces, and like that masking it
 * does not look at the access size: it relies on the accesses being
 * dense, so that one that starts in the slot faults on unmapped slot
 * pages before it can leave the slot. The image ends at least 256 GiB
 * below the slot's end (a link-time assertion in arch/x86/ukl/mkslot.sh)
 * and nothing else is mapped there, as the non-canonical hole does it
 * above USER_PTR_MAX. ukl_slot_live() is not a conditional branch: the
 * JMP or NOP it is cannot be mispredicted into skipping the masking.
 * @ret is written before @ptr is last read, hence early-clobber.
 */
static __always_inline void __user *
ukl_mask_user_address(const void __user *ptr, unsigned long max)
{
	unsigned long ret = (__force unsigned long)ptr, tmp;

	asm("cmp %[max], %[ret]\n\t"
	    "cmova %[max], %[ret]\n\t"
	    "mov %[ptr], %[tmp]\n\t"
	    "shr %[shift], %[tmp]\n\t"
	    "cmp %[index], %[tmp]\n\t"
	    "cmove %[ptr], %[ret]"
	    : [ret] "+&r" (ret), [tmp] "=&r" (tmp)
	    : [ptr] "r" (ptr), [max] "r" (max),
	      [shift] "i" (UKL_SLOT_SHIFT), [index] "i" (UKL_SLOT_INDEX)
	    : "cc");
	return (__force void __user *)ret;
}

struct pt_regs;

/* Bypass and shortcuts: the C part of ukl_entry_from_app (ukl/syscall.c). */
bool ukl_do_syscall_64(struct pt_regs *regs, int nr);

#endif /* !__ASSEMBLY__ */
#endif /* _ASM_X86_UKL_H */
