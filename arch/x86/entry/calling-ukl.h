/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assembler-only header. Unikernel Linux (UKL): entry-code macros, included
 * by entry_64.S after calling.h. Each expands to nothing with CONFIG_UKL=n.
 *
 * Application code runs at CPL0 in the application slot (asm/ukl.h) with
 * the kernel's GS base active, its own FS base, the kernel CR3 (UKL
 * excludes PTI) and RFLAGS.AC set. An IRET frame is an "application frame"
 * when its CS has RPL 0 and its RIP lies in the slot; for such frames the
 * entry code does what it does for user mode, minus SWAPGS. Because the
 * test is on the frame itself, the GS state on entry and exit always
 * matches: user frames (RPL 3) SWAPGS, application frames never do.
 */
#include <asm/ukl_asm.h>

/*
 * Jump to \label unless the IRET frame whose RIP is at \rip(%rsp) is an
 * application frame. Clobbers flags only.
 */
.macro UKL_JUMP_IF_NOT_APP_FRAME rip:req, label:req
	testb	$3, \rip+8(%rsp)
	jnz	\label
	cmpl	$UKL_SLOT_HIGH_FIRST, \rip+4(%rsp)
	jb	\label
	cmpl	$UKL_SLOT_HIGH_LAST, \rip+4(%rsp)
	ja	\label
.endm

/* Jump to \label if the IRET frame at \rip(%rsp) is an application frame. */
.macro UKL_JUMP_IF_APP_FRAME rip:req, label:req
#ifdef CONFIG_UKL
	UKL_JUMP_IF_NOT_APP_FRAME \rip, .Lukl_not_app_\@
	jmp	\label
.Lukl_not_app_\@:
#endif
.endm

/*
 * First thing in a non-IST idtentry stub, before ASM_CLAC. An event in
 * application code is delivered without a stack switch, so the CPU pushed
 * its frame (and the stub's vector, for interrupts) on the application
 * stack, a user page: that worked because the application runs with AC set.
 * Move the frame to the top of the task stack, where an entry from user
 * mode has its pt_regs, and carry on there. Nothing more is pushed on the
 * application stack (the page below the frame may not be present), so
 * %rax is kept in tss.sp2 meanwhile, the scratch slot entry_SYSCALL_64
 * uses: IRQs are off (interrupt gate) and nothing in between can nest a
 * SYSCALL or another user of it. GS is the kernel's.
 */
.macro UKL_IDTENTRY_FROM_APP vector:req, has_error_code:req
#ifdef CONFIG_UKL
	UKL_JUMP_IF_NOT_APP_FRAME \has_error_code*8, .Lukl_not_app_\@
	movq	%rax, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)
	movq	%rsp, %rax
	movq	PER_CPU_VAR(pcpu_hot + X86_top_of_stack), %rsp
	pushq	(4 + \has_error_code)*8(%rax)		/* SS */
	pushq	(3 + \has_error_code)*8(%rax)		/* RSP */
	pushq	(2 + \has_error_code)*8(%rax)		/* RFLAGS */
	pushq	(1 + \has_error_code)*8(%rax)		/* CS */
	pushq	(0 + \has_error_code)*8(%rax)		/* RIP */
	.if \has_error_code == 1
	pushq	(%rax)					/* error code */
	.endif
	movq	PER_CPU_VAR(cpu_tss_rw + TSS_sp2), %rax
	.if \vector == X86_TRAP_BP
	UNWIND_HINT_IRET_ENTRY offset=\has_error_code*8 signal=0
	.else
	UNWIND_HINT_IRET_ENTRY offset=\has_error_code*8
	.endif
.Lukl_not_app_\@:
#endif
.endm

/*
 * In error_entry, on the kernel-mode path: an application frame needs the
 * user-mode entry work except SWAPGS (GS and CR3 are the kernel's already),
 * then sync_regs() puts pt_regs at the top of the task stack (where
 * UKL_IDTENTRY_FROM_APP already left it, unless the event came in on an
 * IST stack: #DB, #MC).
 */
.macro UKL_ERROR_ENTRY_FROM_APP
#ifdef CONFIG_UKL
	UKL_JUMP_IF_NOT_APP_FRAME (RIP+8), .Lukl_not_app_\@
	FENCE_SWAPGS_KERNEL_ENTRY
	IBRS_ENTER
	UNTRAIN_RET_FROM_CALL
	leaq	8(%rsp), %rdi			/* arg0 = pt_regs pointer */
	jmp	sync_regs
.Lukl_not_app_\@:
#endif
.endm

/*
 * On the return-to-user path, after the user-mode exit work and POP_REGS,
 * with the IRET frame at (%rsp): return to application code without
 * SWAPGS. A CPL0 to CPL0 IRETQ pops SS:RSP too, so it writes nothing to
 * the application stack.
 */
.macro UKL_IRET_TO_APP
#ifdef CONFIG_UKL
	UKL_JUMP_IF_NOT_APP_FRAME 0, .Lukl_not_app_\@
	CLEAR_CPU_BUFFERS
	iretq
.Lukl_not_app_\@:
#endif
.endm
