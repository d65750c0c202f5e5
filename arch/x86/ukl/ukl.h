/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unikernel Linux (UKL): what arch/x86/ukl/ shares internally.
 */
#ifndef _ARCH_X86_UKL_UKL_H
#define _ARCH_X86_UKL_UKL_H

#include <linux/types.h>

struct mm_struct;

/*
 * The image's bytes inside the kernel image (vmlinux.lds.S) and its layout
 * as offsets into the slot (mkslot.sh): [0, rx_end) is the ELF header and
 * text, [rx_end, rw) read-only data and the TLS template, [rw, file_end)
 * initialised data and [file_end, end) bss. All are 0 without an
 * application. Kernel code cannot take the address of a slot symbol
 * (-mcmodel=kernel), hence offsets.
 */
extern const char __ukl_tmpl_start[];
extern const char __ukl_off_rx_end[], __ukl_off_rw[];
extern const char __ukl_off_file_end[], __ukl_off_end[];

#define ukl_off(name)	((unsigned long)__ukl_off_##name)

int ukl_map_image(struct mm_struct *mm);
int ukl_check_mitigations(void);

/* Who may start the application (control.c). */
struct linux_binprm;

int ukl_may_start(void);
int ukl_may_start_traced(struct linux_binprm *bprm);

#endif /* _ARCH_X86_UKL_UKL_H */
