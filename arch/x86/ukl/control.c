// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): who may start and control the application.
 *
 * The application runs at CPL0, so whoever writes its memory or its
 * registers runs code in ring 0, with the whole machine at hand. Starting
 * it needs CAP_SYS_RAWIO in the initial user namespace, the privilege of
 * ioperm() and iopl(), and is refused under kernel lockdown; controlling
 * it needs the same capability, whatever its uid and dumpability say:
 *
 * - PTRACE_MODE_ATTACH access to a task whose mm runs the application
 *   (ptrace attach and seize, /proc/pid/mem, process_vm_readv() and
 *   process_vm_writev(), pidfd_getfd()): ukl_may_control();
 * - a task traced across the exec that starts the application keeps its
 *   tracer, who must hold the capability too: ukl_may_start_traced().
 *
 * A privileged debugger gets a register interface that works for it: the
 * application's kernel selectors can be written back, and a whole register
 * set is written completely or not at all (ukl_genregs_set()).
 *
 * See "Who may control the application" in Documentation/ukl/ukl.rst.
 */
#include <linux/binfmts.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/minmax.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/ukl.h>
#include <linux/user.h>
#include <asm/page.h>
#include <asm/segment.h>

#include "ukl.h"

/* Exec of the trigger path, before anything else happens (exec.c). */
int ukl_may_start(void)
{
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	return security_locked_down(LOCKDOWN_UKL);
}

/*
 * The binfmt, before the point of no return: a tracer that was allowed to
 * trace the task before this exec would control the application after it,
 * without ever passing ukl_may_control(). As for a setuid exec under
 * ptrace, what counts is the tracer's credentials when it attached, read
 * under cred_guard_mutex (which ptrace_attach() also takes).
 */
int ukl_may_start_traced(struct linux_binprm *bprm)
{
	const struct cred *cred;
	int ret = 0;

	if (!(bprm->unsafe & LSM_UNSAFE_PTRACE))
		return 0;

	rcu_read_lock();
	cred = rcu_dereference(current->ptracer_cred);
	if (cred)
		ret = security_capable(cred, &init_user_ns, CAP_SYS_RAWIO,
				       CAP_OPT_NOAUDIT);
	rcu_read_unlock();
	return ret ? -EPERM : 0;
}

/*
 * __ptrace_may_access(), after the upstream checks passed, with
 * task_lock(@task) held, so that @task->mm cannot change under us. Only
 * PTRACE_MODE_ATTACH is restricted: it is what attaching and writing
 * memory need. Reading the application's memory needs it as well (/proc/
 * pid/mem and process_vm_readv() ask for it): code at CPL0 can copy any
 * kernel memory into its own without a system call, so what it holds is
 * no less sensitive than what the kernel holds. PTRACE_MODE_READ checks
 * (/proc/pid/stat, environ, kcmp()) are left as they are.
 */
bool ukl_may_control(struct task_struct *task, unsigned int mode)
{
	if (!(mode & PTRACE_MODE_ATTACH) || !ukl_mm(task->mm))
		return true;
	if (mode & PTRACE_MODE_NOAUDIT)
		return ns_capable_noaudit(&init_user_ns, CAP_SYS_RAWIO);
	return ns_capable(&init_user_ns, CAP_SYS_RAWIO);
}

/*
 * The application's own selectors are valid values for its CS and SS, so
 * that what PTRACE_GETREGS reports can be written back. (The user ones
 * pass putreg()'s own check.)
 */
bool ukl_ptrace_selector(struct task_struct *task, unsigned long offset,
			 u16 value)
{
	switch (offset) {
	case offsetof(struct user_regs_struct, cs):
		return value == __KERNEL_CS && ukl_mm(task->mm);
	case offsetof(struct user_regs_struct, ss):
		return value == __KERNEL_DS && ukl_mm(task->mm);
	}
	return false;
}

/*
 * Would putreg() (arch/x86/kernel/ptrace.c) refuse @value for the register
 * at @offset of @task? The same rules, without writing anything: segment
 * selectors must have RPL 3 or be null (or be the application's own CS and
 * SS), CS and SS must not be null, the FS and GS bases must be user
 * addresses.
 */
static int ukl_putreg_check(struct task_struct *task, unsigned long offset,
			    unsigned long value)
{
	u16 sel = value;

	switch (offset) {
	case offsetof(struct user_regs_struct, cs):
	case offsetof(struct user_regs_struct, ss):
		if (!sel)
			return -EIO;
		fallthrough;
	case offsetof(struct user_regs_struct, ds):
	case offsetof(struct user_regs_struct, es):
	case offsetof(struct user_regs_struct, fs):
	case offsetof(struct user_regs_struct, gs):
		if (task == current)
			return -EIO;
		if (sel && (sel & SEGMENT_RPL_MASK) != USER_RPL &&
		    !ukl_ptrace_selector(task, offset, sel))
			return -EIO;
		return 0;
	case offsetof(struct user_regs_struct, fs_base):
	case offsetof(struct user_regs_struct, gs_base):
		return value >= TASK_SIZE_MAX ? -EIO : 0;
	}
	return 0;
}

/*
 * genregs_set() for a task whose mm runs the application (PTRACE_SETREGS,
 * PTRACE_SETREGSET of NT_PRSTATUS): copy the new values, check all of
 * them, and only then let @putreg write them, so that an invalid value
 * leaves every register as it was.
 */
int ukl_genregs_set(struct task_struct *task, unsigned int pos,
		    unsigned int count, const void *kbuf,
		    const void __user *ubuf, ukl_putreg_t putreg)
{
	unsigned long regs[sizeof(struct user_regs_struct) / sizeof(long)];
	unsigned int i, n;
	int ret;

	if (pos % sizeof(long) || pos > sizeof(regs))
		return -EIO;
	n = min_t(unsigned int, count, sizeof(regs) - pos) / sizeof(long);
	if (kbuf)
		memcpy(regs, kbuf, n * sizeof(long));
	else if (copy_from_user(regs, ubuf, n * sizeof(long)))
		return -EFAULT;

	for (i = 0; i < n; i++) {
		ret = ukl_putreg_check(task, pos + i * sizeof(long), regs[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < n; i++) {
		ret = putreg(task, pos + i * sizeof(long), regs[i]);
		/* ukl_putreg_check() no longer matches putreg(). */
		if (WARN_ON_ONCE(ret))
			return ret;
	}
	return 0;
}
