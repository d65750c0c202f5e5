/* SPDX-License-Identifier: GPL-2.0 */
/*
 * known_counts: rows whose instruction classes are known by construction,
 * for scripts/tests/run-plugin-tests.  Runs under qemu-x86_64 (user mode)
 * with qemu-plugin/ukl_cycles.so; no libc.  known_counts.expect beside this
 * file lists what every row must count, in order.
 */
#define START_A	.byte 0x66, 0x87, 0xdb
#define START_B	.byte 0x66, 0x87, 0xed
#define STOP	.byte 0x66, 0x87, 0xc9
#define END_A	.byte 0x66, 0x87, 0xd2
#define END_B	.byte 0x66, 0x87, 0xff
#define RESET	.byte 0x66, 0x87, 0xf6

	.text
	.globl	_start
_start:
	/* 1: 100 LFENCEs */
	START_A
	.rept 100
	lfence
	.endr
	STOP
	END_A

	/* 2: 50 CPUIDs */
	xorl	%eax, %eax
	START_A
	.rept 50
	cpuid
	.endr
	STOP
	END_A

	/* 3: 20 getppid system calls: 20 SYSCALLs, 20 MOVs */
	START_A
	.rept 20
	movl	$110, %eax
	syscall
	.endr
	STOP
	END_A

	/* 4: 10 each of a load, a store, a read-modify-write, LEA, PUSH, POP */
	subq	$64, %rsp
	START_A
	.rept 10
	movq	(%rsp), %rax
	movq	%rax, 8(%rsp)
	addq	%rax, 16(%rsp)
	leaq	24(%rsp), %rax
	pushq	%rax
	popq	%rax
	.endr
	STOP
	END_A
	addq	$64, %rsp

	/* 5: 10 PUSHF/POPF pairs */
	START_A
	.rept 10
	pushfq
	popfq
	.endr
	STOP
	END_A

	/* 6: 10 indirect calls through a register, each to a RET */
	leaq	only_ret(%rip), %rbx
	START_A
	.rept 10
	call	*%rbx
	.endr
	STOP
	END_A

	/* 7: 10 indirect jumps through memory, MFENCE and PAUSE */
	START_A
	.rept 10
	leaq	1f(%rip), %rax
	movq	%rax, -8(%rsp)
	jmp	*-8(%rsp)
1:	mfence
	pause
	.endr
	STOP
	END_A

	/* 8, 9: slots A and B interleaved, 3 windows each; a discarded first */
	START_A
	nop
	STOP
	RESET
	movl	$3, %r12d
2:	START_A
	lfence
	STOP
	START_B
	xorl	%eax, %eax
	cpuid
	STOP
	decl	%r12d
	jnz	2b
	END_A
	END_B

	/* 10: a row without windows */
	END_A

	movl	$60, %eax
	xorl	%edi, %edi
	syscall

only_ret:
	ret
