// SPDX-License-Identifier: GPL-2.0
/*
 * UKL application runtime, linked into every UKL application object by
 * ukl-gcc.
 *
 * The application is linked statically at its final address (the kernel's
 * app slot, or the usual user address in hosted mode), never as a static
 * PIE that relocates itself. glibc's rcrt1.o start code still calls
 * _dl_relocate_static_pie() before anything else; define it as a no-op so
 * that libc.a's self-relocation code (which needs _DYNAMIC and the ELF
 * header mapped) is not linked in. This is what glibc's own
 * csu/static-reloc.c does for non-PIE static programs.
 */
#include "ukl-rt.h"

void _dl_relocate_static_pie(void)
{
}

/*
 * Unwinding (pthread_exit(), pthread_cancel(), backtrace()) looks up the
 * unwind table entry of each frame's code. In a static program libgcc
 * finds the tables through the PT_GNU_EH_FRAME program header, which
 * neither the application image in the kernel nor the hosted executable
 * has: the image's .eh_frame goes through the kernel's link, which makes
 * no .eh_frame_hdr for it. Without a table the unwinder aborts the
 * program in pthread_exit(). Register the tables at start-up instead, as
 * crtbeginT.o does for static programs; the unwinder searches registered
 * tables first. __register_frame_info is only a weak reference here, so
 * a program without the unwinder stays without it (ukl-weak.c).
 */
extern const char __ukl_eh_frame_start[];
static long ukl_eh_object[8];	/* libgcc's struct object, opaque here */

#pragma weak __register_frame_info

static __attribute__((constructor(101))) void ukl_register_eh_frame(void)
{
	__register_frame_info(__ukl_eh_frame_start, ukl_eh_object);
}
