/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UKL application runtime (ukl-rt.c): definitions glibc's static start-up
 * and crtbeginS.o expect, for an image linked at a fixed address.
 */
#ifndef _UKL_RT_H
#define _UKL_RT_H

void _dl_relocate_static_pie(void);
void __cxa_finalize(void *dso_handle);
void __pthread_initialize_minimal(void);
void __call_tls_dtors(void);
void __glibc_tls_internal_free(void);

#endif
