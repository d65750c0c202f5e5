/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unikernel Linux (UKL): the system call trampoline, linked into the
 * application image (mkslot.sh) so that it runs from the application slot.
 *
 * The application's glibc calls it with "call *__ukl_syscall_ptr(%rip)",
 * with IRQs on and %rsp on the application stack. As long as IRQs are on,
 * RIP must stay in the slot: that is how the IDT entry code tells an
 * application frame (calling-ukl.h). So save RFLAGS, switch IRQs off,
 * single-stepping and DF off and keep AC on in one POPFQ, and only then
 * leave for the kernel text (entry_64_ukl.S). Not built with objtool: this
 * is application code, outside vmlinux.o.
 */
#include <linux/linkage.h>
#include <asm/processor-flags.h>

	.section .text.ukl_entry, "ax"
SYM_CODE_START(ukl_syscall_entry)
	pushfq
	pushq	$(X86_EFLAGS_FIXED | X86_EFLAGS_AC)
	popfq
	jmp	*ukl_entry_ptr(%rip)
SYM_CODE_END(ukl_syscall_entry)

	.section .rodata.ukl_entry, "a"
	.balign 8
ukl_entry_ptr:
	.quad	ukl_entry_from_app
