// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): the C part of the application's system calls,
 * with CONFIG_UKL_BYPASS or CONFIG_UKL_SHORTCUT (without either,
 * ukl_entry_from_app calls do_syscall_64() itself).
 * See "The system call fast path" and "Shortcuts into the kernel" in
 * Documentation/ukl/ukl.rst.
 *
 * ukl_entry_from_app (entry_64_ukl.S) builds the same pt_regs and runs the
 * same entry mitigations with or without these options; only the C part
 * differs. Its functions come from ukl_call_table: the system call table,
 * with the shortcuts of shortcut.c in place of read(), write() ... and
 * after it the UKL-private calls of uapi/linux/ukl.h (CONFIG_UKL_SHORTCUT).
 *
 * CONFIG_UKL_BYPASS: ukl_do_syscall_64() takes the fast path when
 *
 *  - the call is not one of ukl_bypass_normal[] (those that rewrite the
 *    register state or never return),
 *  - the application's RFLAGS are the ordinary ones (IF and AC set, TF,
 *    DF and NT clear), which the fast return restores without POPFQ, and
 *  - the thread has no syscall entry work (seccomp, ptrace, audit, the
 *    sys_enter tracepoint, syscall user dispatch).
 *
 * Otherwise it is do_syscall_64(), word for word, or with a shortcut its
 * copy that calls the shortcut (ukl_shortcut_syscall()). The fast path runs the
 * transitions the normal path runs (enter_from_user_mode() and
 * exit_to_user_mode(): context tracking, lockdep, KMSAN), with IRQs on
 * around the call, and calls the system call's function directly instead
 * of going through x64_sys_call(). On the way back, with IRQs off, any
 * exit work (a signal, rescheduling, notify-resume, uprobes, livepatch,
 * an FPU reload, syscall exit work, an IBPB owed to user space) sends it
 * through syscall_exit_to_user_mode(), exactly as a normal call. After
 * either, the return is the fast one too (STI; RET, see entry_64_ukl.S)
 * unless the exit work changed where or how the application resumes: a
 * signal frame, a restart, an rseq abort, a debugger's registers or single
 * step take IRETQ. What the fast path skips when there is no work:
 * add_random_kstack_offset() and choose_random_kstack_offset(), which
 * randomise the kernel stack against user-space attackers (the
 * application runs in ring 0 and can read that stack anyway), and the
 * compat status bits, which only 32-bit system calls and ptrace stops set.
 */
#include <linux/entry-common.h>
#include <linux/init.h>
#include <linux/kmsan.h>
#include <linux/nospec.h>
#include <linux/rseq.h>
#include <linux/syscalls.h>
#include <linux/ukl.h>
#include <uapi/linux/ukl.h>
#include <asm/fpu/api.h>
#include <asm/nospec-branch.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "ukl.h"

/*
 * System calls that always take the normal path: they replace or rewrite
 * the register state the IRET path returns with (rt_sigreturn, execve,
 * execveat, uretprobe, iopl), start a child from a copy of it (fork, vfork,
 * clone, clone3), change segment or FS/GS state (arch_prctl, modify_ldt),
 * set up the I/O bitmap the exit work installs (ioperm), or never return
 * (exit, exit_group).
 */
static const unsigned short ukl_bypass_normal[] __initconst = {
	__NR_rt_sigreturn, __NR_execve, __NR_execveat, __NR_uretprobe,
	__NR_iopl, __NR_fork, __NR_vfork, __NR_clone, __NR_clone3,
	__NR_arch_prctl, __NR_modify_ldt, __NR_ioperm, __NR_exit,
	__NR_exit_group,
};

#define UKL_CALLS	(NR_syscalls + UKL_NR_CALLS)

/*
 * Every call's function ([nr], then [NR_syscalls + n] for UKL_NR_BASE + n);
 * the same where the fast path may call it, NULL where it may not; and
 * whether the function is not the system call table's (a shortcut).
 */
static sys_call_ptr_t ukl_call_table[UKL_CALLS] __ro_after_init;
static sys_call_ptr_t ukl_fast_table[UKL_CALLS] __ro_after_init;
static bool ukl_shortcut_call[UKL_CALLS] __ro_after_init;

static int __init ukl_syscall_init(void)
{
	unsigned int i;

	for (i = 0; i < NR_syscalls; i++)
		ukl_call_table[i] = sys_call_table[i];
	if (IS_ENABLED(CONFIG_UKL_SHORTCUT))
		ukl_shortcut_fill(ukl_call_table);
	for (i = 0; i < UKL_CALLS; i++) {
		ukl_shortcut_call[i] = ukl_call_table[i] &&
			(i >= NR_syscalls || ukl_call_table[i] != sys_call_table[i]);
		if (IS_ENABLED(CONFIG_UKL_BYPASS))
			ukl_fast_table[i] = ukl_call_table[i];
	}
	for (i = 0; i < ARRAY_SIZE(ukl_bypass_normal); i++)
		ukl_fast_table[ukl_bypass_normal[i]] = NULL;
	return 0;
}
early_initcall(ukl_syscall_init);

/*
 * The index in ukl_call_table of system call @nr, or -1 for a number that
 * is neither (do_syscall_64() deals with it).
 */
static __always_inline int ukl_call_index(int nr)
{
	unsigned int unr = nr;

	if (likely(unr < NR_syscalls))
		return array_index_nospec(unr, NR_syscalls);
	unr -= UKL_NR_BASE;
	if (IS_ENABLED(CONFIG_UKL_SHORTCUT) && unr < UKL_NR_CALLS)
		return NR_syscalls + array_index_nospec(unr, UKL_NR_CALLS);
	return -1;
}

/* What a fast return restores of RFLAGS, and the value it restores. */
#define UKL_BYPASS_FLAGS_MASK	(X86_EFLAGS_IF | X86_EFLAGS_AC | X86_EFLAGS_TF | \
				 X86_EFLAGS_DF | X86_EFLAGS_NT)
#define UKL_BYPASS_FLAGS	(X86_EFLAGS_IF | X86_EFLAGS_AC)

/* The thread flags of exit_to_user_mode_prepare()'s work and arch work. */
#define UKL_BYPASS_EXIT_WORK	(EXIT_TO_USER_MODE_WORK | _TIF_USER_RETURN_NOTIFY | \
				 _TIF_IO_BITMAP | _TIF_NEED_FPU_LOAD)

static __always_inline sys_call_ptr_t ukl_bypass_fn(struct pt_regs *regs, int nr)
{
	int i = ukl_call_index(nr);

	if (!IS_ENABLED(CONFIG_UKL_BYPASS) || unlikely(i < 0))
		return NULL;
	if (unlikely((regs->flags & UKL_BYPASS_FLAGS_MASK) != UKL_BYPASS_FLAGS))
		return NULL;
	if (unlikely(READ_ONCE(current_thread_info()->syscall_work) & SYSCALL_WORK_ENTER))
		return NULL;
	return ukl_fast_table[i];
}

/*
 * After the call, with IRQs on: disable them for good and return true if
 * nothing is left to do before the return to the application, or enable
 * them again and return false for syscall_exit_to_user_mode() to do it.
 * The checks are those of syscall_exit_to_user_mode_prepare() and
 * exit_to_user_mode_prepare(), in their order.
 */
static __always_inline bool ukl_bypass_exit(struct pt_regs *regs)
{
	/* Let the normal exit warn about a call that left IRQs off. */
	if (IS_ENABLED(CONFIG_PROVE_LOCKING) && irqs_disabled())
		return false;
	rseq_syscall(regs);
	if (unlikely(READ_ONCE(current_thread_info()->syscall_work) & SYSCALL_WORK_EXIT))
		return false;

	local_irq_disable_exit_to_user();
	tick_nohz_user_enter_prepare();
	if (unlikely(read_thread_flags() & UKL_BYPASS_EXIT_WORK) ||
	    unlikely(cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER) &&
		     this_cpu_read(x86_ibpb_exit_to_user))) {
		local_irq_enable();
		return false;
	}
	fpregs_assert_state_consistent();
	kmap_assert_nomap();
	lockdep_assert_irqs_disabled();
	lockdep_sys_exit();
	return true;
}

/*
 * After the normal exit work, with IRQs off: true if it left the frame as
 * the call made it (no signal frame, restart, rseq abort or debugger
 * changed where and how the application resumes), so that the fast return
 * resumes it exactly as IRETQ would. Every register comes back from
 * pt_regs either way.
 */
static __always_inline bool ukl_frame_unchanged(struct pt_regs *regs, unsigned long ip,
						unsigned long sp)
{
	return regs->ip == ip && regs->sp == sp && regs->cs == __KERNEL_CS &&
	       regs->ss == __KERNEL_DS &&
	       (regs->flags & UKL_BYPASS_FLAGS_MASK) == UKL_BYPASS_FLAGS;
}

/* The normal exit work, then the return the frame allows. */
static noinline noinstr bool ukl_normal_exit(struct pt_regs *regs)
{
	unsigned long ip = regs->ip, sp = regs->sp;

	syscall_exit_to_user_mode(regs);
	return ukl_frame_unchanged(regs, ip, sp);
}

/*
 * do_syscall_64() with the shortcut's function for a call it replaces.
 * Seccomp or a tracer may change the number on the way in; the call made
 * is the one they leave (an x32 number: ENOSYS, as this entry is 64-bit
 * only).
 */
static noinline noinstr void ukl_shortcut_syscall(struct pt_regs *regs, int nr)
{
	int i;

	add_random_kstack_offset();
	nr = syscall_enter_from_user_mode(regs, nr);

	instrumentation_begin();
	i = ukl_call_index(nr);
	if (likely(i >= 0 && ukl_call_table[i]))
		regs->ax = ukl_call_table[i](regs);
	else if (nr != -1)
		regs->ax = __x64_sys_ni_syscall(regs);
	instrumentation_end();

	syscall_exit_to_user_mode(regs);
}

/* Whether call @nr is a shortcut (CONFIG_UKL_SHORTCUT). */
static __always_inline bool ukl_is_shortcut(int nr)
{
	int i = ukl_call_index(nr);

	return IS_ENABLED(CONFIG_UKL_SHORTCUT) && i >= 0 && ukl_shortcut_call[i];
}

/* The normal path, then the return the frame allows. */
static noinline noinstr bool ukl_normal_syscall(struct pt_regs *regs, int nr)
{
	unsigned long ip = regs->ip, sp = regs->sp;

	if (ukl_is_shortcut(nr))
		ukl_shortcut_syscall(regs, nr);
	else
		do_syscall_64(regs, nr);
	/*
	 * A child that shared the memory (vfork, CLONE_VM) may have run on
	 * this stack, over the return address RET would take.
	 */
	if (nr == __NR_vfork || nr == __NR_clone || nr == __NR_clone3)
		return false;
	return ukl_frame_unchanged(regs, ip, sp);
}

/*
 * Called by ukl_entry_from_app with IRQs off, on the task stack, with the
 * full pt_regs of the call. Returns with IRQs off and the exit work done:
 * true for the fast return (STI; RET from the slot), false for IRETQ.
 */
__visible noinstr bool ukl_do_syscall_64(struct pt_regs *regs, int nr)
{
	sys_call_ptr_t fn;

	/*
	 * Shortcuts only: never a fast return (that is the bypass's slot
	 * stub), and do_syscall_64() returns false for application frames.
	 */
	if (!IS_ENABLED(CONFIG_UKL_BYPASS)) {
		if (ukl_is_shortcut(nr)) {
			ukl_shortcut_syscall(regs, nr);
			return false;
		}
		return do_syscall_64(regs, nr);
	}

	fn = ukl_bypass_fn(regs, nr);

	if (!fn)
		return ukl_normal_syscall(regs, nr);

	enter_from_user_mode(regs);
	instrumentation_begin();
	local_irq_enable();
	regs->ax = fn(regs);
	if (likely(ukl_bypass_exit(regs))) {
		instrumentation_end();
		exit_to_user_mode();
		return true;
	}
	instrumentation_end();
	/* A bypassed call does not change the frame: take it after it. */
	return ukl_normal_exit(regs);
}
