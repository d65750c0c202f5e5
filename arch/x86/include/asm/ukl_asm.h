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
 * For the uaccess range checks in getuser.S and putuser.S, branch-free, so
 * that a mispredicted check cannot let any other kernel address through
 * speculatively, and without touching the stack.
 *
 * UKL_SLOT_TEST: set ZF if the address in register \addr lies in the
 * application slot. Clobbers \tmp.
 */
.macro UKL_SLOT_TEST addr:req, tmp:req
#ifdef CONFIG_UKL
	mov	%\addr, %\tmp
	shr	$UKL_SLOT_SHIFT, %\tmp
	cmp	$UKL_SLOT_INDEX, %\tmp
#endif
.endm

/* After UKL_SLOT_TEST (flags intact): if ZF, copy \src to \dst. */
.macro UKL_SLOT_CMOVE src:req, dst:req
#ifdef CONFIG_UKL
	cmove	%\src, %\dst
#endif
.endm

/*
 * \dst holds a copy of \addr: make it 0 if \addr lies in the slot, so that
 * a following sign test lets slot addresses through. Clobbers flags only.
 */
.macro UKL_SLOT_UNSIGN addr:req, dst:req
#ifdef CONFIG_UKL
	shr	$UKL_SLOT_SHIFT, %\dst
	sub	$UKL_SLOT_INDEX, %\dst		/* 0 in the slot */
	neg	%\dst				/* CF = outside the slot */
	sbb	%\dst, %\dst			/* -1 outside, 0 inside */
	and	%\addr, %\dst
#endif
.endm

#endif /* _ASM_X86_UKL_ASM_H */
