/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assembler-only header. Unikernel Linux (UKL): macros for the assembler
 * code that checks user pointers. Each expands to nothing with
 * CONFIG_UKL=n. See asm/ukl.h for the application slot.
 */
#ifndef _ASM_X86_UKL_ASM_H
#define _ASM_X86_UKL_ASM_H

#include <asm/ukl.h>

/*
 * For the uaccess range checks in getuser.S and putuser.S: if the address
 * in register \addr lies in the application slot, set \dst to \val.
 * Branch-free, so that a mispredicted check cannot let any other kernel
 * address through speculatively. Preserves every register but \dst.
 */
.macro UKL_SLOT_CMOV addr:req, dst:req, val:req, tmp:req
#ifdef CONFIG_UKL
	push	%\tmp
	mov	%\addr, %\tmp
	shr	$UKL_SLOT_SHIFT, %\tmp
	cmp	$UKL_SLOT_INDEX, %\tmp
	mov	$\val, %\tmp
	cmove	%\tmp, %\dst
	pop	%\tmp
#endif
.endm

#endif /* _ASM_X86_UKL_ASM_H */
