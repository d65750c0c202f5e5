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
