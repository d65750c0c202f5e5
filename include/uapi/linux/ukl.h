/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Unikernel Linux (UKL): the calls a ring-0 UKL application may make into
 * the kernel beyond the ordinary system calls (CONFIG_UKL_SHORTCUT).
 *
 * They are system call numbers that only the UKL application's system
 * call entry dispatches; for every other caller they are unknown system
 * calls (ENOSYS). Seccomp, audit and ptrace see them as they see any
 * system call. This is the complete list of kernel entry points an
 * application may reach besides the system call table; see "Shortcuts
 * into the kernel" in Documentation/ukl/ukl.rst for what each one does.
 * Applications normally use the wrappers of <ukl/shortcut.h>.
 */
#ifndef _UAPI_LINUX_UKL_H
#define _UAPI_LINUX_UKL_H

/* Below the x32 bit (0x40000000), far above any system call number. */
#define UKL_NR_BASE		0x20000000

/* send(fd, buf, len, flags) on a TCP socket, by the shortcut. */
#define UKL_NR_tcp_send		(UKL_NR_BASE + 0)
/* recv(fd, buf, len, flags) on a TCP socket, by the shortcut. */
#define UKL_NR_tcp_recv		(UKL_NR_BASE + 1)
/* pinned_alloc(len): private anonymous memory, populated and locked. */
#define UKL_NR_pinned_alloc	(UKL_NR_BASE + 2)

#define UKL_NR_CALLS		3

#endif /* _UAPI_LINUX_UKL_H */
