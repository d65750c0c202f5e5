/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hosted UKL runtime: ukl_syscall_entry for an ordinary process.
 *
 * A UKL application reaches the kernel by "call *__ukl_syscall_ptr(%rip)"
 * with the registers of the syscall instruction (nr in %rax, arguments in
 * %rdi %rsi %rdx %r10 %r8 %r9; result in %rax; %rcx and %r11 clobbered)
 * and expects to resume after the call with %rsp as it was before it,
 * exactly as after a syscall instruction. Linked into the kernel, that is
 * what the UKL entry does. This file gives the same application object a
 * user-space entry, so that it runs as a normal static program on any
 * Linux kernel (hosted mode, used to test the UKL toolchain and glibc).
 *
 * Most system calls just need "syscall; ret". A few resume somewhere else
 * than where they were called, and need care because our return address
 * sits on the caller's stack:
 *  - rt_sigreturn finds its frame at the caller's %rsp: drop the return
 *    address first.
 *  - clone with a new stack: the child resumes on that stack, so put the
 *    return address on top of it; both then leave through "ret".
 *  - vfork: the child would reuse and overwrite the parent's return slot;
 *    run it as fork, which POSIX allows vfork to be.
 *  - clone3 (stack given in memory): not supported here, -ENOSYS. The UKL
 *    glibc does not use it.
 * This file is never part of a UKL application image.
 */
#include <asm/unistd.h>
#include <asm/errno.h>

	.text
	.globl	ukl_syscall_entry
	.type	ukl_syscall_entry, @function
	.p2align 4
ukl_syscall_entry:
	.cfi_startproc
	cmpq	$__NR_rt_sigreturn, %rax
	je	.Lsigreturn
	cmpq	$__NR_vfork, %rax
	jne	1f
	movl	$__NR_fork, %eax
1:	cmpq	$__NR_clone3, %rax
	je	.Lenosys
	cmpq	$__NR_clone, %rax
	jne	2f
	testq	%rsi, %rsi
	jnz	.Lclone_newstack
2:	syscall
	ret

.Lsigreturn:
	addq	$8, %rsp
	.cfi_adjust_cfa_offset -8
	syscall
	ud2
	.cfi_adjust_cfa_offset 8

.Lclone_newstack:
	movq	(%rsp), %r11
	movq	%r11, -8(%rsi)
	subq	$8, %rsi
	syscall
	/* Parent and child: the new stack pointer argument is restored. */
	leaq	8(%rsi), %rsi
	ret

.Lenosys:
	movq	$-ENOSYS, %rax
	ret
	.cfi_endproc
	.size	ukl_syscall_entry, .-ukl_syscall_entry

	.section .note.GNU-stack, "", @progbits
