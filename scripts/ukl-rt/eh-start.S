/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The start of the application's unwind tables.
 *
 * ukl-gcc links this object first, so that __ukl_eh_frame_start is the
 * first byte of the application object's .eh_frame; crtendS.o, linked
 * last, ends that section with the zero terminator. ukl-rt.c registers
 * the tables that lie between with the unwinder (see there why).
 */
	.section .eh_frame, "a", @progbits
	.balign 8
	.globl __ukl_eh_frame_start
	.hidden __ukl_eh_frame_start
	.type __ukl_eh_frame_start, @object
__ukl_eh_frame_start:
	.section .note.GNU-stack, "", @progbits
