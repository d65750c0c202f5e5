/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UKL application runtime: definitions glibc's static start-up and
 * crtbeginS.o expect from an image linked at a fixed address (ukl-rt.c),
 * and weak fillers for the optional hooks glibc calls (ukl-weak.c).
 */
#ifndef _UKL_RT_H
#define _UKL_RT_H

void _dl_relocate_static_pie(void);
void __register_frame_info(const void *begin, void *object);

void __cxa_finalize(void *dso_handle);
void __pthread_initialize_minimal(void);
void __call_tls_dtors(void);
void _dl_find_object_init(void);
void __malloc_fork_lock_parent(void);
void __malloc_fork_unlock_parent(void);
void __malloc_fork_unlock_child(void);
void __mq_notify_fork_subprocess(void);
void __nss_database_fork_prepare_parent(void *data);
void __nss_database_fork_subprocess(void *data);
void __timer_fork_subprocess(void);
void __default_pthread_attr_freeres(void);
void __glibc_tls_internal_free(void);
void __libc_dlerror_result_free(void);
void __libpthread_freeres(void);
void __malloc_arena_thread_freeres(void);
void __nss_action_freeres(void);
void __nss_database_freeres(void);
void __nss_module_freeres(void);
void __res_thread_freeres(void);
void __pthread_unwind(void *buf);

#endif
