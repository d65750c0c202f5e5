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
 * glibc and crtbeginS.o call a few optional functions through weak
 * references, "if (&fn) fn();". When nothing defines them, a static link
 * resolves the call to address 0, which is out of reach of a PC-relative
 * call from an image linked at the kernel's app slot (and ukl-audit
 * rejects it). Weak no-op definitions keep the call in reach and do what
 * the missing function would have done: nothing. A real definition (for
 * example __call_tls_dtors, once the program uses thread_local
 * destructors) overrides them.
 */
#pragma weak __cxa_finalize
#pragma weak __pthread_initialize_minimal
#pragma weak __call_tls_dtors
#pragma weak __glibc_tls_internal_free

void __cxa_finalize(void *dso_handle)
{
}

void __pthread_initialize_minimal(void)
{
}

void __call_tls_dtors(void)
{
}

void __glibc_tls_internal_free(void)
{
}
