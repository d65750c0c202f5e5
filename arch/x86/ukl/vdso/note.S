/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UKL vDSO: the ordinary vDSO's ELF notes, and the pointer its system call
 * fallbacks call through (vclock.c). The kernel writes the address of the
 * application's system call trampoline there at boot (arch/x86/ukl/vdso.c),
 * before the image becomes read-only; the image is mapped read-only and
 * executable in the application slot only.
 */
#include "../../entry/vdso/vdso-note.S"

	.section .rodata, "a"
	.balign 8
	.globl __ukl_vdso_entry
	.hidden __ukl_vdso_entry
	.type __ukl_vdso_entry, @object
	.size __ukl_vdso_entry, 8
__ukl_vdso_entry:
	.quad 0
