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

/* Offsets of %r15 and %rip in an x86-64 ucontext_t (uc_mcontext.gregs) */
#define UC_R15	96
#define UC_RIP	168

/* One window around one privileged instruction, which faults in ring 3 */
#define PRIV(insn...)		\
	leaq	9f(%rip), %r15;	\
	START_A;		\
	insn;			\
9:	END_A

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

	/* 11: VERW of the null selector: allowed in ring 3, clears ZF */
	xorl	%eax, %eax
	START_A
	.rept 5
	verw	%ax
	.endr
	STOP
	END_A

	/*
	 * 12-14: privileged instructions.  In ring 3 each one faults; the
	 * plugin counts it before it runs, and the SIGSEGV handler closes
	 * the window before it runs anything else, then resumes at %r15.
	 * MOV to CR3/CR4 and SYSRET cannot be checked this way: in ring 3
	 * QEMU stops decoding MOV to CR before its ModRM byte, and SYSRET
	 * raises #UD.  make bench shows them (SYSRET once per system call).
	 */
	leaq	sigact(%rip), %rsi
	leaq	on_fault(%rip), %rax
	movq	%rax, (%rsi)
	leaq	restorer(%rip), %rax
	movq	%rax, 16(%rsi)
	movl	$13, %eax		/* rt_sigaction(SIGSEGV, &sigact, NULL, 8) */
	movl	$11, %edi
	xorl	%edx, %edx
	movl	$8, %r10d
	syscall
	testq	%rax, %rax
	jnz	fail

	PRIV(swapgs)
	PRIV(wrmsr)
	PRIV(rdmsr)

	/*
	 * 15: two calls from floor_call (the plugin's floor=CALL:RET) of a
	 * function of four instructions, in a loop: floor 2 x (1 + 4)
	 */
	movl	$2, %ecx
	START_A
1:
floor_call:
	call	floor_fn
floor_ret:
	decl	%ecx
	jnz	1b
	STOP
	END_A

	movl	$60, %eax
	xorl	%edi, %edi
	syscall

fail:
	movl	$60, %eax
	movl	$1, %edi
	syscall

only_ret:
	ret

floor_fn:
	nop
	nop
	nop
	ret

/* SIGSEGV handler: %rdx is the ucontext; resume at the saved %r15. */
on_fault:
	STOP
	movq	UC_R15(%rdx), %rax
	movq	%rax, UC_RIP(%rdx)
	ret

restorer:
	movl	$15, %eax		/* rt_sigreturn */
	syscall

	.data
	.balign	8
sigact:					/* the kernel's struct sigaction */
	.quad	0			/* handler */
	.quad	0x04000004		/* SA_RESTORER | SA_SIGINFO */
	.quad	0			/* restorer */
	.quad	0			/* mask */
