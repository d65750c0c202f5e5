// SPDX-License-Identifier: GPL-2.0
/*
 * Weak fillers, linked into every UKL application object by ukl-gcc after
 * libc.a and libgcc, so that they only stand in for functions nothing else
 * in the program provides.
 *
 * glibc and crtbeginS.o call optional hooks through weak references,
 * "if (&hook) hook();": fork handlers of subsystems the program may not
 * use, freeres hooks, TLS destructors. When nothing defines a hook, a
 * static link resolves the call to address 0, which is out of reach of a
 * PC-relative call from an image linked at the kernel's app slot (and
 * ukl-audit rejects it). A weak no-op keeps the call in reach and does what
 * the missing hook would have done: nothing. A real definition linked for
 * any other reason overrides it.
 *
 * __pthread_unwind never returns; if it is missing, a thread cancellation
 * has nowhere to go, so its filler traps instead.
 */
#include "ukl-rt.h"

#pragma weak __cxa_finalize
#pragma weak __pthread_initialize_minimal
#pragma weak __call_tls_dtors
#pragma weak _dl_find_object_init
#pragma weak __malloc_fork_lock_parent
#pragma weak __malloc_fork_unlock_parent
#pragma weak __malloc_fork_unlock_child
#pragma weak __mq_notify_fork_subprocess
#pragma weak __nss_database_fork_prepare_parent
#pragma weak __nss_database_fork_subprocess
#pragma weak __timer_fork_subprocess
#pragma weak __default_pthread_attr_freeres
#pragma weak __glibc_tls_internal_free
#pragma weak __libc_dlerror_result_free
#pragma weak __libpthread_freeres
#pragma weak __malloc_arena_thread_freeres
#pragma weak __nss_action_freeres
#pragma weak __nss_database_freeres
#pragma weak __nss_module_freeres
#pragma weak __res_thread_freeres
#pragma weak __pthread_unwind
#pragma weak __register_frame_info

void __cxa_finalize(void *dso_handle)
{
}

void __pthread_initialize_minimal(void)
{
}

void __call_tls_dtors(void)
{
}

void _dl_find_object_init(void)
{
}

void __malloc_fork_lock_parent(void)
{
}

void __malloc_fork_unlock_parent(void)
{
}

void __malloc_fork_unlock_child(void)
{
}

void __mq_notify_fork_subprocess(void)
{
}

void __nss_database_fork_prepare_parent(void *data)
{
}

void __nss_database_fork_subprocess(void *data)
{
}

void __timer_fork_subprocess(void)
{
}

void __default_pthread_attr_freeres(void)
{
}

void __glibc_tls_internal_free(void)
{
}

void __libc_dlerror_result_free(void)
{
}

void __libpthread_freeres(void)
{
}

void __malloc_arena_thread_freeres(void)
{
}

void __nss_action_freeres(void)
{
}

void __nss_database_freeres(void)
{
}

void __nss_module_freeres(void)
{
}

void __res_thread_freeres(void)
{
}

/* No unwinder in the program: no unwind tables to register (ukl-rt.c). */
void __register_frame_info(const void *begin, void *object)
{
}

void __pthread_unwind(void *buf)
{
	__builtin_trap();
}
