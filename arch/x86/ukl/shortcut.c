// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL), CONFIG_UKL_SHORTCUT: the application's socket
 * system calls on a TCP socket go straight to the TCP layer.
 * See "Shortcuts into the kernel" in Documentation/ukl/ukl.rst.
 *
 * read(), write(), writev(), sendto() and recvfrom() without an address,
 * and sendmsg() without an address or control data, reach tcp_sendmsg()
 * and tcp_recvmsg() from here instead of through
 * vfs_read()/vfs_write(), the file's ->read_iter()/->write_iter(), the
 * socket's proto_ops and the sock's proto, each an indirect call. What
 * those layers do for a TCP socket is done here too, in their order:
 *
 *  - the file checks of vfs_read()/vfs_write() (mode, access_ok(), the
 *    count), rw_verify_area()'s security_file_permission() and fanotify
 *    permission event, fsnotify_access()/fsnotify_modify() and the I/O
 *    accounting of /proc/PID/io, exactly where the VFS does them;
 *  - O_NONBLOCK as MSG_DONTWAIT, the internal MSG_* flags masked, a
 *    zero-length read() answered without the socket (sock_read_iter()),
 *    the header of sendmsg() read and checked by __copy_msghdr();
 *  - security_socket_sendmsg()/security_socket_recvmsg(), the RPS flow
 *    record of inet_send_prepare()/inet_recvmsg(), and the
 *    sock_send_length/sock_recv_length tracepoints.
 *
 * Nothing of TCP itself is skipped: tcp_sendmsg() and tcp_recvmsg() do
 * the locking, blocking, timeouts, SIGPIPE, EPIPE and partial transfers
 * as on the normal path, and a signal still ends a blocked call with
 * -ERESTARTSYS for the normal exit work to restart or turn into EINTR.
 *
 * Only sockets whose operations are the kernel's own TCP ones take the
 * shortcut: inet_stream_ops (inet6_stream_ops with built-in IPv6) and a
 * sock whose proto still sends and receives with tcp_sendmsg() and
 * tcp_recvmsg(), so kTLS, sockmap/BPF and MPTCP sockets, which replace
 * them, do not. Every other file, a call with an address or control data,
 * MSG_ERRQUEUE, MSG_CMSG_COMPAT and every other system call (recvmsg(),
 * readv(), sendfile() ...) take the normal path, with the file
 * reference held here dropped only after it.
 *
 * The UKL-private calls of include/uapi/linux/ukl.h are here as well.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fsnotify.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/net.h>
#include <linux/percpu.h>
#include <linux/sched/xacct.h>
#include <linux/security.h>
#include <linux/socket.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/ukl.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/rps.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <trace/events/sock.h>
#include <uapi/linux/ukl.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "ukl.h"

/* Calls that took the shortcut, for /sys/kernel/ukl/shortcut_calls. */
static DEFINE_PER_CPU(unsigned long, ukl_shortcut_calls);

/*
 * The socket behind @file if it is a TCP socket with the kernel's own
 * operations, else NULL. The caller holds the file.
 */
static struct socket *ukl_tcp_socket(struct file *file)
{
	struct socket *sock = sock_from_file(file);
	const struct proto_ops *ops;
	const struct proto *prot;

	if (!sock)
		return NULL;
	ops = READ_ONCE(sock->ops);
	if (ops != &inet_stream_ops &&
	    !(IS_BUILTIN(CONFIG_IPV6) && ops == &inet6_stream_ops))
		return NULL;
	if (sock->sk->sk_protocol != IPPROTO_TCP)
		return NULL;
	/* IPV6_ADDRFORM, kTLS and sockmap replace it under us. */
	prot = READ_ONCE(sock->sk->sk_prot);
	if (prot->sendmsg != tcp_sendmsg || prot->recvmsg != tcp_recvmsg)
		return NULL;
	return sock;
}

/* __sock_sendmsg() and inet_sendmsg() for a TCP socket. */
static long ukl_tcp_sendmsg(struct socket *sock, struct msghdr *msg)
{
	size_t len = msg_data_left(msg);
	long ret;

	ret = security_socket_sendmsg(sock, msg, len);
	if (ret)
		return ret;
	/* inet_send_prepare(): TCP does not autobind. */
	sock_rps_record_flow(sock->sk);
	ret = tcp_sendmsg(sock->sk, msg, len);
	if (trace_sock_send_length_enabled())
		trace_sock_send_length(sock->sk, ret, 0);
	this_cpu_inc(ukl_shortcut_calls);
	return ret;
}

/* sock_recvmsg() and inet_recvmsg() for a TCP socket, no MSG_ERRQUEUE. */
static long ukl_tcp_recvmsg(struct socket *sock, struct msghdr *msg,
			    unsigned int flags)
{
	size_t len = msg_data_left(msg);
	int addr_len = 0;
	long ret;

	ret = security_socket_recvmsg(sock, msg, len, flags);
	if (ret)
		return ret;
	sock_rps_record_flow(sock->sk);
	ret = tcp_recvmsg(sock->sk, msg, len, flags, &addr_len);
	if (trace_sock_recv_length_enabled())
		trace_sock_recv_length(sock->sk, ret, flags);
	this_cpu_inc(ukl_shortcut_calls);
	return ret;
}

/* The flags sock_read_iter()/sock_write_iter() start from. */
static unsigned int ukl_file_msg_flags(struct file *file)
{
	return file->f_flags & O_NONBLOCK ? MSG_DONTWAIT : 0;
}

/* vfs_read()/vfs_write()/vfs_writev(): the file's mode allows @mask. */
static long ukl_rw_mode(struct file *file, int mask)
{
	if (!(file->f_mode & (mask == MAY_READ ? FMODE_READ : FMODE_WRITE)))
		return -EBADF;
	if (!(file->f_mode & (mask == MAY_READ ? FMODE_CAN_READ : FMODE_CAN_WRITE)))
		return -EINVAL;
	return 0;
}

/* rw_verify_area() for a stream (no position). */
static long ukl_rw_verify(struct file *file, int mask, size_t count)
{
	long ret;

	if (unlikely((ssize_t)count < 0))
		return -EINVAL;
	ret = security_file_permission(file, mask);
	if (ret)
		return ret;
	return fsnotify_file_area_perm(file, mask, NULL, count);
}

/*
 * vfs_read()/vfs_write() before the transfer, in their order: the mode,
 * access_ok(), rw_verify_area(), then *@count clamped to MAX_RW_COUNT.
 */
static long ukl_rw_check(struct file *file, int mask, const void __user *buf,
			 size_t *count)
{
	long ret;

	ret = ukl_rw_mode(file, mask);
	if (ret)
		return ret;
	if (unlikely(!access_ok(buf, *count)))
		return -EFAULT;
	ret = ukl_rw_verify(file, mask, *count);
	if (ret)
		return ret;
	*count = min_t(size_t, *count, MAX_RW_COUNT);
	return 0;
}

/*
 * Whether descriptor @fd may be a socket, without taking a reference, so
 * that read(), write() and writev() of other files go to their system
 * call at once instead of looking the file up twice. Only a hint: files
 * are SLAB_TYPESAFE_BY_RCU and inodes freed after a grace period, so a
 * stale read under RCU is harmless; a wrong "no" sends the call down the
 * normal path, which is always right, and a wrong "yes" is caught by the
 * checks on the referenced file.
 */
static __always_inline bool ukl_fd_maybe_socket(unsigned int fd)
{
	struct inode *inode = NULL;
	struct file *file;

	rcu_read_lock();
	file = files_lookup_fd_raw(current->files, fd);
	if (file)
		inode = READ_ONCE(file->f_inode);
	rcu_read_unlock();
	return inode && S_ISSOCK(READ_ONCE(inode->i_mode));
}

/* The TCP socket behind @f, if any. */
static struct socket *ukl_fd_tcp_socket(struct fd f)
{
	return fd_empty(f) ? NULL : ukl_tcp_socket(fd_file(f));
}

/* sendto(fd, buf, len, flags, NULL, 0) on TCP socket @sock (of @file). */
static noinline long ukl_tcp_send(struct socket *sock, struct file *file,
				  void __user *buf, size_t len, unsigned int flags)
{
	struct msghdr msg = {};
	long ret;

	ret = import_ubuf(ITER_SOURCE, buf, len, &msg.msg_iter);
	if (unlikely(ret))
		return ret;
	flags &= ~MSG_INTERNAL_SENDMSG_FLAGS;
	if (file->f_flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	msg.msg_flags = flags;
	return ukl_tcp_sendmsg(sock, &msg);
}

/* recvfrom(fd, buf, len, flags, NULL, NULL) on TCP socket @sock. */
static noinline long ukl_tcp_recv(struct socket *sock, struct file *file,
				  void __user *buf, size_t len, unsigned int flags)
{
	struct msghdr msg = {};
	long ret;

	ret = import_ubuf(ITER_DEST, buf, len, &msg.msg_iter);
	if (unlikely(ret))
		return ret;
	if (file->f_flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	return ukl_tcp_recvmsg(sock, &msg, flags);
}

/* send(): __sys_sendto() without an address. */
static long ukl_send(int fd, void __user *buf, size_t len, unsigned int flags)
{
	struct socket *sock;

	CLASS(fd, f)(fd);
	sock = ukl_fd_tcp_socket(f);
	if (!sock)
		return __sys_sendto(fd, buf, len, flags, NULL, 0);
	return ukl_tcp_send(sock, fd_file(f), buf, len, flags);
}

/* recv(): __sys_recvfrom() without an address. */
static long ukl_recv(int fd, void __user *buf, size_t len, unsigned int flags)
{
	struct socket *sock;

	CLASS(fd, f)(fd);
	sock = flags & MSG_ERRQUEUE ? NULL : ukl_fd_tcp_socket(f);
	if (!sock)
		return __sys_recvfrom(fd, buf, len, flags, NULL, NULL);
	return ukl_tcp_recv(sock, fd_file(f), buf, len, flags);
}

static long ukl_sc_sendto(const struct pt_regs *regs)
{
	if (regs->r8)
		return __x64_sys_sendto(regs);
	return ukl_send(regs->di, (void __user *)regs->si, regs->dx, regs->r10);
}

static long ukl_sc_recvfrom(const struct pt_regs *regs)
{
	if (regs->r8)
		return __x64_sys_recvfrom(regs);
	return ukl_recv(regs->di, (void __user *)regs->si, regs->dx, regs->r10);
}

/* ksys_read() and vfs_read() of a TCP socket (a stream: no position). */
static noinline long ukl_tcp_read(const struct pt_regs *regs)
{
	char __user *buf = (char __user *)regs->si;
	size_t count = regs->dx;
	struct msghdr msg = {};
	struct socket *sock;
	struct file *file;
	long ret;

	CLASS(fd, f)((unsigned int)regs->di);
	sock = ukl_fd_tcp_socket(f);
	if (!sock)
		return __x64_sys_read(regs);
	file = fd_file(f);
	ret = ukl_rw_check(file, MAY_READ, buf, &count);
	if (ret)
		return ret;
	/* sock_read_iter(): a zero-length read does not reach the socket. */
	if (count) {
		iov_iter_ubuf(&msg.msg_iter, ITER_DEST, buf, count);
		msg.msg_flags = ukl_file_msg_flags(file);
		ret = ukl_tcp_recvmsg(sock, &msg, msg.msg_flags);
	}
	if (ret > 0) {
		fsnotify_access(file);
		add_rchar(current, ret);
	}
	inc_syscr(current);
	return ret;
}

/* Other files go to their system call before anything is set up. */
static long ukl_sc_read(const struct pt_regs *regs)
{
	if (!ukl_fd_maybe_socket(regs->di))
		return __x64_sys_read(regs);
	return ukl_tcp_read(regs);
}

/* ksys_write() and vfs_write() of a TCP socket. */
static noinline long ukl_tcp_write(const struct pt_regs *regs)
{
	char __user *buf = (char __user *)regs->si;
	size_t count = regs->dx;
	struct msghdr msg = {};
	struct socket *sock;
	struct file *file;
	long ret;

	CLASS(fd, f)((unsigned int)regs->di);
	sock = ukl_fd_tcp_socket(f);
	if (!sock)
		return __x64_sys_write(regs);
	file = fd_file(f);
	ret = ukl_rw_check(file, MAY_WRITE, buf, &count);
	if (ret)
		return ret;
	iov_iter_ubuf(&msg.msg_iter, ITER_SOURCE, buf, count);
	msg.msg_flags = ukl_file_msg_flags(file);
	ret = ukl_tcp_sendmsg(sock, &msg);
	if (ret > 0) {
		fsnotify_modify(file);
		add_wchar(current, ret);
	}
	inc_syscw(current);
	return ret;
}

/* Other files go to their system call before anything is set up. */
static long ukl_sc_write(const struct pt_regs *regs)
{
	if (!ukl_fd_maybe_socket(regs->di))
		return __x64_sys_write(regs);
	return ukl_tcp_write(regs);
}

/* do_writev() and vfs_writev() of a TCP socket. */
static noinline long ukl_tcp_writev(const struct pt_regs *regs)
{
	const struct iovec __user *vec = (const struct iovec __user *)regs->si;
	struct iovec iovstack[UIO_FASTIOV], *iov;
	struct msghdr msg = {};
	struct socket *sock;
	struct file *file;
	long ret;

	CLASS(fd, f)(regs->di);
	sock = ukl_fd_tcp_socket(f);
	if (!sock)
		return __x64_sys_writev(regs);
	file = fd_file(f);
	ret = ukl_rw_mode(file, MAY_WRITE);
	if (ret)
		goto out;
	iov = iovstack;
	ret = import_iovec(ITER_SOURCE, vec, regs->dx, ARRAY_SIZE(iovstack),
			   &iov, &msg.msg_iter);
	if (ret < 0)
		goto out;
	/* vfs_writev(): nothing to write does not reach the socket. */
	if (ret) {
		ret = ukl_rw_verify(file, MAY_WRITE, ret);
		if (!ret) {
			msg.msg_flags = ukl_file_msg_flags(file);
			ret = ukl_tcp_sendmsg(sock, &msg);
			if (ret > 0)
				fsnotify_modify(file);
		}
	}
	kfree(iov);
out:
	if (ret > 0)
		add_wchar(current, ret);
	inc_syscw(current);
	return ret;
}

/* Other files go to their system call before anything is set up. */
static long ukl_sc_writev(const struct pt_regs *regs)
{
	if (!ukl_fd_maybe_socket(regs->di))
		return __x64_sys_writev(regs);
	return ukl_tcp_writev(regs);
}

/*
 * __sys_sendmsg() without an address or control data (memcached's
 * responses): copy_msghdr_from_user(), then ____sys_sendmsg().
 */
static long ukl_sc_sendmsg(const struct pt_regs *regs)
{
	struct iovec iovstack[UIO_FASTIOV], *iov = iovstack;
	unsigned int flags = regs->dx;
	struct user_msghdr umsg;
	struct msghdr msg = {};
	struct socket *sock;
	long ret;

	CLASS(fd, f)((int)regs->di);
	sock = flags & MSG_CMSG_COMPAT ? NULL : ukl_fd_tcp_socket(f);
	if (!sock)
		return __x64_sys_sendmsg(regs);
	if (copy_from_user(&umsg, (void __user *)regs->si, sizeof(umsg)))
		return -EFAULT;
	/* The normal path reads the header again and does the rest. */
	if (umsg.msg_name || umsg.msg_controllen)
		return __x64_sys_sendmsg(regs);
	ret = __copy_msghdr(&msg, &umsg, NULL);
	if (ret)
		return ret;
	ret = import_iovec(ITER_SOURCE, umsg.msg_iov, umsg.msg_iovlen,
			   ARRAY_SIZE(iovstack), &iov, &msg.msg_iter);
	if (ret < 0)
		return ret;
	msg.msg_flags = flags & ~MSG_INTERNAL_SENDMSG_FLAGS;
	if (fd_file(f)->f_flags & O_NONBLOCK)
		msg.msg_flags |= MSG_DONTWAIT;
	ret = ukl_tcp_sendmsg(sock, &msg);
	kfree(iov);
	return ret;
}

/* UKL_NR_tcp_send and UKL_NR_tcp_recv: send() and recv(), by name. */
static long ukl_sc_tcp_send(const struct pt_regs *regs)
{
	return ukl_send(regs->di, (void __user *)regs->si, regs->dx, regs->r10);
}

static long ukl_sc_tcp_recv(const struct pt_regs *regs)
{
	return ukl_recv(regs->di, (void __user *)regs->si, regs->dx, regs->r10);
}

/*
 * UKL_NR_pinned_alloc: mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED) of
 * @len bytes, every page populated before it returns, or an error and
 * nothing mapped. The memory is the process's own, as any mapping: in
 * /proc/PID/maps, counted against RLIMIT_MEMLOCK, copied by fork(),
 * released by munmap() or exit.
 */
static long ukl_sc_pinned_alloc(const struct pt_regs *regs)
{
	size_t len = regs->di;
	unsigned long addr;
	int err;

	if (!len)
		return -EINVAL;
	addr = vm_mmap(NULL, 0, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, 0);
	if (IS_ERR_VALUE(addr))
		return addr;
	/* do_mmap() populated it, but ignoring errors. */
	err = __mm_populate(addr, len, 0);
	if (err) {
		vm_munmap(addr, len);
		return err;
	}
	return addr;
}

/* Put the shortcuts into @table, indexed as ukl_call_index() does. */
void __init ukl_shortcut_fill(sys_call_ptr_t *table)
{
	table[__NR_read] = ukl_sc_read;
	table[__NR_write] = ukl_sc_write;
	table[__NR_writev] = ukl_sc_writev;
	table[__NR_sendto] = ukl_sc_sendto;
	table[__NR_recvfrom] = ukl_sc_recvfrom;
	table[__NR_sendmsg] = ukl_sc_sendmsg;
	table[NR_syscalls + UKL_NR_tcp_send - UKL_NR_BASE] = ukl_sc_tcp_send;
	table[NR_syscalls + UKL_NR_tcp_recv - UKL_NR_BASE] = ukl_sc_tcp_recv;
	table[NR_syscalls + UKL_NR_pinned_alloc - UKL_NR_BASE] = ukl_sc_pinned_alloc;
}

static ssize_t shortcut_calls_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(ukl_shortcut_calls, cpu);
	return sysfs_emit(buf, "%lu\n", sum);
}

static struct kobj_attribute shortcut_calls_attr = __ATTR_RO(shortcut_calls);

static struct attribute *ukl_shortcut_attrs[] = {
	&shortcut_calls_attr.attr,
	NULL,
};

static const struct attribute_group ukl_shortcut_group = {
	.attrs = ukl_shortcut_attrs,
};

/* /sys/kernel/ukl/shortcut_calls: calls that took the TCP shortcut. */
static int __init ukl_shortcut_sysfs_init(void)
{
	struct kobject *kobj = kobject_create_and_add("ukl", kernel_kobj);

	if (!kobj)
		return -ENOMEM;
	return sysfs_create_group(kobj, &ukl_shortcut_group);
}
late_initcall(ukl_shortcut_sysfs_init);
