// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): starting the application through exec.
 *
 * An execve() of exactly CONFIG_UKL_NAME (also as init=) opens a private
 * in-kernel file instead of a path (ukl_open_exec(), called from
 * alloc_bprm()), so everything exec does with a file - credentials, LSM
 * and audit hooks, comm, /proc/pid/exe, the point of no return - is done
 * as for any program. That file holds the ELF header of the image and is
 * recognised by ukl_format, which reads nothing else from it: it gives the
 * new mm the application slot (mm.c), puts argv, envp and an auxiliary
 * vector describing the image on a normal user-half stack, and starts the
 * application at CPL0 at its _start, with the UKL vDSO in its slot
 * (vdso/map.c): the ordinary one's code is in user pages, which SMEP
 * forbids at CPL0.
 */
#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/elf.h>
#include <linux/elf-randomize.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/random.h>
#include <linux/rseq.h>
#include <linux/sched/mm.h>
#include <linux/sched/task_stack.h>
#include <linux/shmem_fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/ukl.h>
#include <linux/utsname.h>

#include "ukl.h"

static struct file *ukl_file __ro_after_init;
static struct linux_binfmt ukl_format;

/* Also tested by inline uaccess checks (ukl_slot_live() in asm/ukl.h). */
DEFINE_STATIC_KEY_FALSE(ukl_started);
EXPORT_SYMBOL(ukl_started);

struct file *ukl_open_exec(int fd, struct filename *filename)
{
	int err;

	if (!ukl_file || strcmp(filename->name, CONFIG_UKL_NAME))
		return NULL;
	/* A relative name is only the trigger when it is relative to cwd. */
	if (filename->name[0] != '/' && fd != AT_FDCWD)
		return NULL;
	/*
	 * Code at CPL0 can do anything to the machine: starting it is a
	 * privilege, the same one that ioperm() and iopl() ask for, and
	 * lockdown forbids it (control.c).
	 */
	err = ukl_may_start();
	if (err)
		return ERR_PTR(err);
	err = ukl_check_platform();
	if (err)
		return ERR_PTR(err);
	err = ukl_check_mitigations();
	if (err)
		return ERR_PTR(err);
	/* Before this exec loads the new mm on any CPU (ukl_switch_mm()). */
	static_branch_enable(&ukl_started);

	/* As do_open_execat(): alloc_bprm()'s error path undoes this. */
	err = exe_file_deny_write_access(ukl_file);
	if (err)
		return ERR_PTR(err);
	return get_file(ukl_file);
}

static const struct elf64_hdr *ukl_ehdr(void)
{
	return (const struct elf64_hdr *)__ukl_tmpl_start;
}

/*
 * Write @n pointers to the consecutive strings at *@str to the user stack
 * at *@sp, then a NULL; advance both.
 */
static int ukl_put_pointers(unsigned long __user **sp, unsigned long *str, int n)
{
	size_t len;

	while (n--) {
		if (put_user(*str, (*sp)++))
			return -EFAULT;
		len = strnlen_user((void __user *)*str, MAX_ARG_STRLEN);
		if (!len || len > MAX_ARG_STRLEN)
			return -EINVAL;
		*str += len;
	}
	return put_user(0, (*sp)++) ? -EFAULT : 0;
}

/*
 * The initial stack, from the top: the platform string, 16 random bytes
 * (AT_RANDOM), then, 16-byte aligned, argc, argv[], NULL, envp[], NULL and
 * the auxiliary vector. The argument and environment strings are already
 * there (copied by exec from bprm->p up).
 */
static int ukl_create_tables(struct linux_binprm *bprm, unsigned long entry)
{
	const struct elf64_hdr *ehdr = ukl_ehdr();
	const struct cred *cred = current_cred();
	struct mm_struct *mm = current->mm;
	unsigned long *auxv = (unsigned long *)mm->saved_auxv;
	const char *platform = ELF_PLATFORM;
	unsigned long vdso = ukl_vdso_base(mm);
	unsigned long p, str, u_platform, u_random;
	unsigned long __user *sp;
	u8 random[16];
	int ret, n = 0;
	size_t len;

	p = arch_align_stack(bprm->p);
	len = strlen(platform) + 1;
	p -= len;
	u_platform = p;
	if (copy_to_user((void __user *)p, platform, len))
		return -EFAULT;
	get_random_bytes(random, sizeof(random));
	p -= sizeof(random);
	u_random = p;
	if (copy_to_user((void __user *)p, random, sizeof(random)))
		return -EFAULT;

#define UKL_AUX(id, val) do { auxv[n++] = (id); auxv[n++] = (val); } while (0)
	UKL_AUX(AT_HWCAP, ELF_HWCAP);
	UKL_AUX(AT_PAGESZ, PAGE_SIZE);
	UKL_AUX(AT_CLKTCK, CLOCKS_PER_SEC);
	UKL_AUX(AT_PHDR, UKL_SLOT_BASE + ehdr->e_phoff);
	UKL_AUX(AT_PHENT, sizeof(struct elf64_phdr));
	UKL_AUX(AT_PHNUM, ehdr->e_phnum);
	UKL_AUX(AT_BASE, 0);
	UKL_AUX(AT_FLAGS, 0);
	UKL_AUX(AT_ENTRY, entry);
	UKL_AUX(AT_UID, from_kuid_munged(cred->user_ns, cred->uid));
	UKL_AUX(AT_EUID, from_kuid_munged(cred->user_ns, cred->euid));
	UKL_AUX(AT_GID, from_kgid_munged(cred->user_ns, cred->gid));
	UKL_AUX(AT_EGID, from_kgid_munged(cred->user_ns, cred->egid));
	UKL_AUX(AT_SECURE, bprm->secureexec);
	UKL_AUX(AT_RANDOM, u_random);
	UKL_AUX(AT_HWCAP2, ELF_HWCAP2);
	UKL_AUX(AT_EXECFN, bprm->exec);
	UKL_AUX(AT_PLATFORM, u_platform);
	UKL_AUX(AT_MINSIGSTKSZ, get_sigframe_size());
	if (vdso)
		UKL_AUX(AT_SYSINFO_EHDR, vdso);
	if (IS_ENABLED(CONFIG_RSEQ)) {
		UKL_AUX(AT_RSEQ_FEATURE_SIZE, offsetof(struct rseq, end));
		UKL_AUX(AT_RSEQ_ALIGN, __alignof__(struct rseq));
	}
	UKL_AUX(AT_NULL, 0);
#undef UKL_AUX
	BUILD_BUG_ON(2 * 23 > AT_VECTOR_SIZE);

	p -= (1 + bprm->argc + 1 + bprm->envc + 1 + n) * sizeof(long);
	sp = (unsigned long __user *)(p & ~15UL);
	bprm->p = (unsigned long)sp;

	if (put_user(bprm->argc, sp++))
		return -EFAULT;
	str = mm->arg_start;
	ret = ukl_put_pointers(&sp, &str, bprm->argc);
	if (ret)
		return ret;
	mm->arg_end = str;
	mm->env_start = str;
	ret = ukl_put_pointers(&sp, &str, bprm->envc);
	if (ret)
		return ret;
	mm->env_end = str;

	if (copy_to_user(sp, auxv, n * sizeof(long)))
		return -EFAULT;
	return 0;
}

static int ukl_load_binary(struct linux_binprm *bprm)
{
	unsigned long entry = ukl_ehdr()->e_entry;
	struct pt_regs *regs = current_pt_regs();
	struct mm_struct *mm;
	int ret;

	if (bprm->file != ukl_file)
		return -ENOEXEC;
	ret = ukl_may_start_traced(bprm);
	if (ret)
		return ret;

	ret = begin_new_exec(bprm);
	if (ret)
		return ret;

	/*
	 * From here on, failure kills the task (as for binfmt_elf). Map the
	 * image while exec still holds cred_guard_mutex and exec_update_lock
	 * (setup_new_exec() drops them): no ptrace attach or mm_access() may
	 * see the new mm before ukl_mm() is true for it (control.c).
	 */
	mm = current->mm;
	ret = ukl_map_image(mm) ?: ukl_map_vdso(mm);
	if (ret)
		return ret;
	/* The mm was switched to before the slot was mapped: catch up. */
	preempt_disable();
	ukl_switch_mm(mm);
	preempt_enable();
	set_personality_64bit();
	/* Address-space randomisation as for any ELF program (binfmt_elf). */
	if (!(current->personality & ADDR_NO_RANDOMIZE) && randomize_va_space)
		current->flags |= PF_RANDOMIZE;
	setup_new_exec(bprm);

	ret = setup_arg_pages(bprm, randomize_stack_top(STACK_TOP),
			      EXSTACK_DISABLE_X);
	if (ret)
		return ret;
	set_binfmt(&ukl_format);

	mm->start_code = UKL_SLOT_BASE;
	mm->end_code = UKL_SLOT_BASE + ukl_off(rx_end);
	mm->start_data = UKL_SLOT_BASE + ukl_off(rw);
	mm->end_data = UKL_SLOT_BASE + ukl_off(file_end);
	/* The heap starts where a PIE's would; brk() maps it on demand. */
	mm->brk = PAGE_ALIGN(ELF_ET_DYN_BASE);
	if ((current->flags & PF_RANDOMIZE) && randomize_va_space > 1)
		mm->brk = arch_randomize_brk(mm);
	mm->start_brk = mm->brk;
	ukl_perf_mmap(mm);

	ret = ukl_create_tables(bprm, entry);
	if (ret)
		return ret;

	finalize_exec(bprm);

	/*
	 * As for a 64-bit ELF program, but at CPL0 and with AC set (the
	 * stack and heap are user pages). The exit path returns with IRETQ
	 * and without SWAPGS, as for every application frame.
	 */
	ELF_PLAT_INIT(regs, 0);		/* %rdx = 0: no rtld_fini for _start */
	start_thread(regs, entry, bprm->p);
	regs->csx = __KERNEL_CS;
	regs->ssx = __KERNEL_DS;
	regs->flags |= X86_EFLAGS_AC;
	return 0;
}

static struct linux_binfmt ukl_format = {
	.module		= THIS_MODULE,
	.load_binary	= ukl_load_binary,
};

/*
 * binfmt_elf hands over its core dump writer when it registers: the
 * application dumps the ELF core an ELF program would (ukl_core_vmas()
 * adds the slot to it). With COMPAT, compat_binfmt_elf (the same source
 * built for ELFCLASS32) registers too; its i386 cores are not for a
 * 64-bit application.
 */
void ukl_use_core_dump(const struct linux_binfmt *elf, int elf_class)
{
	if (elf_class != ELFCLASS64)
		return;
	ukl_format.core_dump = elf->core_dump;
	ukl_format.min_coredump = elf->min_coredump;
}

static int __init ukl_exec_init(void)
{
	size_t len = ukl_off(rx_end) ? PAGE_SIZE : 0;
	struct file *file;
	loff_t pos = 0;
	ssize_t ret;

	if (!len)
		return 0;		/* built without an application */
	if (ukl_mm(&init_mm)) {
		pr_err("UKL: the application slot %#lx is in use, disabled\n",
		       UKL_SLOT_BASE);
		return -EBUSY;
	}

	file = shmem_kernel_file_setup("UKL", len, VM_NORESERVE);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = kernel_write(file, __ukl_tmpl_start, len, &pos);
	if (ret != len) {
		fput(file);
		return ret < 0 ? ret : -EIO;
	}
	ukl_file = file;
	insert_binfmt(&ukl_format);
	pr_info("UKL: application linked in, started by exec of %s\n",
		CONFIG_UKL_NAME);
	return 0;
}
late_initcall(ukl_exec_init);
