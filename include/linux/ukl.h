/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unikernel Linux (UKL): the hooks that upstream code calls. Each is a
 * static inline no-op (or the unmodified behaviour) when CONFIG_UKL=n.
 * See Documentation/ukl/ukl.rst.
 */
#ifndef _LINUX_UKL_H
#define _LINUX_UKL_H

#include <linux/types.h>
#include <asm/ukl.h>

struct file;
struct filename;
struct mm_struct;
struct pt_regs;

#ifdef CONFIG_UKL

#include <asm/ptrace.h>
#include <asm/processor-flags.h>
#include <asm/trap_pf.h>

struct file *ukl_open_exec(int fd, struct filename *filename);
int ukl_dup_mmap(struct mm_struct *oldmm, struct mm_struct *mm);
void ukl_exit_mmap(struct mm_struct *mm);
bool ukl_mm(struct mm_struct *mm);
bool ukl_double_fault(struct pt_regs *regs);
void ukl_signal_regs(struct pt_regs *regs);

/* Register state of application code: CPL0, RIP in the slot. */
static __always_inline bool ukl_app_regs(struct pt_regs *regs)
{
	return ukl_slot_addr(regs->ip) && !(regs->cs & 3);
}

/* A page fault taken in application code is a user fault. */
static __always_inline unsigned long
ukl_page_fault_error_code(struct pt_regs *regs, unsigned long error_code)
{
	if (ukl_app_regs(regs))
		error_code |= X86_PF_USER;
	return error_code;
}

/*
 * The application's system calls are "call *__ukl_syscall_ptr(%rip)"
 * (ff 15 disp32), so a restart rewinds 6 bytes instead of SYSCALL's 2.
 */
static inline unsigned long ukl_syscall_insn_len(struct pt_regs *regs)
{
	return ukl_app_regs(regs) ? 6 : 2;
}

/*
 * Application code always runs with RFLAGS.AC set: its stack, heap and
 * mmaps are user pages, which SMAP would otherwise forbid at CPL0.
 */
static __always_inline void ukl_exit_to_app(struct pt_regs *regs)
{
	if (ukl_app_regs(regs))
		regs->flags |= X86_EFLAGS_AC;
}

/*
 * Who may control the application (arch/x86/ukl/control.c): ptrace
 * access checks, and register writes by ptrace to an application task.
 */
struct task_struct;

typedef int (*ukl_putreg_t)(struct task_struct *task, unsigned long offset,
			    unsigned long value);

bool ukl_may_control(struct task_struct *task, unsigned int mode);
bool ukl_ptrace_selector(struct task_struct *task, unsigned long offset,
			 u16 value);
int ukl_genregs_set(struct task_struct *task, unsigned int pos,
		    unsigned int count, const void *kbuf,
		    const void __user *ubuf, ukl_putreg_t putreg);

#else /* !CONFIG_UKL */

static inline struct file *ukl_open_exec(int fd, struct filename *filename)
{
	return NULL;
}

static inline int ukl_dup_mmap(struct mm_struct *oldmm, struct mm_struct *mm)
{
	return 0;
}

static inline void ukl_exit_mmap(struct mm_struct *mm) { }
static inline bool ukl_mm(struct mm_struct *mm) { return false; }
static __always_inline bool ukl_double_fault(struct pt_regs *regs)
{
	return false;
}

static inline void ukl_signal_regs(struct pt_regs *regs) { }

static __always_inline unsigned long
ukl_page_fault_error_code(struct pt_regs *regs, unsigned long error_code)
{
	return error_code;
}

static inline unsigned long ukl_syscall_insn_len(struct pt_regs *regs)
{
	return 2;
}

static __always_inline void ukl_exit_to_app(struct pt_regs *regs) { }

/* Who may control the application: no application, upstream rules. */
#include <linux/errno.h>

struct task_struct;

typedef int (*ukl_putreg_t)(struct task_struct *task, unsigned long offset,
			    unsigned long value);

static inline bool ukl_may_control(struct task_struct *task, unsigned int mode)
{
	return true;
}

static inline bool ukl_ptrace_selector(struct task_struct *task,
				       unsigned long offset, u16 value)
{
	return false;
}

/* Only called for an application task (ukl_mm()), never without UKL. */
static inline int ukl_genregs_set(struct task_struct *task, unsigned int pos,
				  unsigned int count, const void *kbuf,
				  const void __user *ubuf, ukl_putreg_t putreg)
{
	return -EIO;
}

#endif /* CONFIG_UKL */
#endif /* _LINUX_UKL_H */
