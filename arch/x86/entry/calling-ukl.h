/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assembler-only header. Unikernel Linux (UKL): entry-code macros, included
 * by entry_64.S after calling.h. Each expands to nothing with CONFIG_UKL=n.
 *
 * Application code runs at CPL0 in the application slot (asm/ukl.h) with
 * the kernel's GS base active, its own FS base, the kernel CR3 (never
 * PTI's user one) and RFLAGS.AC set. An IRET frame is an "application frame"
 * when its CS has RPL 0 and either its RIP lies in the slot or its RSP is
 * an application stack (the user half, or the slot). Kernel code never
 * runs on such a stack with IRQs on or where it can fault, so the stack
 * test only adds application code whose control-flow bug took RIP out of
 * the slot (a call through NULL, a smashed return address); it must still
 * be handled as the application, never as the kernel, whose first push
 * after CLAC would land on the application stack. For application frames
 * the entry code does what it does for user mode, minus SWAPGS. Because
 * the test is on the frame itself, the GS state on entry and exit always
 * matches: user frames (RPL 3) SWAPGS, application frames never do. C
 * code decides the same way (ukl_app_context() in asm/ukl.h). On the way
 * out, the last test before IRETQ (UKL_IRET_TO_APP) leaves RPL 0 only on
 * frames with RIP in the slot and an application stack.
 *
 * Cost to ordinary processes: their system calls (SYSCALL, SYSRET) meet
 * none of these macros. An event in user mode pays the RPL test in the
 * idtentry stub and before IRETQ, an exception with an error code (a page
 * fault) also the INT n test of UKL_INT_N_AS_GP; error_return tests RPL 3
 * first, so its user frames take one instruction fewer than in upstream's
 * order.
 */
#include <asm/ukl_asm.h>

/* X86_PF_USER (asm/trap_pf.h, an enum): bit 2 of the #PF error code. */
#define UKL_PF_USER	4

/*
 * Jump to \label unless the RSP of the IRET frame whose RIP is at
 * \rip(%rsp) is an application stack (the user half, or the slot).
 * Clobbers flags only.
 */
.macro UKL_JUMP_UNLESS_APP_STACK rip:req, label:req
	cmpl	$UKL_USER_HIGH_LAST, \rip+28(%rsp)	/* RSP in the user half? */
	jbe	.Lukl_app_stack_\@
	cmpl	$UKL_SLOT_HIGH_FIRST, \rip+28(%rsp)	/* RSP in the slot? */
	jb	\label
	cmpl	$UKL_SLOT_HIGH_LAST, \rip+28(%rsp)
	ja	\label
.Lukl_app_stack_\@:
.endm

/*
 * For a CPL0 IRET frame whose RIP is at \rip(%rsp): jump to \label unless
 * it is an application frame (RIP in the slot, or RSP on an application
 * stack), else fall through. Clobbers flags only. Kernel frames pay four
 * compares: RIP, then RSP, outside the slot and the user half.
 */
.macro UKL_JUMP_IF_NOT_CPL0_APP_FRAME rip:req, label:req
	cmpl	$UKL_SLOT_HIGH_FIRST, \rip+4(%rsp)	/* RIP in the slot? */
	jb	.Lukl_sp_\@
	cmpl	$UKL_SLOT_HIGH_LAST, \rip+4(%rsp)
	jbe	.Lukl_app_\@
.Lukl_sp_\@:
	UKL_JUMP_UNLESS_APP_STACK \rip, \label
.Lukl_app_\@:
.endm

/*
 * Jump to \label unless the IRET frame whose RIP is at \rip(%rsp) is an
 * application frame. User frames (RPL 3) pay a test and a branch.
 */
.macro UKL_JUMP_IF_NOT_APP_FRAME rip:req, label:req
	testb	$3, \rip+8(%rsp)			/* CS: RPL 3 is user */
	jnz	\label
	UKL_JUMP_IF_NOT_CPL0_APP_FRAME \rip, \label
.endm

/*
 * Jump to \label if the IRET frame at \rip(%rsp) is a user frame or an
 * application frame: where the kernel tests for user mode before going
 * the user-mode way. User frames pay the same test and branch as the
 * kernel's own test after this one, which is then left to kernel frames.
 */
.macro UKL_JUMP_IF_USER_OR_APP_FRAME rip:req, label:req
#ifdef CONFIG_UKL
	testb	$3, \rip+8(%rsp)
	jnz	\label
	UKL_JUMP_IF_NOT_CPL0_APP_FRAME \rip, .Lukl_kernel_\@
	jmp	\label
.Lukl_kernel_\@:
#endif
.endm

/*
 * First thing in an idtentry stub of an exception with an error code
 * (#DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP), before anything reads the
 * frame: the INT n instruction for that vector. At CPL3 the gate's DPL 0
 * makes INT n a #GP; at CPL0 it reaches the handler, with an IRET frame but
 * no error code, so every field would be read one word off - the RPL test
 * on the RFLAGS word, which always has bit 1 set, would take it for user
 * mode and SWAPGS to the user GS. No kernel code has INT n for these
 * vectors, and ukl-audit refuses it in the application; this is for an
 * application bug that jumps into the middle of an instruction.
 *
 * The test: the word after the error code is the RIP of a real
 * exception, never __KERNEL_CS (no code runs at address 0x10, mmap_min_addr
 * keeps user mappings away from it unless root set it to 0), and it is the
 * CS of such a frame, whose first word (the RIP after the INT, where a real
 * exception has its error code) is then a kernel-half address. Turn the
 * frame into the #GP the same instruction raises at CPL3 (error code: IDT
 * vector \vector; RIP: the INT instruction, in its two-byte form) and go
 * on at the #GP entry, which handles it as any other #GP: an application
 * frame gets SIGSEGV as at CPL3. The frame is where the CPU put it: the
 * application stack (AC still set, not cleared yet), or the #DF stack.
 * Every other exception pays a compare and a branch.
 */
.macro UKL_INT_N_AS_GP vector:req
#ifdef CONFIG_UKL
	cmpq	$__KERNEL_CS, 8(%rsp)
	jne	.Lukl_real_\@
	cmpl	$0xffff8000, 4(%rsp)			/* RIP in the kernel half? */
	jb	.Lukl_real_\@
	UNWIND_HINT_IRET_ENTRY
	subq	$2, (%rsp)				/* RIP of INT imm8 */
	pushq	$(\vector * 8 + 2)			/* #GP: IDT, vector */
	UNWIND_HINT_IRET_ENTRY offset=8
	jmp	asm_exc_general_protection
.Lukl_real_\@:
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
 * SYSCALL or another user of it. GS is the kernel's. A page fault in
 * application code is a user fault: its error code gets X86_PF_USER here,
 * as the CPU sets it for CPL3.
 *
 * A user frame (RPL 3, GS not yet swapped) must not reach the first
 * GS-relative access even speculatively, by a mispredicted frame test:
 * fence as the kernel-entry path of error_entry does against the same
 * SWAPGS speculation (CVE-2019-1125).
 */
.macro UKL_IDTENTRY_FROM_APP vector:req, has_error_code:req
#ifdef CONFIG_UKL
	.if \has_error_code == 1
	UKL_INT_N_AS_GP \vector
	.endif
	UKL_JUMP_IF_NOT_APP_FRAME \has_error_code*8, .Lukl_not_app_\@
	FENCE_SWAPGS_KERNEL_ENTRY
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
	.if \vector == X86_TRAP_PF
	orq	$UKL_PF_USER, (%rsp)			/* a user fault */
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
	UKL_FINISH_RETURN
	leaq	8(%rsp), %rdi			/* arg0 = pt_regs pointer */
	jmp	sync_regs
.Lukl_not_app_\@:
#endif
.endm

/*
 * CONFIG_UKL_USE_RET, in error_entry for an application frame, with
 * pt_regs at 8(%rsp), IRQs off, on the CPU the event arrived on: if RIP is
 * in the return stub (slot_entry.S), an event other than an NMI (#MC, a
 * kernel breakpoint) interrupted a return, and part of the application's state is
 * still in this CPU's ukl_ret_frame. Complete the return in pt_regs now,
 * before the handler can schedule and another return reuse the frame: at
 * every instruction of the stub the other registers are the
 * application's. Interrupts cannot arrive there (IRQs off, then the STI
 * shadow) and NMIs do not come this way. Clobbers %rax and %rcx, which
 * pt_regs holds.
 */
.macro UKL_FINISH_RETURN
#ifdef CONFIG_UKL_USE_RET
	movq	RIP+8(%rsp), %rax
	movq	ukl_ret_stub+8(%rip), %rcx
	subq	ukl_ret_stub(%rip), %rax
	subq	ukl_ret_stub(%rip), %rcx
	cmpq	%rcx, %rax
	jae	.Lukl_not_in_stub_\@
	movq	PER_CPU_VAR(ukl_ret_frame + UKL_RET_IP), %rax
	movq	%rax, RIP+8(%rsp)
	movq	PER_CPU_VAR(ukl_ret_frame + UKL_RET_SP), %rax
	movq	%rax, RSP+8(%rsp)
	movq	PER_CPU_VAR(ukl_ret_frame + UKL_RET_CX), %rax
	movq	%rax, RCX+8(%rsp)
	movq	PER_CPU_VAR(ukl_ret_frame + UKL_RET_FLAGS), %rax
	orq	$X86_EFLAGS_IF, %rax
	movq	%rax, EFLAGS+8(%rsp)
.Lukl_not_in_stub_\@:
#endif
.endm

/*
 * At the start of the PTI return-to-user path, with pt_regs at (%rsp) and
 * IRQs off: an application frame (RPL 0 on this path, as for
 * UKL_IRET_TO_APP) goes to \target, the non-PTI path, and keeps the
 * kernel CR3 and stack. The user page tables do not map the slot (it is
 * a kernel-half address, which pti_set_user_pgtbl() never copies), and
 * the application never runs on them: an event in its code is a CPL0
 * entry, which switches neither CR3 nor stack, and its system calls are
 * calls. Ordinary processes on this path pay the test and branch.
 */
.macro UKL_JUMP_IF_APP_EXIT target
#ifdef CONFIG_UKL
	testb	$3, CS(%rsp)
	jz	\target
#endif
.endm

/*
 * On the return-to-user path, after the user-mode exit work and POP_REGS,
 * with the IRET frame at (%rsp) and IRQs off: return to application code
 * without SWAPGS. Frames with RPL 0 here are application frames (the
 * entry code sends no other CPL0 frame this way), but the exit work may
 * have changed them: a signal frame, sigreturn, an rseq abort, a
 * debugger. Whatever changed, the application resumes at CPL0 only with
 * RIP in the slot and RSP on an application stack, with the kernel
 * selectors and RFLAGS.AC set (its stack, heap and mmaps are user pages,
 * which SMAP forbids at CPL0 without AC). Any other RPL 0 frame (RIP out
 * of the slot, a corrupt ucontext's RSP in the kernel half) resumes at
 * CPL3 with the user selectors and AC clear, and faults there as a user
 * program would: the last decision before IRETQ is taken on the frame
 * IRETQ pops. A CPL0 to CPL0 IRETQ pops SS:RSP too, so it writes nothing
 * to the application stack, and it cannot fault.
 *
 * With CONFIG_UKL_USE_RET, ukl_ret_to_app (entry_64_ukl.S) returns without
 * IRETQ when POPFQ can restore the frame's RFLAGS and STI the IF: IF set,
 * and none of TF (the single step must begin at the application's
 * instruction, which only IRETQ guarantees), RF (POPFQ cannot set it; a
 * debugger's instruction breakpoint relies on it) or NT. A frame with IF
 * clear is the application's own CLI: a #MC or #DB inside the return
 * stub had its frame completed on entry (UKL_FINISH_RETURN), and NMIs
 * never come here: an application frame is a kernel frame to the NMI
 * entry, which returns with its own IRETQ and so ends NMI blocking.
 */
.macro UKL_IRET_TO_APP
#ifdef CONFIG_UKL
	testb	$3, 8(%rsp)
	jnz	.Lukl_not_app_\@
	cmpl	$UKL_SLOT_HIGH_FIRST, 4(%rsp)		/* RIP in the slot? */
	jb	.Lukl_to_user_\@
	cmpl	$UKL_SLOT_HIGH_LAST, 4(%rsp)
	ja	.Lukl_to_user_\@
	UKL_JUMP_UNLESS_APP_STACK 0, .Lukl_to_user_\@
	movq	$__KERNEL_CS, 1*8(%rsp)
	orl	$X86_EFLAGS_AC, 2*8(%rsp)
	movq	$__KERNEL_DS, 4*8(%rsp)
#ifdef CONFIG_UKL_USE_RET
	testl	$X86_EFLAGS_IF, 2*8(%rsp)
	jz	.Lukl_iret_\@
	testl	$(X86_EFLAGS_TF | X86_EFLAGS_RF | X86_EFLAGS_NT), 2*8(%rsp)
	jz	ukl_ret_to_app
.Lukl_iret_\@:
#endif
	CLEAR_CPU_BUFFERS
	iretq
.Lukl_to_user_\@:
	movq	$__USER_CS, 1*8(%rsp)
	andl	$~X86_EFLAGS_AC, 2*8(%rsp)
	movq	$__USER_DS, 4*8(%rsp)
.Lukl_not_app_\@:
#endif
.endm
