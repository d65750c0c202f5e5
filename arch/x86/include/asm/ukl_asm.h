/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assembler-only header. Unikernel Linux (UKL): macros for the assembler
 * code that checks user pointers. Each expands to nothing with
 * CONFIG_UKL=n. See asm/ukl.h for the application slot.
 */
#ifndef _ASM_X86_UKL_ASM_H
#define _ASM_X86_UKL_ASM_H

#include <asm/asm.h>
#include <asm/ukl.h>

/*
 * Jump to \label until an application has started: a JMP that the static
 * key ukl_started (include/linux/ukl.h) patches to a NOP when it is
 * enabled, as ukl_slot_live() in C. Without CONFIG_JUMP_LABEL, fall
 * through always.
 */
.macro UKL_JUMP_UNLESS_STARTED label:req
#ifdef CONFIG_JUMP_LABEL
.Lukl_key_\@:
	jmp	\label
	.pushsection __jump_table, "aw"
	_ASM_ALIGN
	.long	.Lukl_key_\@ - .
	.long	\label - .
	_ASM_PTR	ukl_started + 1 - .
	.popsection
#endif
.endm

/*
 * For the uaccess range checks in getuser.S and putuser.S, branch-free once
 * an application has started, so that a mispredicted check cannot let any
 * other kernel address through speculatively, and without touching the
 * stack. Until then they are the upstream checks plus one JMP.
 *
 * UKL_USER_PTR_MAX: load USER_PTR_MAX into \dst, or \addr itself if it
 * lies in the application slot, for a following "cmp; cmova" clamp.
 * Clobbers flags.
 */
.macro UKL_USER_PTR_MAX addr:req, dst:req
#ifdef CONFIG_UKL
	UKL_JUMP_UNLESS_STARTED .Lukl_plain_\@
	mov	%\addr, %\dst
	shr	$UKL_SLOT_SHIFT, %\dst
	cmp	$UKL_SLOT_INDEX, %\dst		/* ZF = in the slot */
	RUNTIME_CONST_PTR USER_PTR_MAX, \dst
	cmove	%\addr, %\dst
	jmp	.Lukl_done_\@
.Lukl_plain_\@:
#endif
	RUNTIME_CONST_PTR USER_PTR_MAX, \dst
.Lukl_done_\@:
.endm

/*
 * \dst holds a copy of \addr: make it 0 if \addr lies in the slot, so that
 * a following sign test lets slot addresses through. Clobbers flags only.
 */
.macro UKL_SLOT_UNSIGN addr:req, dst:req
#ifdef CONFIG_UKL
	UKL_JUMP_UNLESS_STARTED .Lukl_done_\@
	shr	$UKL_SLOT_SHIFT, %\dst
	sub	$UKL_SLOT_INDEX, %\dst		/* 0 in the slot */
	neg	%\dst				/* CF = outside the slot */
	sbb	%\dst, %\dst			/* -1 outside, 0 inside */
	and	%\addr, %\dst
.Lukl_done_\@:
#endif
.endm

#endif /* _ASM_X86_UKL_ASM_H */
