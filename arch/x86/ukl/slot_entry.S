/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unikernel Linux (UKL): the system call trampoline, linked into the
 * application image (mkslot.sh) so that it runs from the application slot.
 *
 * The application's glibc calls it with "call *__ukl_syscall_ptr(%rip)",
 * with IRQs on and %rsp on the application stack. Everything that touches
 * the application stack happens here, in the slot, as application code:
 * take RFLAGS into %r11 and the return address into %rcx (the registers
 * SYSCALL uses), which leaves %rsp as it was before the call; then switch
 * IRQs, single-stepping and DF off and keep AC on in one POPFQ (its push
 * goes to the word the return address just left), and only then leave for
 * the kernel text (entry_64_ukl.S), which never touches the application
 * stack. Not built with objtool: this is application code, outside
 * vmlinux.o.
 *
 * A debugger single-stepping here sees ordinary application instructions
 * up to the POPFQ. The single-step trap after the POPFQ (TF was set when
 * it began) arrives at ukl_syscall_entry_step with IRQs off; the kernel
 * drops it (ukl_step_into_entry()), as SYSCALL masks TF, and the system
 * call's exit reports the step as it does for SYSCALL.
 */
#include <linux/linkage.h>
#include <asm/processor-flags.h>
#include <asm/ukl.h>

	.section .text.ukl_entry, "ax"
#ifndef CONFIG_UKL_BYPASS
SYM_CODE_START(ukl_syscall_entry)
	pushfq
	popq	%r11
	popq	%rcx
	pushq	$(X86_EFLAGS_FIXED | X86_EFLAGS_AC)
	popfq
SYM_INNER_LABEL(ukl_syscall_entry_step, SYM_L_GLOBAL)
	jmp	*ukl_entry_ptr(%rip)
SYM_CODE_END(ukl_syscall_entry)
#else
/*
 * CONFIG_UKL_BYPASS: the return address stays on the application stack,
 * where ukl_syscall_return's RET takes it back, and the kernel entry steps
 * over it. With TF and DF clear (the ordinary case), CLI is all that needs
 * to change in RFLAGS (AC is already set: application code runs with it),
 * and it costs far less than POPFQ. Otherwise POPFQ clears them too, as
 * above.
 */
SYM_CODE_START(ukl_syscall_entry)
	pushfq
	popq	%r11
	movq	(%rsp), %rcx
	testl	$(X86_EFLAGS_TF | X86_EFLAGS_DF), %r11d
	jnz	.Lpopf
	cli
	jmp	*ukl_entry_ptr(%rip)
.Lpopf:
	pushq	$(X86_EFLAGS_FIXED | X86_EFLAGS_AC)
	popfq
SYM_INNER_LABEL(ukl_syscall_entry_step, SYM_L_GLOBAL)
	jmp	*ukl_entry_ptr(%rip)
SYM_CODE_END(ukl_syscall_entry)

/*
 * The fast return of a bypassed system call (entry_64_ukl.S), entered with
 * IRQs off from kernel text: %r11 holds the application's %rsp before its
 * call, less the return address still there, and %rax the result. Every
 * other register is the application's again. STI takes effect after RET:
 * no interrupt can arrive in between, and one that arrives after an NMI
 * there finds RIP in the slot, an application event like any other.
 * Nothing here writes to the application stack; RET reads the word the
 * call wrote, and if that page has gone meanwhile, the fault is the
 * application's own, with IRQs on.
 */
SYM_CODE_START(ukl_syscall_return)
	movq	%r11, %rsp
	sti
	ret
SYM_CODE_END(ukl_syscall_return)
#endif

#ifdef CONFIG_UKL_USE_RET
/*
 * The return to application code without IRETQ (ukl_ret_to_app in
 * entry_64_ukl.S): entered from kernel text with IRQs off, every register
 * but %rcx already the application's, and %rsp pointing at ->flags of this
 * CPU's ukl_ret_frame (kernel memory, always present), which holds the
 * application's RFLAGS with IF clear, %rcx, %rsp and %rip. POPFQ restores
 * all of RFLAGS but IF; the stub never touches the application stack.
 * STI takes effect only after the JMP (interrupt shadow), so no interrupt
 * can arrive before the application's own instruction. Anything that does
 * arrive in here (an NMI, #MC, a kernel breakpoint) sees RIP in the slot,
 * an application frame: NMIs return with IRETQ from their own path, and
 * every other entry finishes the return first, from this CPU's frame,
 * which no one else writes while IRQs are off (UKL_FINISH_RETURN in
 * arch/x86/entry/calling-ukl.h).
 * Per-CPU data is addressed %gs-absolute: x86-64 per-CPU offsets are
 * small, and GS is the kernel's in application code.
 */
SYM_CODE_START(ukl_return_to_app)
	popfq
	movq	%gs:ukl_ret_frame + UKL_RET_CX, %rcx
	movq	%gs:ukl_ret_frame + UKL_RET_SP, %rsp
	sti
	jmp	*%gs:ukl_ret_frame + UKL_RET_IP
SYM_INNER_LABEL(ukl_return_to_app_end, SYM_L_GLOBAL)
SYM_CODE_END(ukl_return_to_app)
#endif

/*
 * The image's only pointer into kernel text (mkslot.sh refuses any other
 * reference to a kernel address). The relocs tool leaves the slot out, so
 * under KASLR it holds the link-time address until ukl_protect_template()
 * adds the kernel's offset to it in the template.
 */
	.section .rodata.ukl_entry, "a"
	.balign 8
SYM_DATA(ukl_entry_ptr, .quad ukl_entry_from_app)
