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
 * See "Who may control the application" in Documentation/ukl/ukl.rst.
 */
#include <linux/binfmts.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/ukl.h>

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
