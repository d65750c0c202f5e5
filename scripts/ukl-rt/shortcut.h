/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * <ukl/shortcut.h>: the kernel's shortcuts for a UKL application, by name
 * (installed into the UKL sysroot by make toolchain).
 *
 * On a kernel with CONFIG_UKL_SHORTCUT, in ring 0, each is one call into
 * the kernel (include/uapi/linux/ukl.h). Anywhere else (an ordinary
 * process, hosted mode, a kernel without the option) the kernel answers
 * ENOSYS and the wrapper does the same with ordinary system calls, so the
 * program behaves the same either way. See "Shortcuts into the kernel" in
 * Documentation/ukl/ukl.rst.
 */
#ifndef _UKL_SHORTCUT_H
#define _UKL_SHORTCUT_H

#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/ukl.h>

/*
 * send() and recv() with the same arguments, results and errno, on a
 * TCP socket straight into the TCP layer; any other file descriptor
 * takes the normal path inside the kernel. Unlike send() and recv(),
 * they are not thread cancellation points.
 */
static inline ssize_t ukl_tcp_send(int fd, const void *buf, size_t len, int flags)
{
	long r = syscall(UKL_NR_tcp_send, fd, buf, len, flags);

	if (r == -1 && errno == ENOSYS)
		return send(fd, buf, len, flags);
	return r;
}

static inline ssize_t ukl_tcp_recv(int fd, void *buf, size_t len, int flags)
{
	long r = syscall(UKL_NR_tcp_recv, fd, buf, len, flags);

	if (r == -1 && errno == ENOSYS)
		return recv(fd, buf, len, flags);
	return r;
}

/*
 * len bytes of private anonymous memory, read-write, every page present
 * and locked (counted against RLIMIT_MEMLOCK) so that using it never
 * faults; NULL with errno set (EAGAIN, ENOMEM, EPERM, EINVAL) and nothing
 * mapped on failure. Release it with ukl_pinned_free() or munmap(). Like
 * any mapping, fork() gives the child its own copy.
 */
static inline void *ukl_pinned_alloc(size_t len)
{
	long r = syscall(UKL_NR_pinned_alloc, len);
	void *p;

	if (r != -1)
		return (void *)r;
	if (errno != ENOSYS)
		return NULL;
	if (!len) {
		errno = EINVAL;
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mlock(p, len)) {
		int err = errno;

		munmap(p, len);
		errno = err;
		return NULL;
	}
	return p;
}

static inline int ukl_pinned_free(void *p, size_t len)
{
	return munmap(p, len);
}

#endif /* _UKL_SHORTCUT_H */
