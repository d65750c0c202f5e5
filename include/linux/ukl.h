/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unikernel Linux (UKL): the hooks that upstream code calls. Each is a
 * static inline no-op (or the unmodified behaviour) when CONFIG_UKL=n.
 * See Documentation/ukl/ukl.rst.
 */
#ifndef _LINUX_UKL_H
#define _LINUX_UKL_H

#include <linux/errno.h>
#include <linux/types.h>

/*
 * UKL is x86-64 only, but generic code includes this header: elsewhere,
 * no address is in the application slot.
 */
#ifdef CONFIG_X86
#include <asm/ukl.h>
#else
static inline bool ukl_slot_addr(unsigned long addr)
{
	return false;
}

static inline bool ukl_slot_range(unsigned long addr, unsigned long size)
{
	return false;
}
#endif

struct core_vma_metadata;
struct file;
struct filename;
struct linux_binfmt;
struct mm_struct;
struct page;
struct pt_regs;
struct task_struct;
struct time_namespace;

/* putreg() of arch/x86/kernel/ptrace.c, handed to ukl_genregs_set(). */
typedef int (*ukl_putreg_t)(struct task_struct *task, unsigned long offset,
			    unsigned long value);

#ifdef CONFIG_UKL

#include <linux/jump_label.h>
#include <linux/spinlock_types.h>
#include <asm/pgtable_types.h>
#include <asm/ptrace.h>
#include <asm/processor-flags.h>
#include <asm/trap_pf.h>

/*
 * Enabled for good by the first exec of the trigger path that passes the
 * start checks (exec.c), before the new mm is loaded anywhere. Until then
 * no mm has the slot and no register state is the application's, so the
 * hooks on the hot paths of every process (return to user mode, page
 * faults, mm switches) are patched out: each is one NOP.
 */
DECLARE_STATIC_KEY_FALSE(ukl_started);

static __always_inline bool ukl_active(void)
{
	return static_branch_unlikely(&ukl_started);
}

struct file *ukl_open_exec(int fd, struct filename *filename);
int ukl_dup_mmap(struct mm_struct *oldmm, struct mm_struct *mm);
void ukl_exit_mmap(struct mm_struct *mm);
bool ukl_mm(struct mm_struct *mm);
bool ukl_double_fault(struct pt_regs *regs);
void ukl_signal_regs(struct pt_regs *regs);
bool __ukl_fetch_outside_slot(struct pt_regs *regs, unsigned long error_code,
			      unsigned long address);
bool __ukl_slot_fault(struct pt_regs *regs, unsigned long error_code,
		      unsigned long address);
int ukl_fixup_user_fault(struct mm_struct *mm, unsigned long address,
			 unsigned int fault_flags);
int ukl_access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf,
			 int len, unsigned int gup_flags);
bool ukl_image_addr(struct mm_struct *mm, unsigned long addr);
int ukl_core_vmas(struct mm_struct *mm, struct core_vma_metadata *meta,
		  unsigned long mm_flags);
void ukl_use_core_dump(const struct linux_binfmt *elf, int elf_class);
struct vm_area_struct *ukl_proc_vma(struct mm_struct *mm, loff_t *pos,
				    bool again);
bool ukl_rseq_cs_in_slot(u64 start_ip, u64 post_commit_offset, u64 abort_ip);
int ukl_gup_page(struct mm_struct *mm, unsigned long addr,
		 unsigned int gup_flags, struct page **pagep);
struct page *ukl_gup_lock_page(struct mm_struct *mm, unsigned long va,
			       unsigned int gup_flags, bool pin,
			       spinlock_t **ptl, pte_t **ptep);
void ukl_vdso_join_timens(struct mm_struct *mm, struct time_namespace *ns);
bool ukl_step_into_entry(struct pt_regs *regs, unsigned long dr6);
void __ukl_switch_mm(struct mm_struct *next);
ssize_t ukl_show_vulnerability(unsigned int bug, char *buf);

/*
 * Register state of application code at CPL0 (asm/ukl.h): RIP in the
 * slot, or an application stack after a control-flow bug took RIP out.
 */
static __always_inline bool ukl_app_regs(struct pt_regs *regs)
{
	return ukl_app_frame(regs);
}

/* An instruction fetch by application code outside its slot (traps.c). */
static __always_inline bool ukl_fetch_outside_slot(struct pt_regs *regs,
						   unsigned long error_code,
						   unsigned long address)
{
	return ukl_active() && __ukl_fetch_outside_slot(regs, error_code, address);
}

/* A fault on the slot's private pages: demand and copy-on-write (mm.c). */
static __always_inline bool ukl_slot_fault(struct pt_regs *regs,
					   unsigned long error_code,
					   unsigned long address)
{
	return ukl_active() && __ukl_slot_fault(regs, error_code, address);
}

/* The per-CPU state of an application mm (mm.c), at each mm switch. */
static __always_inline void ukl_switch_mm(struct mm_struct *next)
{
	if (ukl_active())
		__ukl_switch_mm(next);
}

/*
 * A machine check in application code is graded as user context (mce
 * severity looks at the RPL of the CS it records), so that a recoverable
 * memory error there ends in SIGBUS for the application, not a panic.
 */
static __always_inline unsigned long ukl_mce_user_rpl(struct pt_regs *regs)
{
	return ukl_app_regs(regs) ? 3 : 0;
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
 * Who may control the application (arch/x86/ukl/control.c): ptrace
 * access checks, and register writes by ptrace to an application task.
 */
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

static __always_inline bool ukl_app_regs(struct pt_regs *regs)
{
	return false;
}

static __always_inline unsigned long ukl_mce_user_rpl(struct pt_regs *regs)
{
	return 0;
}

static inline unsigned long ukl_syscall_insn_len(struct pt_regs *regs)
{
	return 2;
}

static inline bool ukl_fetch_outside_slot(struct pt_regs *regs,
					  unsigned long error_code,
					  unsigned long address)
{
	return false;
}

static inline bool ukl_slot_fault(struct pt_regs *regs,
				  unsigned long error_code,
				  unsigned long address)
{
	return false;
}

static inline int ukl_fixup_user_fault(struct mm_struct *mm,
				       unsigned long address,
				       unsigned int fault_flags)
{
	return -EFAULT;
}

static inline int ukl_access_remote_vm(struct mm_struct *mm,
				       unsigned long addr, void *buf, int len,
				       unsigned int gup_flags)
{
	return 0;
}

static inline bool ukl_image_addr(struct mm_struct *mm, unsigned long addr)
{
	return false;
}

static inline int ukl_core_vmas(struct mm_struct *mm,
				struct core_vma_metadata *meta,
				unsigned long mm_flags)
{
	return 0;
}

static inline void ukl_use_core_dump(const struct linux_binfmt *elf,
				     int elf_class) { }

static inline struct vm_area_struct *ukl_proc_vma(struct mm_struct *mm,
						  loff_t *pos, bool again)
{
	return NULL;
}

static inline bool ukl_rseq_cs_in_slot(u64 start_ip, u64 post_commit_offset,
				       u64 abort_ip)
{
	return false;
}

static inline int ukl_gup_page(struct mm_struct *mm, unsigned long addr,
			       unsigned int gup_flags, struct page **pagep)
{
	return -EFAULT;
}

static inline void ukl_vdso_join_timens(struct mm_struct *mm,
					struct time_namespace *ns) { }

static inline bool ukl_step_into_entry(struct pt_regs *regs,
				       unsigned long dr6)
{
	return false;
}

static inline void ukl_switch_mm(struct mm_struct *next) { }

static inline ssize_t ukl_show_vulnerability(unsigned int bug, char *buf)
{
	return 0;
}

/* Who may control the application: no application, upstream rules. */
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
