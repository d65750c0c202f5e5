/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unikernel Linux (UKL): the system call entry of the linked-in
 * application. See Documentation/ukl/ukl.rst.
 *
 * The application's glibc makes a system call with the SYSCALL register
 * convention, but with "call *__ukl_syscall_ptr(%rip)" instead of the
 * SYSCALL instruction. That pointer holds ukl_syscall_entry, a trampoline
 * linked into the application slot (arch/x86/ukl/slot_entry.S), which does
 *
 *	pushfq				application RFLAGS
 *	popfq of FIXED|AC		IF=0, TF=0, DF=0, AC=1
 *	jmp *ukl_entry_from_app
 *
 * (with CONFIG_UKL_BYPASS, CLI instead of the POPFQ when TF and DF are
 * clear, and the return address left on the stack), so that every
 * instruction that runs with IRQs on while %rsp points to the application
 * stack is in the slot, where the IDT entry code recognises application
 * frames (calling-ukl.h).
 *
 * From here on the work is that of entry_SYSCALL_64: build pt_regs on the
 * task stack, do_syscall_64() (seccomp, ptrace, audit, signals,
 * preemption), and leave through the common user-mode exit, which returns
 * to the application with IRETQ (UKL_IRET_TO_APP). With CONFIG_UKL_BYPASS,
 * ukl_do_syscall_64() skips the entry and exit work when there is none,
 * and the return is STI; RET from the slot when the frame allows it.
 */
#include <linux/linkage.h>
#include <asm/segment.h>
#include <asm/asm-offsets.h>
#include <asm/errno.h>
#include <asm/percpu.h>
#include <asm/smap.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>
#include <asm/ukl.h>

#include "calling.h"

.section .entry.text, "ax"

/*
 * On entry, as after SYSCALL: CPL0, the kernel's GS base (the application
 * never switches it), kernel CR3 (never PTI's user one), IRQs off, AC set;
 * %rsp is the application's as before its call, %rcx the return address
 * and %r11 the application's RFLAGS. %rax holds the system call number,
 * %rdi, %rsi, %rdx, %r10, %r8 and %r9 the arguments. Nothing here touches
 * the application stack: kernel text never runs where an event could
 * find it on one (calling-ukl.h).
 */
SYM_CODE_START(ukl_entry_from_app)
	UNWIND_HINT_ENTRY
	ENDBR

#ifdef CONFIG_UKL_BYPASS
	/*
	 * The trampoline left the return address on the application stack
	 * for ukl_syscall_return: step over it, so that pt_regs->sp is the
	 * %rsp before the call, as without CONFIG_UKL_BYPASS.
	 */
	leaq	8(%rsp), %rsp
#endif

	/* Stash the application %rsp in tss.sp2, as entry_SYSCALL_64 does. */
	movq	%rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)

	/* SMAP protects the kernel again. */
	ASM_CLAC
	movq	PER_CPU_VAR(pcpu_hot + X86_top_of_stack), %rsp

	/* Construct struct pt_regs as SYSCALL would, with CPL0 selectors. */
	pushq	$__KERNEL_DS				/* pt_regs->ss */
	pushq	PER_CPU_VAR(cpu_tss_rw + TSS_sp2)	/* pt_regs->sp */
	pushq	%r11					/* pt_regs->flags */
	pushq	$__KERNEL_CS				/* pt_regs->cs */
	pushq	%rcx					/* pt_regs->ip */
	pushq	%rax					/* pt_regs->orig_ax */

	PUSH_AND_CLEAR_REGS rax=$-ENOSYS

	/* IRQs are off. */
	movq	%rsp, %rdi
	/* Sign extend the lower 32bit as syscall numbers are treated as int */
	movslq	%eax, %rsi

	/* clobbers %rax, make sure it is after saving the syscall nr */
	IBRS_ENTER
	UNTRAIN_RET
	CLEAR_BRANCH_HISTORY

#ifdef CONFIG_UKL_SYSCALL_DISPATCH
	/* Bypass and shortcuts: arch/x86/ukl/syscall.c. */
	call	ukl_do_syscall_64	/* returns with IRQs disabled */
#ifdef CONFIG_UKL_BYPASS
	testb	%al, %al
	jnz	ukl_syscall_return_fast
#endif
#else
	call	do_syscall_64		/* returns with IRQs disabled */
#endif

	/*
	 * SYSRET cannot return to CPL0: always leave through the IRET path,
	 * which sends application frames to UKL_IRET_TO_APP.
	 */
	jmp	swapgs_restore_regs_and_return_to_usermode
SYM_CODE_END(ukl_entry_from_app)

#ifdef CONFIG_UKL_BYPASS
/*
 * The fast return, when ukl_do_syscall_64() says so (arch/x86/ukl/syscall.c):
 * the exit work is done and left ->ip, ->sp, ->cs, ->ss and ->flags as the
 * call made them, IF set, TF, DF and NT clear. On the task stack, IRQs off,
 * kernel GS, every register to come from pt_regs, the result in ->ax. The exit
 * mitigations of swapgs_restore_regs_and_return_to_usermode and
 * UKL_IRET_TO_APP run here too; then, instead of IRETQ, jump to
 * ukl_syscall_return in the slot with %r11 pointing at the return address
 * on the application stack. The jump is made from the task stack (a
 * retpoline thunk may push to it): kernel text never runs on the
 * application stack.
 */
SYM_CODE_START_LOCAL(ukl_syscall_return_fast)
	UNWIND_HINT_REGS
	IBRS_EXIT
	STACKLEAK_ERASE
	POP_REGS
	UNWIND_HINT_IRET_REGS offset=8
	movq	RSP-ORIG_RAX(%rsp), %r11
	subq	$8, %r11
	movq	ukl_syscall_return_ip(%rip), %rcx
	ASM_STAC
	CLEAR_CPU_BUFFERS
	JMP_NOSPEC rcx
SYM_CODE_END(ukl_syscall_return_fast)
#endif

#ifdef CONFIG_UKL_USE_RET
/*
 * The return to application code without IRETQ, from UKL_IRET_TO_APP
 * (calling-ukl.h) after the user-mode exit work, IBRS_EXIT, STACKLEAK_ERASE
 * and POP_REGS: on the task stack at the IRET frame of an application
 * frame whose RFLAGS have IF set and TF, RF and NT clear, IRQs off, kernel
 * GS, every register the application's. Write RFLAGS (IF clear), %rcx,
 * %rsp and %rip to this CPU's ukl_ret_frame, point %rsp at it, run the
 * last exit mitigation (CLEAR_CPU_BUFFERS, as before IRETQ) and jump to
 * ukl_return_to_app in the slot, which restores them with POPFQ, two
 * loads, STI and an indirect JMP. Nothing is written to the application
 * stack, and kernel text never runs on it: from the MOV to %rsp on, it
 * runs on the per-CPU frame, whose two spare words below ->flags take
 * the return address a retpoline thunk pushes.
 */
SYM_CODE_START(ukl_ret_to_app)
	UNWIND_HINT_IRET_REGS
	movq	%rcx, PER_CPU_VAR(ukl_ret_frame + UKL_RET_CX)
	movq	0*8(%rsp), %rcx				/* RIP */
	movq	%rcx, PER_CPU_VAR(ukl_ret_frame + UKL_RET_IP)
	movq	2*8(%rsp), %rcx				/* RFLAGS */
	andq	$~X86_EFLAGS_IF, %rcx
	movq	%rcx, PER_CPU_VAR(ukl_ret_frame + UKL_RET_FLAGS)
	movq	3*8(%rsp), %rcx				/* RSP */
	movq	%rcx, PER_CPU_VAR(ukl_ret_frame + UKL_RET_SP)
	movq	ukl_ret_stub(%rip), %rcx		/* ukl_return_to_app */
	movq	PER_CPU_VAR(this_cpu_off), %rsp
	addq	$(ukl_ret_frame + UKL_RET_FLAGS), %rsp
	UNWIND_HINT_END_OF_STACK
	CLEAR_CPU_BUFFERS
	JMP_NOSPEC rcx
SYM_CODE_END(ukl_ret_to_app)
#endif

/*
 * Where the trampoline's single-step trap arrives (slot_entry.S). Weak:
 * without an application image there is no trampoline, and 0 is never an
 * application RIP.
 */
	.section .rodata, "a"
	.balign 8
	.weak	ukl_syscall_entry_step
SYM_DATA(ukl_entry_step_ip, .quad ukl_syscall_entry_step)
#ifdef CONFIG_UKL_BYPASS
	.weak	ukl_syscall_return
SYM_DATA_LOCAL(ukl_syscall_return_ip, .quad ukl_syscall_return)
#endif
#ifdef CONFIG_UKL_USE_RET
	.weak	ukl_return_to_app, ukl_return_to_app_end
SYM_DATA(ukl_ret_stub, .quad ukl_return_to_app, ukl_return_to_app_end)
#endif
