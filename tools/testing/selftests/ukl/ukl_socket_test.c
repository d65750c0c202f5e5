// SPDX-License-Identifier: GPL-2.0
/*
 * Socket semantics a UKL application must keep, whichever way its calls
 * reach the TCP layer. With CONFIG_UKL_SHORTCUT, read(), write(),
 * writev(), send() and recv() on a TCP socket go straight to
 * tcp_sendmsg()/tcp_recvmsg(), and everything else falls back; each case
 * here is something that path could get wrong: blocking and O_NONBLOCK,
 * MSG_PEEK/MSG_WAITALL/MSG_DONTWAIT, peer close and reset, EPIPE with and
 * without SIGPIPE, SO_RCVTIMEO/SO_SNDTIMEO, a signal interrupting or
 * restarting a blocked recv, partial and large writes, bad buffers, the
 * I/O accounting of /proc/self/io, inotify on the socket, and UDP and
 * Unix sockets, which must fall back.
 *
 * Each case also prints "# ERRNO socket.<case> <result>" lines: make check
 * requires the lines of the run as the UKL application to equal those of
 * the same program on the stock kernel, as for ukl_errno_test.
 *
 * In ring 0 on a kernel with the shortcut (/sys/kernel/ukl/shortcut_calls
 * exists), the TCP calls must be seen to take it and the others not; the
 * UKL-private calls (linux/ukl.h) must work there and be ENOSYS for an
 * ordinary process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/ukl.h>
/* The wrappers of the UKL sysroot, when built with ukl-gcc. */
#if __has_include("ukl/shortcut.h")
#include "ukl/shortcut.h"
#define HAVE_UKL_SHORTCUT_H 1
#endif

#include "../kselftest_harness.h"
#include "ukl_app.h"

#define SHORTCUT_CALLS	"/sys/kernel/ukl/shortcut_calls"

#define load(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define inc(x)		__atomic_fetch_add(&(x), 1, __ATOMIC_SEQ_CST)

/* @v, where the compiler cannot see it (bad arguments on purpose). */
static unsigned long hide(unsigned long v)
{
	asm volatile("" : "+r" (v));
	return v;
}

#define null_ptr	((void *)hide(0))
#define low_ptr		((void *)hide(8))
#define all_ones	hide(-1UL)

/* One "# ERRNO socket.<name> <result>" line: a value or an errno name. */
static void result(const char *name, long ret, int err)
{
	if (ret == -1)
		printf("# ERRNO socket.%s %s\n", name, strerrorname_np(err) ?: "?");
	else
		printf("# ERRNO socket.%s ret=%ld\n", name, ret);
	fflush(stdout);
}

/* Run @call with errno cleared, print its line, leave errno for checks. */
#define CALL(name, call) ({				\
	long __r;					\
	int __e;					\
	errno = 0;					\
	__r = (call);					\
	__e = errno;					\
	result(name, __r, __e);				\
	errno = __e;					\
	__r;						\
})

/* A connected TCP pair over loopback: *c the client, *s the server. */
static int tcp_pair(int *c, int *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l, one = 1;

	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &len))
		return -1;
	*c = socket(AF_INET, SOCK_STREAM, 0);
	if (*c < 0 || connect(*c, (void *)&a, sizeof(a)))
		return -1;
	*s = accept(l, NULL, NULL);
	close(l);
	if (*s < 0)
		return -1;
	/* Small writes go out at once. */
	setsockopt(*c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(*s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

/* Wait until @fd is readable (data, EOF or an error), at most 2 s. */
static int readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 2000);
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The shortcut counter of sysfs, or -1 without the shortcut. */
static long shortcut_calls(void)
{
	FILE *f = fopen(SHORTCUT_CALLS, "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* Whether this run must see the shortcut: ring 0 on a kernel with it. */
static bool shortcut_expected(void)
{
	return in_ring0() && shortcut_calls() >= 0;
}

struct io {
	long rchar, wchar, syscr, syscw;
	long size;	/* bytes this snapshot's own read() returned */
};

/*
 * /proc/self/io with one read(): the next snapshot counts that read too
 * (one more syscr, ->size more rchar).
 */
static int io_snap(struct io *io)
{
	char buf[1024];
	int fd = open("/proc/self/io", O_RDONLY);
	long n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	io->size = n;
	if (sscanf(buf, "rchar: %ld wchar: %ld syscr: %ld syscw: %ld",
		   &io->rchar, &io->wchar, &io->syscr, &io->syscw) != 4)
		return -1;
	return 0;
}

FIXTURE(tcp) {
	int c, s;
};

FIXTURE_SETUP(tcp)
{
	ASSERT_EQ(0, tcp_pair(&self->c, &self->s));
}

FIXTURE_TEARDOWN(tcp)
{
	close(self->c);
	close(self->s);
}

TEST_F(tcp, send_recv_read_write_writev)
{
	struct iovec iov[3] = { { "ab", 2 }, { NULL, 0 }, { "cde", 3 } };
	char buf[64];

	EXPECT_EQ(5, CALL("send", send(self->c, "hello", 5, 0)));
	EXPECT_EQ(3, CALL("write", write(self->c, "xyz", 3)));
	EXPECT_EQ(5, CALL("writev", writev(self->c, iov, 3)));
	EXPECT_EQ(0, CALL("writev_empty", writev(self->c, iov + 1, 1)));
	EXPECT_EQ(0, CALL("write_zero", write(self->c, "", 0)));
	EXPECT_EQ(13, CALL("recv_waitall", recv(self->s, buf, 13, MSG_WAITALL)));
	EXPECT_EQ(0, memcmp(buf, "helloxyzabcde", 13));
	/* A zero-length read never reaches the socket, even with data. */
	EXPECT_EQ(2, CALL("sendto_null_addr", sendto(self->s, "OK", 2, 0, NULL, 0)));
	ASSERT_EQ(1, readable(self->c));
	EXPECT_EQ(0, CALL("read_zero", read(self->c, buf, 0)));
	EXPECT_EQ(2, CALL("read", read(self->c, buf, sizeof(buf))));
	EXPECT_EQ(0, memcmp(buf, "OK", 2));
}

TEST_F(tcp, sendmsg_iov_address_control_errors)
{
	struct iovec iov[2] = { { "send", 4 }, { "msg", 3 } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	struct sockaddr_in to = { .sin_family = AF_INET };
	char ctl[CMSG_SPACE(sizeof(int))] = {}, buf[32];

	EXPECT_EQ(7, CALL("sendmsg_iov", sendmsg(self->c, &m, 0)));
	EXPECT_EQ(7, CALL("sendmsg_recv", recv(self->s, buf, 7, MSG_WAITALL)));
	EXPECT_EQ(0, memcmp(buf, "sendmsg", 7));
	/* An address on a connected TCP socket, and control data. */
	m.msg_name = &to;
	m.msg_namelen = sizeof(to);
	CALL("sendmsg_address", sendmsg(self->c, &m, 0));
	m.msg_name = NULL;
	m.msg_namelen = 0;
	m.msg_control = ctl;
	m.msg_controllen = sizeof(ctl);
	((struct cmsghdr *)ctl)->cmsg_len = CMSG_LEN(sizeof(int));
	((struct cmsghdr *)ctl)->cmsg_level = SOL_SOCKET;
	((struct cmsghdr *)ctl)->cmsg_type = SCM_RIGHTS;
	CALL("sendmsg_control", sendmsg(self->c, &m, 0));
	m.msg_control = NULL;
	m.msg_controllen = 0;
	m.msg_iovlen = 2000;
	EXPECT_EQ(-1, CALL("sendmsg_too_many_iov", sendmsg(self->c, &m, 0)));
	EXPECT_EQ(EMSGSIZE, errno);
	m.msg_iovlen = 2;
	m.msg_iov = low_ptr;
	EXPECT_EQ(-1, CALL("sendmsg_bad_iov", sendmsg(self->c, &m, 0)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, CALL("sendmsg_bad_header", sendmsg(self->c, low_ptr, 0)));
	EXPECT_EQ(EFAULT, errno);
	/* MSG_CMSG_COMPAT (EINVAL), or nothing without CONFIG_COMPAT. */
	EXPECT_EQ(-1, CALL("sendmsg_cmsg_compat", sendmsg(self->c, &m, 0x80000000)));
	m.msg_iov = iov;
	ASSERT_EQ(0, shutdown(self->c, SHUT_WR));
	EXPECT_EQ(-1, CALL("sendmsg_shut", sendmsg(self->c, &m, MSG_NOSIGNAL)));
	EXPECT_EQ(EPIPE, errno);
}

TEST_F(tcp, nonblocking_and_dontwait)
{
	char buf[8];

	EXPECT_EQ(-1, CALL("recv_dontwait_empty", recv(self->s, buf, 8, MSG_DONTWAIT)));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, fcntl(self->s, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, CALL("recv_nonblock_empty", recv(self->s, buf, 8, 0)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, CALL("read_nonblock_empty", read(self->s, buf, 8)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, CALL("recvfrom_nonblock_empty",
			   recvfrom(self->s, buf, 8, 0, NULL, NULL)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(4, CALL("send_then", send(self->c, "data", 4, 0)));
	ASSERT_EQ(1, readable(self->s));
	EXPECT_EQ(4, CALL("read_nonblock", read(self->s, buf, 8)));
}

TEST_F(tcp, peek_and_waitall)
{
	char buf[16];

	EXPECT_EQ(4, CALL("send4", send(self->c, "peek", 4, 0)));
	ASSERT_EQ(1, readable(self->s));
	EXPECT_EQ(4, CALL("recv_peek", recv(self->s, buf, sizeof(buf), MSG_PEEK)));
	EXPECT_EQ(2, CALL("recv_peek_short", recv(self->s, buf, 2, MSG_PEEK)));
	EXPECT_EQ(4, CALL("recv_after_peek", recv(self->s, buf, sizeof(buf), 0)));
	EXPECT_EQ(0, memcmp(buf, "peek", 4));
	EXPECT_EQ(-1, CALL("recv_trunc", recv(self->s, null_ptr, 4, MSG_TRUNC | MSG_DONTWAIT)));
	EXPECT_EQ(EAGAIN, errno);
	/* An error-queue read is the normal path's, with nothing queued. */
	EXPECT_EQ(-1, CALL("recv_errqueue", recv(self->s, buf, sizeof(buf), MSG_ERRQUEUE)));
	EXPECT_EQ(EAGAIN, errno);
}

struct later {
	int fd;
	int delay_ms;
	const char *data;
};

static void *send_later(void *arg)
{
	struct later *l = arg;

	usleep(l->delay_ms * 1000);
	send(l->fd, l->data, strlen(l->data), 0);
	return NULL;
}

TEST_F(tcp, waitall_across_two_sends)
{
	struct later l1 = { self->c, 50, "first" }, l2 = { self->c, 150, "second" };
	pthread_t t1, t2;
	char buf[16];

	ASSERT_EQ(0, pthread_create(&t1, NULL, send_later, &l1));
	ASSERT_EQ(0, pthread_create(&t2, NULL, send_later, &l2));
	EXPECT_EQ(11, CALL("recv_waitall_two", recv(self->s, buf, 11, MSG_WAITALL)));
	EXPECT_EQ(0, memcmp(buf, "firstsecond", 11));
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
}

static int sigpipes;

static void on_sigpipe(int sig)
{
	inc(sigpipes);
}

TEST_F(tcp, peer_close_epipe_sigpipe)
{
	char buf[8];
	long r;

	signal(SIGPIPE, on_sigpipe);
	close(self->s);
	self->s = dup(self->c);	/* for the teardown */
	ASSERT_EQ(1, readable(self->c));
	EXPECT_EQ(0, CALL("recv_after_close", recv(self->c, buf, 8, 0)));
	EXPECT_EQ(0, CALL("read_after_close", read(self->c, buf, 8)));
	ASSERT_EQ(0, shutdown(self->c, SHUT_WR));
	EXPECT_EQ(-1, CALL("send_shut_nosignal", send(self->c, "x", 1, MSG_NOSIGNAL)));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, load(sigpipes));
	EXPECT_EQ(-1, CALL("send_shut", send(self->c, "x", 1, 0)));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, load(sigpipes));
	EXPECT_EQ(-1, CALL("write_shut", write(self->c, "x", 1)));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(2, load(sigpipes));
	/* Nothing to send still finds the socket shut (EPIPE, SIGPIPE). */
	r = CALL("write_shut_zero", write(self->c, "", 0));
	EXPECT_EQ(r == -1 ? 3 : 2, load(sigpipes));
}

TEST_F(tcp, reset_by_peer)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char buf[8];

	ASSERT_EQ(0, setsockopt(self->s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	close(self->s);
	self->s = dup(self->c);
	ASSERT_EQ(1, readable(self->c));
	EXPECT_EQ(-1, CALL("recv_reset", recv(self->c, buf, 8, 0)));
	EXPECT_EQ(ECONNRESET, errno);
	CALL("recv_after_reset", recv(self->c, buf, 8, MSG_DONTWAIT));
	EXPECT_EQ(-1, CALL("send_after_reset", send(self->c, "x", 1, MSG_NOSIGNAL)));
	EXPECT_EQ(EPIPE, errno);
}

TEST_F(tcp, receive_and_send_timeouts)
{
	struct timeval tv = { .tv_usec = 100000 };
	int small = 4096, n = 0;
	static char big[65536];
	char buf[8];
	long t0;

	ASSERT_EQ(0, setsockopt(self->s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	t0 = now_ms();
	EXPECT_EQ(-1, CALL("recv_rcvtimeo", recv(self->s, buf, 8, 0)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, CALL("read_rcvtimeo", read(self->s, buf, 8)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LE(150, now_ms() - t0);

	/* Fill both buffers, then a blocking send times out. */
	ASSERT_EQ(0, setsockopt(self->c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)));
	ASSERT_EQ(0, setsockopt(self->s, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	while (send(self->c, big, sizeof(big), MSG_DONTWAIT) > 0 && n < 10000)
		n++;
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, setsockopt(self->c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	t0 = now_ms();
	EXPECT_EQ(-1, CALL("send_sndtimeo", send(self->c, big, sizeof(big), 0)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, CALL("write_sndtimeo", write(self->c, big, sizeof(big))));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LE(150, now_ms() - t0);
}

TEST_F(tcp, partial_nonblocking_write)
{
	int small = 4096;
	size_t len = 1 << 20;
	char *big = malloc(len);
	long r;

	ASSERT_NE(NULL, big);
	memset(big, 'p', len);
	ASSERT_EQ(0, setsockopt(self->c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)));
	ASSERT_EQ(0, fcntl(self->c, F_SETFL, O_NONBLOCK));
	errno = 0;
	r = write(self->c, big, len);
	result("write_partial", r > 0 && r < (long)len ? 1 : r, errno);
	EXPECT_LT(0, r);
	EXPECT_GT((long)len, r);
	while (send(self->c, big, len, 0) > 0)
		;
	EXPECT_EQ(-1, CALL("send_full", send(self->c, big, len, 0)));
	EXPECT_EQ(EAGAIN, errno);
	free(big);
}

struct reader {
	int fd;
	size_t want, got;
	unsigned long bad;
};

static void *read_all(void *arg)
{
	struct reader *r = arg;
	char buf[8192];
	ssize_t n;
	size_t i;

	while (r->got < r->want) {
		n = read(r->fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != (char)((r->got + i) % 251))
				r->bad++;
		r->got += n;
	}
	return NULL;
}

TEST_F(tcp, large_blocking_write_and_writev)
{
	size_t len = 4 << 20, i;
	struct reader rd = { self->s, 2 * len, 0, 0 };
	char *big = malloc(2 * len);
	struct iovec iov[4];
	pthread_t t;

	ASSERT_NE(NULL, big);
	for (i = 0; i < 2 * len; i++)
		big[i] = (char)(i % 251);
	for (i = 0; i < 4; i++)
		iov[i] = (struct iovec){ big + len + i * (len / 4), len / 4 };
	ASSERT_EQ(0, pthread_create(&t, NULL, read_all, &rd));
	EXPECT_EQ((long)len, CALL("write_4m", write(self->c, big, len)));
	EXPECT_EQ((long)len, CALL("writev_4m", writev(self->c, iov, 4)));
	pthread_join(t, NULL);
	EXPECT_EQ(2 * len, rd.got);
	EXPECT_EQ(0UL, rd.bad);
	free(big);
}

static int alarms;

static void on_alarm(int sig)
{
	inc(alarms);
}

static void alarm_in(int ms, bool restart)
{
	struct sigaction sa = { .sa_handler = on_alarm,
				.sa_flags = restart ? SA_RESTART : 0 };
	struct itimerval it = { .it_value.tv_usec = ms * 1000 };

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

TEST_F(tcp, signal_interrupts_or_restarts_recv)
{
	struct later l = { self->c, 200, "late" };
	pthread_t t;
	char buf[8];

	alarm_in(50, false);
	EXPECT_EQ(-1, CALL("recv_eintr", recv(self->s, buf, 8, 0)));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(1, load(alarms));
	alarm_in(50, false);
	EXPECT_EQ(-1, CALL("read_eintr", read(self->s, buf, 8)));
	EXPECT_EQ(EINTR, errno);

	/* With SA_RESTART the call goes on and gets the data. */
	ASSERT_EQ(0, pthread_create(&t, NULL, send_later, &l));
	alarm_in(50, true);
	EXPECT_EQ(4, CALL("recv_restarted", recv(self->s, buf, 8, 0)));
	EXPECT_EQ(3, load(alarms));
	pthread_join(t, NULL);
}

TEST_F(tcp, bad_buffers_and_descriptors)
{
	int nul = open("/dev/null", O_RDWR);
	char buf[8];

	EXPECT_EQ(-1, CALL("send_null", send(self->c, null_ptr, 10, 0)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, CALL("write_kernel", write(self->c, (void *)0xffffffff81000000UL, 10)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, CALL("writev_bad_iov", writev(self->c, low_ptr, 1)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, CALL("writev_negative_count", writev(self->c, null_ptr, all_ones)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(3, CALL("send3", send(self->c, "abc", 3, 0)));
	ASSERT_EQ(1, readable(self->s));
	EXPECT_EQ(-1, CALL("recv_null", recv(self->s, null_ptr, 8, 0)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, CALL("read_kernel", read(self->s, (void *)0xffff888000100000UL, 8)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(3, CALL("recv_after_efault", recv(self->s, buf, 8, 0)));
	EXPECT_EQ(-1, CALL("send_bad_fd", send(-1, "x", 1, 0)));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, CALL("read_closed_fd", read(999, buf, 1)));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, CALL("send_not_socket", send(nul, "x", 1, 0)));
	EXPECT_EQ(ENOTSOCK, errno);
	EXPECT_EQ(1, CALL("write_not_socket", write(nul, "x", 1)));
	close(nul);
}

TEST_F(tcp, io_accounting_and_inotify)
{
	char path[64], ev[256];
	struct io a, b;
	int in, w;

	/* Without CONFIG_INOTIFY_USER, the accounting only. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", self->s);
	in = inotify_init1(IN_NONBLOCK);
	result("inotify_init", in < 0 ? -1 : 0, errno);
	w = in < 0 ? -1 : inotify_add_watch(in, path, IN_MODIFY | IN_ACCESS);
	if (in >= 0)
		result("inotify_watch", w < 0 ? -1 : 0, errno);

	ASSERT_EQ(0, io_snap(&a));
	EXPECT_EQ(6, write(self->s, "status", 6));
	/* A write whose copy faults is still a write system call. */
	EXPECT_EQ(-1, write(self->s, null_ptr, 6));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(1, readable(self->c));
	EXPECT_EQ(6, read(self->c, ev, sizeof(ev)));
	/* Not VFS calls: recv() and send() count nothing in /proc/PID/io. */
	EXPECT_EQ(-1, recv(self->c, ev, sizeof(ev), MSG_DONTWAIT));
	EXPECT_EQ(2, send(self->c, "ok", 2, 0));
	ASSERT_EQ(0, io_snap(&b));
	EXPECT_EQ(2, b.syscw - a.syscw);
	EXPECT_EQ(6, b.wchar - a.wchar);
	EXPECT_EQ(2, b.syscr - a.syscr);
	EXPECT_EQ(6 + a.size, b.rchar - a.rchar);
	if (w >= 0) {
		EXPECT_LT(0, read(in, ev, sizeof(ev)));
		EXPECT_EQ((uint32_t)IN_MODIFY, ((struct inotify_event *)ev)->mask);
	}
	if (in >= 0)
		close(in);
}

TEST(udp_and_unix_fall_back)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	long before = shortcut_calls();
	int u1, u2, sp[2];
	char buf[16];

	u1 = socket(AF_INET, SOCK_DGRAM, 0);
	u2 = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_EQ(0, bind(u1, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, getsockname(u1, (void *)&a, &alen));
	ASSERT_EQ(0, connect(u2, (void *)&a, sizeof(a)));
	EXPECT_EQ(3, CALL("udp_send", send(u2, "udp", 3, 0)));
	EXPECT_EQ(3, CALL("udp_write", write(u2, "UDP", 3)));
	EXPECT_EQ(3, CALL("udp_recv", recv(u1, buf, sizeof(buf), 0)));
	EXPECT_EQ(3, CALL("udp_read", read(u1, buf, sizeof(buf))));
	EXPECT_EQ(-1, CALL("udp_recv_empty", recv(u1, buf, sizeof(buf), MSG_DONTWAIT)));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sp));
	EXPECT_EQ(4, CALL("unix_send", send(sp[0], "unix", 4, 0)));
	EXPECT_EQ(4, CALL("unix_recv", recv(sp[1], buf, sizeof(buf), 0)));
	EXPECT_EQ(2, CALL("unix_write", write(sp[1], "ok", 2)));
	EXPECT_EQ(2, CALL("unix_read", read(sp[0], buf, sizeof(buf))));
	close(sp[1]);
	EXPECT_EQ(-1, CALL("unix_send_closed", send(sp[0], "x", 1, MSG_NOSIGNAL)));
	EXPECT_EQ(EPIPE, errno);
	/* None of these is TCP: the shortcut counter must not move. */
	EXPECT_EQ(before, shortcut_calls());
	close(u1);
	close(u2);
	close(sp[0]);
}

TEST_F(tcp, shortcut_is_taken_in_ring0)
{
	struct iovec iov = { "m3", 2 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	long before, after;
	char buf[8];
	int i;

	if (!shortcut_expected())
		SKIP(return, "%s", in_ring0() ? "no CONFIG_UKL_SHORTCUT in this kernel" :
		     "an ordinary process: the shortcut is the UKL application's");
	before = shortcut_calls();
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(2, send(self->c, "s1", 2, 0));
		ASSERT_EQ(2, recv(self->s, buf, 2, MSG_WAITALL));
		ASSERT_EQ(2, write(self->s, "w2", 2));
		ASSERT_EQ(2, read(self->c, buf, 2));
		ASSERT_EQ(2, sendmsg(self->c, &m, MSG_NOSIGNAL));
		ASSERT_EQ(2, recvfrom(self->s, buf, 2, MSG_WAITALL, NULL, NULL));
		ASSERT_EQ(2, writev(self->s, &iov, 1));
		ASSERT_EQ(2, read(self->c, buf, 2));
	}
	after = shortcut_calls();
	/* The test's own reads of the counter are ordinary file reads. */
	EXPECT_EQ(80, after - before);
}

TEST_F(tcp, ukl_private_calls)
{
	bool expected = shortcut_expected();
	char buf[8];
	long r;
	int err;

	errno = 0;
	r = syscall(UKL_NR_tcp_send, self->c, "by name", 7, 0);
	err = errno;
	if (!expected) {
		/* Unknown to every caller but the UKL application. */
		EXPECT_EQ(-1, r);
		EXPECT_EQ(ENOSYS, err);
		EXPECT_EQ(-1, syscall(UKL_NR_pinned_alloc, 4096));
		EXPECT_EQ(ENOSYS, errno);
		return;
	}
	EXPECT_EQ(7, r);
	EXPECT_EQ(7, syscall(UKL_NR_tcp_recv, self->s, buf, 7, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "by name", 7));
	/* Not a TCP socket: the normal path's answer. */
	EXPECT_EQ(-1, syscall(UKL_NR_tcp_send, 999, "x", 1, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, syscall(UKL_NR_tcp_recv, self->s, buf, 8, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, syscall(UKL_NR_BASE + UKL_NR_CALLS));
	EXPECT_EQ(ENOSYS, errno);
	EXPECT_EQ(-1, syscall(UKL_NR_pinned_alloc, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST(pinned_memory)
{
	size_t len = 64 << 10, i;
	unsigned char vec[16];
	char *p;

#ifdef HAVE_UKL_SHORTCUT_H
	p = ukl_pinned_alloc(len);
#else
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		p = NULL;
#endif
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mincore(p, len, vec));
	for (i = 0; i < len >> 12; i++)
		EXPECT_EQ(1, vec[i] & 1);
	memset(p, 0x5a, len);
	EXPECT_EQ(0x5a, p[len - 1]);
#ifdef HAVE_UKL_SHORTCUT_H
	EXPECT_EQ(0, ukl_pinned_free(p, len));
	errno = 0;
	EXPECT_EQ(NULL, ukl_pinned_alloc(0));
	EXPECT_EQ(EINVAL, errno);
#else
	EXPECT_EQ(0, munmap(p, len));
#endif
}

TEST_HARNESS_MAIN
