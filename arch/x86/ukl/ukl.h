/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unikernel Linux (UKL): what arch/x86/ukl/ shares internally.
 */
#ifndef _ARCH_X86_UKL_UKL_H
#define _ARCH_X86_UKL_UKL_H

#include <linux/pgtable.h>
#include <linux/types.h>
#include <asm/syscall.h>

struct mm_struct;
struct time_namespace;

/*
 * The image's bytes inside the kernel image (vmlinux.lds.S) and its layout
 * as offsets into the slot (mkslot.sh): [0, rx_end) is the ELF header and
 * text, [rx_end, rw) read-only data and the TLS template, [rw, file_end)
 * initialised data and [file_end, end) bss; syscall_entry is the system
 * call trampoline (slot_entry.S). All are 0 without an
 * application. Kernel code cannot take the address of a slot symbol
 * (-mcmodel=kernel), hence offsets.
 */
extern const char __ukl_tmpl_start[];
extern const char __ukl_off_rx_end[], __ukl_off_rw[];
extern const char __ukl_off_file_end[], __ukl_off_end[];
extern const char __ukl_off_syscall_entry[], __ukl_off_entry_ptr[];

#define ukl_off(name)	((unsigned long)__ukl_off_##name)

int ukl_map_image(struct mm_struct *mm);
void ukl_perf_mmap(struct mm_struct *mm);
pmd_t *ukl_lookup_pmd(struct mm_struct *mm, unsigned long va);

/*
 * The vDSO (vdso/map.c), mapped in the slot from ukl_vdso_off() - 4 pages
 * (its vvar pages; a guard page after the image) to ukl_vdso_end().
 */
int ukl_map_vdso(struct mm_struct *mm);
int ukl_dup_vdso(struct mm_struct *oldmm, struct mm_struct *mm);
unsigned long ukl_vdso_base(struct mm_struct *mm);
unsigned long ukl_vvar_off(void);
unsigned long ukl_vdso_off(void);
unsigned long ukl_vdso_end(void);

int ukl_check_mitigations(void);
int ukl_check_platform(void);

/* Who may start the application (control.c). */
struct linux_binprm;

int ukl_may_start(void);
int ukl_may_start_traced(struct linux_binprm *bprm);

/*
 * The application's system call dispatch (syscall.c): slot [nr] for
 * system call nr, [NR_syscalls + n] for UKL_NR_BASE + n (uapi/linux/ukl.h).
 * shortcut.c puts in the calls it replaces (CONFIG_UKL_SHORTCUT).
 */
void ukl_shortcut_fill(sys_call_ptr_t *table);

/* The system calls the shortcuts hand other files to (SYSCALL_DEFINE). */
long __x64_sys_read(const struct pt_regs *regs);
long __x64_sys_write(const struct pt_regs *regs);
long __x64_sys_writev(const struct pt_regs *regs);
long __x64_sys_sendto(const struct pt_regs *regs);
long __x64_sys_recvfrom(const struct pt_regs *regs);
long __x64_sys_sendmsg(const struct pt_regs *regs);

#endif /* _ARCH_X86_UKL_UKL_H */
