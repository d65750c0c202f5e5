// SPDX-License-Identifier: GPL-2.0
/*
 * Basic sanity tests for UKL (unikernel Linux).
 *
 * The same program runs both as an ordinary static process and linked into
 * the kernel as the UKL application, in ring 0.  It uses
 * kselftest_harness.h, which runs every case in a child process of its own.
 *
 * Each case returns KSFT_PASS (0), KSFT_SKIP, or KSFT_FAIL.  A failing case
 * prints a "# ..." diagnostic saying what was expected and what was seen.
 *
 * Environment:
 *   UKL_EXPECT_RELEASE  kernel release prefix uname() must report ("6.12")
 *   UKL_TMPDIR          tmpfs directory used for file tests ("/tmp")
 *   UKL_EXPECT_MODE     "ring0": must run as the UKL application (CPL0, code
 *                       in the kernel half); "ring3": as an ordinary process
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sched.h>
#include <elf.h>
#include <link.h>
#include <asm/ldt.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "ukl_app.h"

/* Hide a value from the optimiser so deliberately bad arguments reach the kernel. */
#define OPAQUE(x) ({ __typeof__(x) __opaque = (x); asm("" : "+r" (__opaque)); __opaque; })

#define NSEC_PER_SEC	1000000000L
#define NSEC_PER_MSEC	1000000L

/* 2020-01-01T00:00:00Z */
#define EPOCH_2020	1577836800L

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* Report a failed call together with errno; always returns KSFT_FAIL. */
static int fail_errno(const char *what)
{
	int err = errno;

	ksft_print_msg("%s failed: %s (errno %d)\n", what, strerror(err), err);
	return KSFT_FAIL;
}

/* Same, for pthread_*() style functions that return the error number. */
static int fail_err(const char *what, int err)
{
	ksft_print_msg("%s failed: %s (errno %d)\n", what, strerror(err), err);
	return KSFT_FAIL;
}

/*
 * Check that a call returned -1 with errno set to @expected. @ret and @err
 * are the return value and errno captured right after the call.
 */
static int expect_errno(const char *what, long ret, int err, int expected)
{
	if (ret != -1) {
		ksft_print_msg("%s: expected -1 (%s), got %ld\n",
			       what, strerror(expected), ret);
		return KSFT_FAIL;
	}
	if (err != expected) {
		ksft_print_msg("%s: expected errno %d (%s), got %d (%s)\n",
			       what, expected, strerror(expected), err,
			       strerror(err));
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* Byte @off of the test pattern; period is not a power of two. */
static unsigned char pattern_byte(size_t off)
{
	return (unsigned char)((off * 31 + off / 251 + 7) & 0xff);
}

static void fill_pattern(unsigned char *buf, size_t len, size_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern_byte(off + i);
}

/* Check that @buf holds the pattern starting at pattern offset @off. */
static int check_pattern(const char *what, const unsigned char *buf,
			 size_t len, size_t off)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != pattern_byte(off + i)) {
			ksft_print_msg("%s: byte %zu (offset %zu): expected 0x%02x, got 0x%02x\n",
				       what, i, off + i, pattern_byte(off + i), buf[i]);
			return KSFT_FAIL;
		}
	}
	return KSFT_PASS;
}

/* write() all of @buf, retrying short writes; returns bytes written or -1. */
static ssize_t write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += n;
	}
	return done;
}

/* read() until @len bytes or EOF; returns bytes read or -1. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

/* send() all of @buf without raising SIGPIPE; returns bytes sent or -1. */
static ssize_t send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(fd, p + done, len - done, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += n;
	}
	return done;
}

static long long ts_to_ns(const struct timespec *ts)
{
	return (long long)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static void ts_add_ns(struct timespec *ts, long long ns)
{
	long long t = ts_to_ns(ts) + ns;

	ts->tv_sec = t / NSEC_PER_SEC;
	ts->tv_nsec = t % NSEC_PER_SEC;
}

/* Set both receive and send timeouts on a socket. */
static int set_sock_timeouts(int fd, int seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void loopback_addr(struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin->sin_port = 0;
}

/* ------------------------------------------------------------------------ */
/* getpid_getppid                                                           */
/* ------------------------------------------------------------------------ */

static int test_getpid_getppid(void)
{
	char buf[1024], state, *end;
	int fd, pid_field, ppid_field;
	const char *rparen;
	ssize_t n;

	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno("open(/proc/self/stat)");
	n = read_full(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return fail_errno("read(/proc/self/stat)");
	buf[n] = '\0';

	/* "pid (comm) state ppid ..."; comm may itself contain ") ". */
	pid_field = strtol(buf, &end, 10);
	if (end == buf || *end != ' ') {
		ksft_print_msg("cannot parse pid from /proc/self/stat: \"%.60s\"\n",
			       buf);
		return KSFT_FAIL;
	}
	rparen = strrchr(buf, ')');
	if (!rparen || sscanf(rparen + 1, " %c %d", &state, &ppid_field) != 2) {
		ksft_print_msg("cannot parse ppid from /proc/self/stat: \"%.60s\"\n",
			       buf);
		return KSFT_FAIL;
	}

	if (getpid() != pid_field) {
		ksft_print_msg("getpid(): expected %d (from /proc/self/stat), got %d\n",
			       pid_field, getpid());
		return KSFT_FAIL;
	}
	if (gettid() != getpid()) {
		ksft_print_msg("gettid() in main thread: expected %d (getpid), got %d\n",
			       getpid(), gettid());
		return KSFT_FAIL;
	}
	if (getppid() != ppid_field) {
		ksft_print_msg("getppid(): expected %d (field 4 of /proc/self/stat), got %d\n",
			       ppid_field, getppid());
		return KSFT_FAIL;
	}
	if (state != 'R') {
		ksft_print_msg("state of self in /proc/self/stat: expected 'R', got '%c'\n",
			       state);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* ------------------------------------------------------------------------ */
/* uname_release                                                            */
/* ------------------------------------------------------------------------ */

static int test_uname_release(void)
{
	const char *expect = getenv("UKL_EXPECT_RELEASE");
	struct utsname u;
	size_t len;

	if (!expect || !*expect)
		expect = "6.12";
	len = strlen(expect);

	if (uname(&u))
		return fail_errno("uname");
	if (strcmp(u.sysname, "Linux")) {
		ksft_print_msg("uname sysname: expected \"Linux\", got \"%s\"\n",
			       u.sysname);
		return KSFT_FAIL;
	}
	/* "6.1" must not match "6.12.x": the prefix has to end a number. */
	if (strncmp(u.release, expect, len) ||
	    (u.release[len] >= '0' && u.release[len] <= '9')) {
		ksft_print_msg("uname release: expected prefix \"%s\", got \"%s\"\n",
			       expect, u.release);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* ------------------------------------------------------------------------ */
/* tmpfs_file_roundtrip                                                     */
/* ------------------------------------------------------------------------ */

#define FILE_BYTES	(64 * 1024)

/* lseek() and check the resulting offset. */
static int seek_check(int fd, off_t off, int whence, off_t expect,
		      const char *what)
{
	off_t got = lseek(fd, off, whence);

	if (got < 0)
		return fail_errno(what);
	if (got != expect) {
		ksft_print_msg("%s: expected offset %lld, got %lld\n", what,
			       (long long)expect, (long long)got);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* read() @len bytes at the current offset and check them against the pattern. */
static int read_check(int fd, unsigned char *buf, size_t len, size_t off,
		      const char *what)
{
	ssize_t n = read_full(fd, buf, len);

	if (n < 0)
		return fail_errno(what);
	if ((size_t)n != len) {
		ksft_print_msg("%s: expected %zu bytes, got %zd\n", what, len, n);
		return KSFT_FAIL;
	}
	return check_pattern(what, buf, len, off);
}

/* fstat() and check the file size. */
static int size_check(int fd, off_t expect, const char *what)
{
	struct stat st;

	if (fstat(fd, &st))
		return fail_errno("fstat");
	if (!S_ISREG(st.st_mode)) {
		ksft_print_msg("%s: not a regular file (mode 0%o)\n", what,
			       st.st_mode);
		return KSFT_FAIL;
	}
	if (st.st_size != expect) {
		ksft_print_msg("%s: expected st_size %lld, got %lld\n", what,
			       (long long)expect, (long long)st.st_size);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* Everything done on the open file; split out to keep cleanup in one place. */
static int file_checks(int fd, unsigned char *buf)
{
	ssize_t n;
	size_t i;
	int ret;

	fill_pattern(buf, FILE_BYTES, 0);
	n = write_all(fd, buf, FILE_BYTES);
	if (n != FILE_BYTES)
		return fail_errno("write 64 KiB");
	ret = seek_check(fd, 0, SEEK_CUR, FILE_BYTES, "lseek(0, SEEK_CUR) after write");
	if (ret)
		return ret;
	ret = size_check(fd, FILE_BYTES, "after write");
	if (ret)
		return ret;

	/* Whole file from the start. */
	memset(buf, 0, FILE_BYTES);
	ret = seek_check(fd, 0, SEEK_SET, 0, "lseek(0, SEEK_SET)");
	if (!ret)
		ret = read_check(fd, buf, FILE_BYTES, 0, "read whole file");
	if (ret)
		return ret;

	/* Odd offset, not page aligned. */
	ret = seek_check(fd, 12345, SEEK_SET, 12345, "lseek(12345, SEEK_SET)");
	if (!ret)
		ret = read_check(fd, buf, 100, 12345, "read at 12345");
	if (ret)
		return ret;

	/* Relative forward and backward from there (now at 12445). */
	ret = seek_check(fd, 5000, SEEK_CUR, 17445, "lseek(5000, SEEK_CUR)");
	if (!ret)
		ret = read_check(fd, buf, 3000, 17445, "read at 17445");
	if (ret)
		return ret;
	ret = seek_check(fd, -10000, SEEK_CUR, 10445, "lseek(-10000, SEEK_CUR)");
	if (!ret)
		ret = read_check(fd, buf, 4096, 10445, "read at 10445");
	if (ret)
		return ret;

	/* Relative to the end, across the last page boundary. */
	ret = seek_check(fd, -4100, SEEK_END, FILE_BYTES - 4100, "lseek(-4100, SEEK_END)");
	if (!ret)
		ret = read_check(fd, buf, 4100, FILE_BYTES - 4100, "read tail");
	if (ret)
		return ret;

	/* At EOF, read() returns 0. */
	n = read(fd, buf, 16);
	if (n != 0) {
		ksft_print_msg("read at EOF: expected 0, got %zd\n", n);
		return KSFT_FAIL;
	}

	/* Shrink: data beyond the new size is gone. */
	if (ftruncate(fd, 1000))
		return fail_errno("ftruncate(1000)");
	ret = size_check(fd, 1000, "after ftruncate(1000)");
	if (ret)
		return ret;
	n = pread(fd, buf, 16, 999);
	if (n != 1 || buf[0] != pattern_byte(999)) {
		ksft_print_msg("truncated pread(999): expected 1 byte 0x%02x, got %zd (0x%02x)\n",
			       pattern_byte(999), n, buf[0]);
		return KSFT_FAIL;
	}

	/* Grow again: the extension must read back as zeroes. */
	if (ftruncate(fd, 8192))
		return fail_errno("ftruncate(8192)");
	ret = size_check(fd, 8192, "after ftruncate(8192)");
	if (ret)
		return ret;
	memset(buf, 0xaa, 8192);
	n = pread(fd, buf, 8192, 0);
	if (n != 8192) {
		ksft_print_msg("pread 8192 after regrow: expected 8192, got %zd\n", n);
		return KSFT_FAIL;
	}
	ret = check_pattern("data kept by ftruncate", buf, 1000, 0);
	if (ret)
		return ret;
	for (i = 1000; i < 8192; i++) {
		if (buf[i]) {
			ksft_print_msg("byte %zu after ftruncate regrow: expected 0, got 0x%02x\n",
				       i, buf[i]);
			return KSFT_FAIL;
		}
	}
	return KSFT_PASS;
}

static int test_tmpfs_file_roundtrip(void)
{
	const char *base = getenv("UKL_TMPDIR");
	char dir[256], path[300];
	unsigned char *buf;
	struct statfs sfs;
	int fd, err, ret;

	if (!base || !*base)
		base = "/tmp";
	if (snprintf(dir, sizeof(dir), "%s/ukl_basic.XXXXXX", base) >= (int)sizeof(dir)) {
		ksft_print_msg("UKL_TMPDIR too long: %s\n", base);
		return KSFT_FAIL;
	}
	if (!mkdtemp(dir))
		return fail_errno("mkdtemp");
	snprintf(path, sizeof(path), "%s/file", dir);

	ret = KSFT_FAIL;
	buf = malloc(FILE_BYTES);
	if (!buf) {
		ksft_print_msg("malloc(%d) failed\n", FILE_BYTES);
		goto out_rmdir;
	}

	if (statfs(dir, &sfs)) {
		fail_errno("statfs");
		goto out_free;
	}
	if ((unsigned long)sfs.f_type != TMPFS_MAGIC) {
		ksft_print_msg("statfs(%s).f_type: expected 0x%lx (tmpfs), got 0x%lx\n",
			       dir, (unsigned long)TMPFS_MAGIC,
			       (unsigned long)sfs.f_type);
		goto out_free;
	}

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fail_errno("open(O_CREAT | O_EXCL)");
		goto out_free;
	}
	/* A second exclusive create of the same name must fail. */
	err = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ret = expect_errno("second open(O_CREAT | O_EXCL)", err, errno, EEXIST);
	if (err >= 0)
		close(err);
	if (!ret)
		ret = file_checks(fd, buf);

	if (close(fd) && !ret)
		ret = fail_errno("close");
	if (unlink(path)) {
		if (!ret)
			ret = fail_errno("unlink");
	} else if (!ret) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		ret = expect_errno("open after unlink", fd, errno, ENOENT);
		if (fd >= 0)
			close(fd);
	}
out_free:
	free(buf);
out_rmdir:
	if (rmdir(dir) && !ret)
		ret = fail_errno("rmdir");
	return ret;
}

/* ------------------------------------------------------------------------ */
/* pipe_roundtrip                                                           */
/* ------------------------------------------------------------------------ */

#define PIPE_BYTES	4096

static int test_pipe_roundtrip(void)
{
	static unsigned char tx[PIPE_BYTES], rx[PIPE_BYTES];
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int fds[2], flags, ret, err;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC))
		return fail_errno("pipe2(O_CLOEXEC)");

	ret = KSFT_FAIL;
	flags = fcntl(fds[0], F_GETFD);
	if (flags < 0 || !(flags & FD_CLOEXEC)) {
		ksft_print_msg("pipe2(O_CLOEXEC) read end: expected FD_CLOEXEC, got flags %d\n",
			       flags);
		goto out;
	}

	fill_pattern(tx, sizeof(tx), 100);
	memset(rx, 0, sizeof(rx));
	n = write_all(fds[1], tx, sizeof(tx));
	if (n != PIPE_BYTES) {
		fail_errno("write to pipe");
		goto out;
	}
	n = read_full(fds[0], rx, sizeof(rx));
	if (n != PIPE_BYTES) {
		ksft_print_msg("read from pipe: expected %d bytes, got %zd\n",
			       PIPE_BYTES, n);
		goto out;
	}
	if (check_pattern("pipe data", rx, sizeof(rx), 100))
		goto out;

	/* No reader left: write() must fail with EPIPE, not kill us. */
	close(fds[0]);
	fds[0] = -1;
	if (sigaction(SIGPIPE, &ign, &old)) {
		fail_errno("sigaction(SIGPIPE, SIG_IGN)");
		goto out;
	}
	n = write(fds[1], tx, 1);
	err = errno;
	sigaction(SIGPIPE, &old, NULL);
	ret = expect_errno("write with read end closed", n, err, EPIPE);
out:
	if (fds[0] >= 0)
		close(fds[0]);
	close(fds[1]);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* socketpair_roundtrip                                                     */
/* ------------------------------------------------------------------------ */

/* Send @len pattern bytes on @from and check they arrive on @to. */
static int sp_transfer(int from, int to, size_t len, size_t off,
		       const char *what)
{
	unsigned char tx[2048], rx[2048];
	size_t got = 0;
	ssize_t n;

	fill_pattern(tx, len, off);
	memset(rx, 0, sizeof(rx));
	if (send_all(from, tx, len) != (ssize_t)len)
		return fail_errno(what);
	while (got < len) {
		n = recv(to, rx + got, len - got, 0);
		if (n < 0)
			return fail_errno(what);
		if (n == 0) {
			ksft_print_msg("%s: unexpected EOF after %zu of %zu bytes\n",
				       what, got, len);
			return KSFT_FAIL;
		}
		got += n;
	}
	return check_pattern(what, rx, len, off);
}

static int test_socketpair_roundtrip(void)
{
	int sv[2], ret;
	char c;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return fail_errno("socketpair(AF_UNIX, SOCK_STREAM)");
	if (set_sock_timeouts(sv[0], 5) || set_sock_timeouts(sv[1], 5)) {
		ret = fail_errno("setsockopt(SO_RCVTIMEO)");
		goto out;
	}

	ret = sp_transfer(sv[0], sv[1], 2000, 0, "socketpair 0 -> 1");
	if (!ret)
		ret = sp_transfer(sv[1], sv[0], 1500, 7, "socketpair 1 -> 0");
	if (ret)
		goto out;

	/* Half close: the peer sees EOF, the other direction still works. */
	if (shutdown(sv[0], SHUT_WR)) {
		ret = fail_errno("shutdown(SHUT_WR)");
		goto out;
	}
	n = recv(sv[1], &c, 1, 0);
	if (n != 0) {
		ksft_print_msg("recv after peer SHUT_WR: expected 0 (EOF), got %zd\n", n);
		ret = KSFT_FAIL;
		goto out;
	}
	ret = sp_transfer(sv[1], sv[0], 100, 3, "socketpair 1 -> 0 after half close");
out:
	close(sv[0]);
	close(sv[1]);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* tcp_loopback                                                             */
/* ------------------------------------------------------------------------ */

#define TCP_BYTES	(100 * 1024)
#define IO_TIMEOUT_S	10

struct tcp_server {
	int listen_fd;
	size_t echoed;
	struct sockaddr_in peer;
	const char *failed_call;	/* NULL if the server saw no error */
	int err;
};

/* Accept one connection and echo everything back until EOF. */
static void *tcp_server_thread(void *arg)
{
	struct tcp_server *srv = arg;
	socklen_t alen = sizeof(srv->peer);
	char buf[8192];
	ssize_t n;
	int fd;

	fd = accept(srv->listen_fd, (struct sockaddr *)&srv->peer, &alen);
	if (fd < 0) {
		srv->err = errno;
		srv->failed_call = "accept";
		return NULL;
	}
	if (set_sock_timeouts(fd, IO_TIMEOUT_S)) {
		srv->err = errno;
		srv->failed_call = "setsockopt on accepted socket";
		goto out;
	}
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			srv->err = errno;
			srv->failed_call = "server recv";
			break;
		}
		if (send_all(fd, buf, n) != n) {
			srv->err = errno;
			srv->failed_call = "server send";
			break;
		}
		srv->echoed += n;
	}
out:
	close(fd);
	return NULL;
}

/*
 * Push @tx out and pull the echo into @rx at the same time, so neither side
 * can stall on a full socket buffer. Half-closes once everything is sent.
 */
static int tcp_client_io(int fd, const unsigned char *tx, unsigned char *rx,
			 size_t len)
{
	size_t sent = 0, rcvd = 0;
	struct pollfd pfd;
	ssize_t n;
	int ret;

	while (rcvd < len) {
		pfd.fd = fd;
		pfd.events = POLLIN | (sent < len ? POLLOUT : 0);
		pfd.revents = 0;
		ret = poll(&pfd, 1, IO_TIMEOUT_S * 1000);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return fail_errno("poll");
		}
		if (ret == 0) {
			ksft_print_msg("tcp echo timed out: sent %zu, received %zu of %zu\n",
				       sent, rcvd, len);
			return KSFT_FAIL;
		}
		if ((pfd.revents & POLLOUT) && sent < len) {
			size_t chunk = len - sent > 16384 ? 16384 : len - sent;

			n = send(fd, tx + sent, chunk, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return fail_errno("client send");
			if (n > 0)
				sent += n;
			if (sent == len && shutdown(fd, SHUT_WR))
				return fail_errno("client shutdown(SHUT_WR)");
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = recv(fd, rx + rcvd, len - rcvd, MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return fail_errno("client recv");
			if (n == 0) {
				ksft_print_msg("tcp echo: EOF after %zu of %zu bytes\n",
					       rcvd, len);
				return KSFT_FAIL;
			}
			if (n > 0)
				rcvd += n;
		}
	}
	return KSFT_PASS;
}

static int test_tcp_loopback(void)
{
	struct sockaddr_in srv_addr, peer_addr, cli_addr = { 0 };
	struct tcp_server srv = { .listen_fd = -1 };
	unsigned char *tx = NULL, *rx = NULL;
	socklen_t alen;
	pthread_t thr;
	bool thread_started = false;
	int fd = -1, ret = KSFT_FAIL, err;
	char c;
	ssize_t n;

	tx = malloc(TCP_BYTES);
	rx = malloc(TCP_BYTES);
	if (!tx || !rx) {
		ksft_print_msg("malloc(%d) failed\n", TCP_BYTES);
		goto out;
	}
	fill_pattern(tx, TCP_BYTES, 0);
	memset(rx, 0, TCP_BYTES);

	srv.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv.listen_fd < 0) {
		fail_errno("socket(AF_INET, SOCK_STREAM)");
		goto out;
	}
	loopback_addr(&srv_addr);
	alen = sizeof(srv_addr);
	if (bind(srv.listen_fd, (struct sockaddr *)&srv_addr, sizeof(srv_addr)) ||
	    listen(srv.listen_fd, 1) ||
	    getsockname(srv.listen_fd, (struct sockaddr *)&srv_addr, &alen) ||
	    set_sock_timeouts(srv.listen_fd, IO_TIMEOUT_S)) {
		fail_errno("bind/listen/getsockname on 127.0.0.1:0");
		goto out;
	}
	if (srv_addr.sin_port == 0) {
		ksft_print_msg("getsockname after bind to port 0: got port 0\n");
		goto out;
	}

	err = pthread_create(&thr, NULL, tcp_server_thread, &srv);
	if (err) {
		fail_err("pthread_create", err);
		goto out;
	}
	thread_started = true;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail_errno("client socket");
		goto out;
	}
	if (set_sock_timeouts(fd, IO_TIMEOUT_S)) {
		fail_errno("client setsockopt");
		goto out;
	}
	if (connect(fd, (struct sockaddr *)&srv_addr, sizeof(srv_addr))) {
		fail_errno("connect to 127.0.0.1");
		goto out;
	}
	alen = sizeof(peer_addr);
	if (getpeername(fd, (struct sockaddr *)&peer_addr, &alen)) {
		fail_errno("getpeername");
		goto out;
	}
	if (peer_addr.sin_port != srv_addr.sin_port) {
		ksft_print_msg("getpeername port: expected %u, got %u\n",
			       ntohs(srv_addr.sin_port), ntohs(peer_addr.sin_port));
		goto out;
	}
	alen = sizeof(cli_addr);
	if (getsockname(fd, (struct sockaddr *)&cli_addr, &alen)) {
		fail_errno("client getsockname");
		goto out;
	}

	if (tcp_client_io(fd, tx, rx, TCP_BYTES))
		goto out;
	/* The server closes after echoing everything: expect EOF now. */
	n = recv(fd, &c, 1, 0);
	if (n != 0) {
		ksft_print_msg("recv after full echo: expected 0 (EOF), got %zd\n", n);
		goto out;
	}
	if (check_pattern("tcp echo data", rx, TCP_BYTES, 0))
		goto out;
	ret = KSFT_PASS;
out:
	if (fd >= 0)
		close(fd);
	if (thread_started) {
		/* Wakes a server still blocked in accept() if the client failed. */
		shutdown(srv.listen_fd, SHUT_RDWR);
		pthread_join(thr, NULL);
		if (!ret && srv.failed_call) {
			ret = fail_err(srv.failed_call, srv.err);
		} else if (!ret && srv.echoed != TCP_BYTES) {
			ksft_print_msg("server echoed %zu bytes, expected %d\n",
				       srv.echoed, TCP_BYTES);
			ret = KSFT_FAIL;
		} else if (!ret && (srv.peer.sin_addr.s_addr != htonl(INADDR_LOOPBACK) ||
				    srv.peer.sin_port != cli_addr.sin_port)) {
			ksft_print_msg("accept() peer: expected 127.0.0.1:%u, got %s:%u\n",
				       ntohs(cli_addr.sin_port),
				       inet_ntoa(srv.peer.sin_addr),
				       ntohs(srv.peer.sin_port));
			ret = KSFT_FAIL;
		}
	}
	if (srv.listen_fd >= 0)
		close(srv.listen_fd);
	free(tx);
	free(rx);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* udp_loopback                                                             */
/* ------------------------------------------------------------------------ */

/* Receive one datagram and check its length, contents and source. */
static int udp_expect(int fd, size_t len, size_t off,
		      const struct sockaddr_in *from, const char *what)
{
	unsigned char buf[2048];
	struct sockaddr_in src;
	socklen_t alen = sizeof(src);
	ssize_t n;

	memset(buf, 0, sizeof(buf));
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&src, &alen);
	if (n < 0)
		return fail_errno(what);
	if ((size_t)n != len) {
		ksft_print_msg("%s: expected a %zu byte datagram, got %zd\n",
			       what, len, n);
		return KSFT_FAIL;
	}
	if (src.sin_addr.s_addr != from->sin_addr.s_addr ||
	    src.sin_port != from->sin_port) {
		ksft_print_msg("%s: expected source 127.0.0.1:%u, got %s:%u\n",
			       what, ntohs(from->sin_port),
			       inet_ntoa(src.sin_addr), ntohs(src.sin_port));
		return KSFT_FAIL;
	}
	return check_pattern(what, buf, len, off);
}

static int udp_send(int fd, size_t len, size_t off,
		    const struct sockaddr_in *to, const char *what)
{
	unsigned char buf[2048];
	ssize_t n;

	fill_pattern(buf, len, off);
	n = sendto(fd, buf, len, 0, (const struct sockaddr *)to, sizeof(*to));
	if (n < 0)
		return fail_errno(what);
	if ((size_t)n != len) {
		ksft_print_msg("%s: expected to send %zu bytes, sent %zd\n",
			       what, len, n);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

static int test_udp_loopback(void)
{
	struct sockaddr_in addr[2];
	socklen_t alen;
	int fd[2] = { -1, -1 }, i, ret = KSFT_FAIL;

	for (i = 0; i < 2; i++) {
		fd[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd[i] < 0) {
			fail_errno("socket(AF_INET, SOCK_DGRAM)");
			goto out;
		}
		loopback_addr(&addr[i]);
		alen = sizeof(addr[i]);
		if (bind(fd[i], (struct sockaddr *)&addr[i], sizeof(addr[i])) ||
		    getsockname(fd[i], (struct sockaddr *)&addr[i], &alen) ||
		    set_sock_timeouts(fd[i], 5)) {
			fail_errno("bind/getsockname on 127.0.0.1:0");
			goto out;
		}
	}
	if (addr[0].sin_port == addr[1].sin_port) {
		ksft_print_msg("two UDP sockets got the same port %u\n",
			       ntohs(addr[0].sin_port));
		goto out;
	}

	/* Two datagrams of different sizes keep their boundaries. */
	if (udp_send(fd[0], 1000, 0, &addr[1], "sendto 0 -> 1 (1000 bytes)") ||
	    udp_send(fd[0], 37, 5, &addr[1], "sendto 0 -> 1 (37 bytes)") ||
	    udp_expect(fd[1], 1000, 0, &addr[0], "recvfrom first datagram") ||
	    udp_expect(fd[1], 37, 5, &addr[0], "recvfrom second datagram"))
		goto out;
	/* And back the other way. */
	if (udp_send(fd[1], 512, 9, &addr[0], "sendto 1 -> 0") ||
	    udp_expect(fd[0], 512, 9, &addr[1], "recvfrom reply"))
		goto out;
	ret = KSFT_PASS;
out:
	for (i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* threads_tls                                                              */
/* ------------------------------------------------------------------------ */

#define TLS_THREADS	8
#define TLS_ITERS	10000
#define TLS_MAIN_VALUE	12345

static __thread long tls_counter;

struct tls_shared {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	long counter;
	int finished;
	bool release;
};

struct tls_thread {
	struct tls_shared *sh;
	long tls_value;
	long *tls_addr;
	pid_t tid;
};

static void *tls_thread_fn(void *arg)
{
	struct tls_thread *t = arg;
	struct tls_shared *sh = t->sh;
	int i;

	t->tid = gettid();
	t->tls_addr = &tls_counter;
	for (i = 0; i < TLS_ITERS; i++) {
		tls_counter++;
		pthread_mutex_lock(&sh->lock);
		sh->counter++;
		pthread_mutex_unlock(&sh->lock);
	}
	t->tls_value = tls_counter;

	/* Stay alive until every thread is done, so the tids are all live. */
	pthread_mutex_lock(&sh->lock);
	sh->finished++;
	pthread_cond_broadcast(&sh->cond);
	while (!sh->release)
		pthread_cond_wait(&sh->cond, &sh->lock);
	pthread_mutex_unlock(&sh->lock);
	return NULL;
}

static int test_threads_tls(void)
{
	struct tls_shared sh = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct tls_thread t[TLS_THREADS];
	pthread_t thr[TLS_THREADS];
	int i, j, created, err = 0, ret = KSFT_PASS;

	tls_counter = TLS_MAIN_VALUE;
	memset(t, 0, sizeof(t));
	for (created = 0; created < TLS_THREADS; created++) {
		t[created].sh = &sh;
		err = pthread_create(&thr[created], NULL, tls_thread_fn, &t[created]);
		if (err)
			break;
	}

	pthread_mutex_lock(&sh.lock);
	while (sh.finished < created)
		pthread_cond_wait(&sh.cond, &sh.lock);
	sh.release = true;
	pthread_cond_broadcast(&sh.cond);
	pthread_mutex_unlock(&sh.lock);
	for (i = 0; i < created; i++)
		pthread_join(thr[i], NULL);

	if (err)
		return fail_err("pthread_create", err);

	for (i = 0; i < TLS_THREADS; i++) {
		if (t[i].tls_value != TLS_ITERS) {
			ksft_print_msg("thread %d TLS counter: expected %d, got %ld\n",
				       i, TLS_ITERS, t[i].tls_value);
			ret = KSFT_FAIL;
		}
		if (t[i].tls_addr == &tls_counter) {
			ksft_print_msg("thread %d TLS counter has main's address %p\n",
				       i, (void *)t[i].tls_addr);
			ret = KSFT_FAIL;
		}
		if (t[i].tid <= 0 || t[i].tid == getpid()) {
			ksft_print_msg("thread %d tid: expected a new tid, got %d (pid %d)\n",
				       i, t[i].tid, getpid());
			ret = KSFT_FAIL;
		}
		for (j = 0; j < i; j++) {
			if (t[i].tid == t[j].tid) {
				ksft_print_msg("threads %d and %d share tid %d\n",
					       j, i, t[i].tid);
				ret = KSFT_FAIL;
			}
			if (t[i].tls_addr == t[j].tls_addr) {
				ksft_print_msg("threads %d and %d share TLS address %p\n",
					       j, i, (void *)t[i].tls_addr);
				ret = KSFT_FAIL;
			}
		}
	}
	if (tls_counter != TLS_MAIN_VALUE) {
		ksft_print_msg("main thread TLS counter: expected %d, got %ld\n",
			       TLS_MAIN_VALUE, tls_counter);
		ret = KSFT_FAIL;
	}
	if (sh.counter != TLS_THREADS * TLS_ITERS) {
		ksft_print_msg("shared counter: expected %d, got %ld\n",
			       TLS_THREADS * TLS_ITERS, sh.counter);
		ret = KSFT_FAIL;
	}
	return ret;
}

/* ------------------------------------------------------------------------ */
/* condvar_pingpong                                                         */
/* ------------------------------------------------------------------------ */

#define PINGPONG_ROUNDS	1000

struct pingpong {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct timespec deadline;	/* CLOCK_MONOTONIC */
	int turn;			/* which player may move next */
	int last;			/* which player moved last */
	int moves[2];
	int out_of_turn;
	int wait_err;			/* first pthread_cond_timedwait error */
	bool abort;
};

struct pp_player {
	struct pingpong *pp;
	int self;
};

static void *pingpong_thread(void *arg)
{
	struct pp_player *pl = arg;
	struct pingpong *pp = pl->pp;
	int i, err;

	pthread_mutex_lock(&pp->lock);
	for (i = 0; i < PINGPONG_ROUNDS && !pp->abort; i++) {
		while (pp->turn != pl->self && !pp->abort) {
			err = pthread_cond_timedwait(&pp->cond, &pp->lock,
						     &pp->deadline);
			if (err) {
				if (!pp->wait_err)
					pp->wait_err = err;
				pp->abort = true;
			}
		}
		if (pp->abort)
			break;
		if (pp->last == pl->self)
			pp->out_of_turn++;
		pp->last = pl->self;
		pp->moves[pl->self]++;
		pp->turn = !pl->self;
		pthread_cond_broadcast(&pp->cond);
	}
	pthread_cond_broadcast(&pp->cond);
	pthread_mutex_unlock(&pp->lock);
	return NULL;
}

static int test_condvar_pingpong(void)
{
	struct pingpong pp = { .turn = 0, .last = -1 };
	struct pp_player pl[2];
	pthread_condattr_t attr;
	pthread_t thr[2];
	int i, err, started = 0, ret = KSFT_PASS;

	pthread_mutex_init(&pp.lock, NULL);
	pthread_condattr_init(&attr);
	err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (err) {
		pthread_condattr_destroy(&attr);
		return fail_err("pthread_condattr_setclock(CLOCK_MONOTONIC)", err);
	}
	pthread_cond_init(&pp.cond, &attr);
	pthread_condattr_destroy(&attr);
	clock_gettime(CLOCK_MONOTONIC, &pp.deadline);
	ts_add_ns(&pp.deadline, 10 * NSEC_PER_SEC);

	for (i = 0; i < 2; i++) {
		pl[i].pp = &pp;
		pl[i].self = i;
		err = pthread_create(&thr[i], NULL, pingpong_thread, &pl[i]);
		if (err)
			break;
		started++;
	}
	if (err) {
		pthread_mutex_lock(&pp.lock);
		pp.abort = true;
		pthread_cond_broadcast(&pp.cond);
		pthread_mutex_unlock(&pp.lock);
	}
	for (i = 0; i < started; i++)
		pthread_join(thr[i], NULL);
	pthread_cond_destroy(&pp.cond);
	pthread_mutex_destroy(&pp.lock);

	if (err)
		return fail_err("pthread_create", err);
	if (pp.wait_err) {
		ksft_print_msg("pthread_cond_timedwait: %s after %d + %d moves\n",
			       strerror(pp.wait_err), pp.moves[0], pp.moves[1]);
		ret = KSFT_FAIL;
	}
	for (i = 0; i < 2; i++) {
		if (pp.moves[i] != PINGPONG_ROUNDS) {
			ksft_print_msg("player %d moves: expected %d, got %d\n",
				       i, PINGPONG_ROUNDS, pp.moves[i]);
			ret = KSFT_FAIL;
		}
	}
	if (pp.out_of_turn) {
		ksft_print_msg("%d moves were made out of turn, expected 0\n",
			       pp.out_of_turn);
		ret = KSFT_FAIL;
	}
	return ret;
}

/* ------------------------------------------------------------------------ */
/* mmap_mprotect                                                            */
/* ------------------------------------------------------------------------ */

#define MAP_PAGES	16

static sigjmp_buf segv_env;
static void *segv_addr;
static int segv_code;
static int segv_count;

static void segv_handler(int sig, siginfo_t *si, void *uctx)
{
	(void)sig;
	(void)uctx;
	__atomic_store_n(&segv_addr, si->si_addr, __ATOMIC_RELAXED);
	__atomic_store_n(&segv_code, si->si_code, __ATOMIC_RELAXED);
	__atomic_add_fetch(&segv_count, 1, __ATOMIC_RELAXED);
	siglongjmp(segv_env, 1);
}

/* Try to store to @addr; returns true if the store raised SIGSEGV. */
static bool store_faults(unsigned char *addr, unsigned char val)
{
	if (sigsetjmp(segv_env, 1))
		return true;
	__atomic_store_n(addr, val, __ATOMIC_RELAXED);
	return false;
}

static int mmap_checks(unsigned char *p, size_t len, size_t page)
{
	unsigned char *target = p + 5 * page + 123;
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i]) {
			ksft_print_msg("fresh anonymous mapping byte %zu: expected 0, got 0x%02x\n",
				       i, p[i]);
			return KSFT_FAIL;
		}
	}
	fill_pattern(p, len, 3);
	if (check_pattern("mapping after write", p, len, 3))
		return KSFT_FAIL;

	if (mprotect(p, len, PROT_READ))
		return fail_errno("mprotect(PROT_READ)");
	if (check_pattern("read-only mapping", p, len, 3))
		return KSFT_FAIL;

	segv_count = 0;
	segv_addr = NULL;
	if (!store_faults(target, 0x5a)) {
		ksft_print_msg("store to PROT_READ page at %p: expected SIGSEGV, store succeeded\n",
			       (void *)target);
		return KSFT_FAIL;
	}
	if (segv_count != 1 || segv_addr != target || segv_code != SEGV_ACCERR) {
		ksft_print_msg("SIGSEGV: expected 1 at %p code %d (ACCERR), got %d at %p code %d\n",
			       (void *)target, SEGV_ACCERR, segv_count, segv_addr,
			       segv_code);
		return KSFT_FAIL;
	}
	if (check_pattern("read-only mapping after fault", p, len, 3))
		return KSFT_FAIL;

	/* Writable again: the same store now works. */
	if (mprotect(p, len, PROT_READ | PROT_WRITE))
		return fail_errno("mprotect(PROT_READ | PROT_WRITE)");
	if (store_faults(target, 0x5a)) {
		ksft_print_msg("store after mprotect(PROT_READ | PROT_WRITE) faulted at %p\n",
			       segv_addr);
		return KSFT_FAIL;
	}
	if (*target != 0x5a) {
		ksft_print_msg("byte after store: expected 0x5a, got 0x%02x\n",
			       *target);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

static int test_mmap_mprotect(void)
{
	struct sigaction sa = { .sa_sigaction = segv_handler,
				.sa_flags = SA_SIGINFO };
	struct sigaction old;
	size_t page = sysconf(_SC_PAGESIZE);
	size_t len = MAP_PAGES * page;
	unsigned char *p;
	void *bad;
	int ret, err;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return fail_errno("mmap 16 anonymous pages");

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old)) {
		munmap(p, len);
		return fail_errno("sigaction(SIGSEGV)");
	}
	ret = mmap_checks(p, len, page);
	sigaction(SIGSEGV, &old, NULL);

	if (munmap(p, len) && !ret)
		ret = fail_errno("munmap");
	if (ret)
		return ret;

	bad = mmap(NULL, OPAQUE((size_t)0), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	err = errno;
	if (bad != MAP_FAILED) {
		ksft_print_msg("mmap with length 0: expected MAP_FAILED, got %p\n",
			       bad);
		munmap(bad, page);
		return KSFT_FAIL;
	}
	return expect_errno("mmap with length 0", -1, err, EINVAL);
}

/* ------------------------------------------------------------------------ */
/* malloc_64m                                                               */
/* ------------------------------------------------------------------------ */

#define BIG_ALLOC	(64UL << 20)

static unsigned long big_word(size_t i)
{
	return (i * 0x9e3779b97f4a7c15UL) ^ 0xdeadbeefcafef00dUL;
}

static int test_malloc_64m(void)
{
	size_t i, n = BIG_ALLOC / sizeof(unsigned long);
	unsigned long *p;
	int ret = KSFT_PASS;

	p = malloc(BIG_ALLOC);
	if (!p) {
		ksft_print_msg("malloc(64 MiB) returned NULL: %s\n", strerror(errno));
		return KSFT_FAIL;
	}
	if ((unsigned long)p % 16) {
		ksft_print_msg("malloc(64 MiB) returned misaligned %p\n", (void *)p);
		free(p);
		return KSFT_FAIL;
	}
	/* Every word, hence every page, gets a value unique to its position. */
	for (i = 0; i < n; i++)
		p[i] = big_word(i);
	/* Keep the compiler from folding the check into the stores. */
	asm volatile("" : : "r" (p) : "memory");
	for (i = 0; i < n; i++) {
		if (p[i] != big_word(i)) {
			ksft_print_msg("word %zu (page %zu): expected 0x%lx, got 0x%lx\n",
				       i, i * sizeof(*p) / 4096, big_word(i), p[i]);
			ret = KSFT_FAIL;
			break;
		}
	}
	free(p);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* clock_nanosleep / clock_realtime                                         */
/* ------------------------------------------------------------------------ */

static int test_clock_nanosleep(void)
{
	struct timespec req = { .tv_nsec = 20 * NSEC_PER_MSEC }, rem, before, after;
	long long delta;

	if (clock_gettime(CLOCK_MONOTONIC, &before))
		return fail_errno("clock_gettime(CLOCK_MONOTONIC)");
	while (nanosleep(&req, &rem)) {
		if (errno != EINTR)
			return fail_errno("nanosleep(20 ms)");
		req = rem;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &after))
		return fail_errno("clock_gettime(CLOCK_MONOTONIC)");
	delta = ts_to_ns(&after) - ts_to_ns(&before);
	if (delta < 20 * NSEC_PER_MSEC || delta >= 5 * NSEC_PER_SEC) {
		ksft_print_msg("nanosleep(20 ms) took %lld ns, expected [20 ms, 5 s)\n",
			       delta);
		return KSFT_FAIL;
	}

	/* Absolute sleep: must not return before the target time. */
	req = after;
	ts_add_ns(&req, 15 * NSEC_PER_MSEC);
	for (;;) {
		int err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL);

		if (!err)
			break;
		if (err != EINTR)
			return fail_err("clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)", err);
	}
	if (clock_gettime(CLOCK_MONOTONIC, &after))
		return fail_errno("clock_gettime(CLOCK_MONOTONIC)");
	if (ts_to_ns(&after) < ts_to_ns(&req)) {
		ksft_print_msg("clock_nanosleep(TIMER_ABSTIME) woke %lld ns early\n",
			       ts_to_ns(&req) - ts_to_ns(&after));
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

static int test_clock_realtime(void)
{
	struct timespec ts;
	struct timeval tv;
	time_t t;

	if (clock_gettime(CLOCK_REALTIME, &ts))
		return fail_errno("clock_gettime(CLOCK_REALTIME)");
	if (gettimeofday(&tv, NULL))
		return fail_errno("gettimeofday");
	t = time(NULL);

	/*
	 * The three interfaces read the same clock, so they must agree;
	 * time() reads its tick-updated coarse copy, which may still show
	 * the previous second just after a second boundary.
	 */
	if (tv.tv_sec < ts.tv_sec || tv.tv_sec - ts.tv_sec > 2 ||
	    t < ts.tv_sec - 1 || t - ts.tv_sec > 2) {
		ksft_print_msg("clocks disagree: clock_gettime %lld gettimeofday %lld time %lld\n",
			       (long long)ts.tv_sec, (long long)tv.tv_sec,
			       (long long)t);
		return KSFT_FAIL;
	}
	if (ts.tv_sec < EPOCH_2020) {
		/*
		 * A guest booted without an RTC (or with a zeroed one) starts
		 * near the epoch. That is a property of the VM, not a bug.
		 */
		ksft_print_msg("CLOCK_REALTIME %lld is before 2020: clock unset (no RTC?)\n",
			       (long long)ts.tv_sec);
		return KSFT_SKIP;
	}
	return KSFT_PASS;
}

/* ------------------------------------------------------------------------ */
/* signal_handler                                                           */
/* ------------------------------------------------------------------------ */

static int usr1_count;
static int usr1_signo;

static void usr1_handler(int sig)
{
	__atomic_store_n(&usr1_signo, sig, __ATOMIC_RELAXED);
	__atomic_add_fetch(&usr1_count, 1, __ATOMIC_RELAXED);
}

static int usr1_seen(void)
{
	return __atomic_load_n(&usr1_count, __ATOMIC_RELAXED);
}

static int sigusr1_pending(void)
{
	sigset_t set;

	if (sigpending(&set))
		return -1;
	return sigismember(&set, SIGUSR1);
}

static int signal_checks(void)
{
	struct timespec ms = { .tv_nsec = NSEC_PER_MSEC };
	sigset_t usr1, prev;
	int i;

	usr1_count = 0;
	usr1_signo = 0;
	if (kill(getpid(), SIGUSR1))
		return fail_errno("kill(getpid(), SIGUSR1)");
	/* Delivery to ourselves should be synchronous; allow a moment anyway. */
	for (i = 0; i < 1000 && !usr1_seen(); i++)
		nanosleep(&ms, NULL);
	if (usr1_seen() != 1 || usr1_signo != SIGUSR1) {
		ksft_print_msg("kill(SIGUSR1): expected 1 delivery of signal %d, got %d of %d\n",
			       SIGUSR1, usr1_seen(), usr1_signo);
		return KSFT_FAIL;
	}

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, &prev))
		return fail_errno("sigprocmask(SIG_BLOCK)");
	usr1_count = 0;
	/* Two raises while blocked: a standard signal is pending only once. */
	if (raise(SIGUSR1) || raise(SIGUSR1)) {
		sigprocmask(SIG_SETMASK, &prev, NULL);
		return fail_errno("raise(SIGUSR1)");
	}
	if (usr1_seen()) {
		sigprocmask(SIG_SETMASK, &prev, NULL);
		ksft_print_msg("blocked SIGUSR1 was delivered %d times, expected 0\n",
			       usr1_seen());
		return KSFT_FAIL;
	}
	if (sigusr1_pending() != 1) {
		sigprocmask(SIG_SETMASK, &prev, NULL);
		ksft_print_msg("sigpending(): expected SIGUSR1 pending while blocked, it is not\n");
		return KSFT_FAIL;
	}
	/* Unblocking must deliver it before sigprocmask() returns. */
	if (sigprocmask(SIG_SETMASK, &prev, NULL))
		return fail_errno("sigprocmask(SIG_SETMASK)");
	if (usr1_seen() != 1) {
		ksft_print_msg("after unblocking: expected 1 delivery of SIGUSR1, got %d\n",
			       usr1_seen());
		return KSFT_FAIL;
	}
	if (sigusr1_pending() != 0) {
		ksft_print_msg("sigpending(): SIGUSR1 still pending after delivery\n");
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

static int test_signal_handler(void)
{
	struct sigaction sa = { .sa_handler = usr1_handler }, old;
	int ret;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, &old))
		return fail_errno("sigaction(SIGUSR1)");
	ret = signal_checks();
	sigaction(SIGUSR1, &old, NULL);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* fpu_threads                                                              */
/* ------------------------------------------------------------------------ */

#define FPU_TERMS	2000000UL
#define FPU_VEC		256
#define FPU_ROUNDS	4
#define FPU_THREADS	2
/* pi^2 / 6, the limit of sum(1 / k^2) */
#define BASEL		1.6449340668482264
/* The tail of the series after N terms is about 1 / N = 5e-7. */
#define BASEL_TOL	0.000001

struct fpu_result {
	double series;
	double mixed;
	float vec[FPU_VEC];
	float vec_sum;
};

/* Deterministic double and float work; identical inputs, identical bits. */
static void fpu_compute(struct fpu_result *r)
{
	double sum = 0.0, mixed = 1.0;
	float vsum = 0.0f;
	unsigned long k;
	int i, round;

	for (k = FPU_TERMS; k >= 1; k--) {
		double dk = (double)k;

		sum += 1.0 / (dk * dk);
		if (!(k & 1023))
			mixed = mixed * 1.0000001 + sum / dk;
	}
	for (i = 0; i < FPU_VEC; i++)
		r->vec[i] = (float)i * 0.25f + 1.0f;
	for (round = 0; round < 2000; round++)
		for (i = 0; i < FPU_VEC; i++)
			r->vec[i] = r->vec[i] * 0.9990234f + (float)(i & 7) * 0.125f;
	for (i = 0; i < FPU_VEC; i++)
		vsum += r->vec[i] / (float)(i + 1);
	r->series = sum;
	r->mixed = mixed;
	r->vec_sum = vsum;
}

struct fpu_job {
	const struct fpu_result *ref;
	int mismatches;
};

static bool fpu_same(const struct fpu_result *a, const struct fpu_result *b)
{
	return !memcmp(&a->series, &b->series, sizeof(a->series)) &&
	       !memcmp(&a->mixed, &b->mixed, sizeof(a->mixed)) &&
	       !memcmp(a->vec, b->vec, sizeof(a->vec)) &&
	       !memcmp(&a->vec_sum, &b->vec_sum, sizeof(a->vec_sum));
}

static void fpu_run(struct fpu_job *job)
{
	struct fpu_result r;
	int i;

	for (i = 0; i < FPU_ROUNDS; i++) {
		memset(&r, 0, sizeof(r));
		fpu_compute(&r);
		if (!fpu_same(&r, job->ref)) {
			if (!job->mismatches)
				ksft_print_msg("fpu: expected %a %a %a, got %a %a %a\n",
					       job->ref->series, job->ref->mixed,
					       (double)job->ref->vec_sum, r.series,
					       r.mixed, (double)r.vec_sum);
			job->mismatches++;
		}
	}
}

static void *fpu_thread(void *arg)
{
	fpu_run(arg);
	return NULL;
}

static int test_fpu_threads(void)
{
	struct fpu_job jobs[FPU_THREADS + 1];
	pthread_t thr[FPU_THREADS];
	struct fpu_result ref;
	int i, err = 0, started, ret = KSFT_PASS;

	fpu_compute(&ref);
	if (ref.series < BASEL - BASEL_TOL || ref.series > BASEL) {
		ksft_print_msg("sum(1/k^2), %lu terms: expected %.16f - 1e-6, got %.16f\n",
			       FPU_TERMS, BASEL, ref.series);
		return KSFT_FAIL;
	}

	for (i = 0; i <= FPU_THREADS; i++) {
		jobs[i].ref = &ref;
		jobs[i].mismatches = 0;
	}
	for (started = 0; started < FPU_THREADS; started++) {
		err = pthread_create(&thr[started], NULL, fpu_thread, &jobs[started]);
		if (err)
			break;
	}
	/* The main thread competes for the FPU too. */
	fpu_run(&jobs[FPU_THREADS]);
	for (i = 0; i < started; i++)
		pthread_join(thr[i], NULL);
	if (err)
		return fail_err("pthread_create", err);

	for (i = 0; i <= FPU_THREADS; i++) {
		if (jobs[i].mismatches) {
			ksft_print_msg("%s %d: %d of %d results differ from single-threaded\n",
				       i == FPU_THREADS ? "main thread" : "thread", i,
				       jobs[i].mismatches, FPU_ROUNDS);
			ret = KSFT_FAIL;
		}
	}
	return ret;
}

/* ------------------------------------------------------------------------ */
/* errno_bad_input                                                          */
/* ------------------------------------------------------------------------ */

static int test_errno_bad_input(void)
{
	char buf[16];
	long r;
	int fds[2], ret;

	r = read(-1, buf, sizeof(buf));
	ret = expect_errno("read(-1)", r, errno, EBADF);
	if (ret)
		return ret;

	r = open(OPAQUE((const char *)NULL), O_RDONLY | O_CLOEXEC);
	ret = expect_errno("open(NULL)", r, errno, EFAULT);
	if (r >= 0)
		close(r);
	if (ret)
		return ret;

	r = close(9999);
	ret = expect_errno("close(9999)", r, errno, EBADF);
	if (ret)
		return ret;

	if (pipe2(fds, O_CLOEXEC))
		return fail_errno("pipe2");
	r = write(fds[1], OPAQUE((const void *)1), sizeof(buf));
	ret = expect_errno("write from (void *)1 to a pipe", r, errno, EFAULT);
	if (!ret) {
		r = lseek(fds[0], 0, SEEK_SET);
		ret = expect_errno("lseek on a pipe", r, errno, ESPIPE);
	}
	close(fds[0]);
	close(fds[1]);
	return ret;
}

/* ------------------------------------------------------------------------ */

/*
 * clock_gettime(), gettimeofday() and time() must work with and without a
 * vDSO: UKL processes get none, and glibc then falls back to real system
 * calls. Boot with vdso=0 to take that path on any kernel; the test checks
 * that the vDSO really is absent then.
 */
/* Microseconds of a timespec, rounded down as gettimeofday() rounds. */
static long long ts_us(const struct timespec *ts)
{
	return ts->tv_sec * 1000000LL + ts->tv_nsec / 1000;
}

static int test_clock_vdso_fallback(void)
{
	unsigned long ehdr = getauxval(AT_SYSINFO_EHDR);
	struct timespec a, b, rt, rt2, req = { 0, 1000000 };
	struct timeval tv;
	char cmdline[1024] = "";
	time_t t;
	FILE *f;

	f = fopen("/proc/cmdline", "r");
	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = '\0';
		fclose(f);
	}
	if (strstr(cmdline, "vdso=0") && ehdr) {
		ksft_print_msg("vdso=0 on the command line, but AT_SYSINFO_EHDR=%#lx\n",
			       ehdr);
		return KSFT_FAIL;
	}
	ksft_print_msg("vDSO %s\n", ehdr ? "mapped" : "absent: system call fallback");

	if (clock_gettime(CLOCK_MONOTONIC, &a) || nanosleep(&req, NULL) ||
	    clock_gettime(CLOCK_MONOTONIC, &b)) {
		ksft_print_msg("clock_gettime/nanosleep: %s\n", strerror(errno));
		return KSFT_FAIL;
	}
	if ((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec) < 1000000) {
		ksft_print_msg("CLOCK_MONOTONIC advanced less than the 1 ms slept\n");
		return KSFT_FAIL;
	}
	/*
	 * gettimeofday() reads the same clock as CLOCK_REALTIME, so it must
	 * fall between two readings of it. time() reads the coarse clock,
	 * which is only brought up to date at a tick: it may lag behind by
	 * up to a tick, and under TCG a tick can be late on a busy host.
	 */
	if (clock_gettime(CLOCK_REALTIME, &rt) || gettimeofday(&tv, NULL)) {
		ksft_print_msg("CLOCK_REALTIME/gettimeofday: %s\n", strerror(errno));
		return KSFT_FAIL;
	}
	t = time(NULL);
	if (clock_gettime(CLOCK_REALTIME, &rt2)) {
		ksft_print_msg("CLOCK_REALTIME: %s\n", strerror(errno));
		return KSFT_FAIL;
	}
	if (ts_us(&rt) > tv.tv_sec * 1000000LL + tv.tv_usec ||
	    tv.tv_sec * 1000000LL + tv.tv_usec > ts_us(&rt2) ||
	    t < rt.tv_sec - 2 || t > rt2.tv_sec) {
		ksft_print_msg("realtime %lld.%09ld, tv %lld.%06ld, time %lld, then %lld.%09ld\n",
			       (long long)rt.tv_sec, rt.tv_nsec,
			       (long long)tv.tv_sec, (long)tv.tv_usec,
			       (long long)t, (long long)rt2.tv_sec, rt2.tv_nsec);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/*
 * The vDSO, where it is mapped (not with vdso=0): in ring 0 the UKL vDSO
 * in the application slot (a supervisor page: the ordinary vDSO's user
 * pages cannot be executed at CPL0). The clocks it serves must never
 * enter the kernel: a seccomp filter makes the system calls behind them
 * fail with EPERM, so any call that still succeeds went through the vDSO.
 * A clock it does not serve must fall back to the system call, which must
 * then meet the filter (so the fallback enters the kernel through the
 * normal entry code).
 */
static int skip(const char *why)
{
	ksft_print_msg("%s\n", why);
	return KSFT_SKIP;
}

static bool vdso_clocksource(void)
{
	char cs[64] = "";
	FILE *f;

	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  "r");
	if (!f)
		return false;
	if (!fgets(cs, sizeof(cs), f))
		cs[0] = '\0';
	fclose(f);
	return !strcmp(cs, "tsc\n") || !strcmp(cs, "kvm-clock\n") ||
	       !strcmp(cs, "hyperv_clocksource_tsc_page\n");
}

static const int vdso_syscalls[] = {
	SYS_clock_gettime, SYS_gettimeofday, SYS_time, SYS_getcpu,
};

/* EPERM for the system calls behind the vDSO functions, all else allowed. */
static int deny_vdso_syscalls(void)
{
	struct sock_filter f[4 + 2 * ARRAY_SIZE(vdso_syscalls)];
	struct sock_fprog prog = { .filter = f };
	unsigned int i, n = 0;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				offsetof(struct seccomp_data, nr));
	for (i = 0; i < ARRAY_SIZE(vdso_syscalls); i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					vdso_syscalls[i], 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					SECCOMP_RET_ERRNO | EPERM);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = n;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static const clockid_t vdso_clocks[] = {
	CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW,
	CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
	CLOCK_TAI,
};

static int test_vdso_no_system_calls(void)
{
	unsigned long ehdr = getauxval(AT_SYSINFO_EHDR);
	struct timespec ts;
	struct timeval tv;
	unsigned int i;
	bool in_slot;
	int bad = 0;

	if (!ehdr) {
		char cmdline[1024] = "";
		FILE *f = fopen("/proc/cmdline", "r");

		if (f) {
			if (!fgets(cmdline, sizeof(cmdline), f))
				cmdline[0] = '\0';
			fclose(f);
		}
		if (strstr(cmdline, "vdso=0"))
			return skip("no vDSO (vdso=0)");
		ksft_print_msg("no vDSO (AT_SYSINFO_EHDR is 0)\n");
		return KSFT_FAIL;
	}
	in_slot = ehdr >= 0xfffffe8000000000UL;
	if (in_ring0() != in_slot) {
		ksft_print_msg("AT_SYSINFO_EHDR %#lx is not where a%s vDSO goes\n",
			       ehdr, in_ring0() ? " ring-0" : "n ordinary");
		return KSFT_FAIL;
	}
	if (!vdso_clocksource())
		return skip("the clocksource has no vDSO mode");
	if (deny_vdso_syscalls())
		return fail_errno("seccomp");
	for (i = 0; i < ARRAY_SIZE(vdso_clocks); i++) {
		if (clock_gettime(vdso_clocks[i], &ts)) {
			ksft_print_msg("clock %d: %s: a system call\n",
				       vdso_clocks[i], strerror(errno));
			bad++;
		}
	}
	if (gettimeofday(&tv, NULL) || time(NULL) == (time_t)-1 ||
	    sched_getcpu() < 0) {
		ksft_print_msg("gettimeofday/time/getcpu: %s: a system call\n",
			       strerror(errno));
		bad++;
	}
	/* Not a vDSO clock: the fallback must meet the filter. */
	errno = 0;
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != -1 || errno != EPERM) {
		ksft_print_msg("CLOCK_PROCESS_CPUTIME_ID: not the filtered system call (%s)\n",
			       strerror(errno));
		bad++;
	}
	return bad ? KSFT_FAIL : KSFT_PASS;
}

static long long ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* Each vDSO answer lies between two system call answers, and agrees. */
static int test_vdso_matches_system_calls(void)
{
	static const clockid_t more[] = {
		CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
	};
	struct timespec a, b, c, ra, rb;
	struct timeval ta, tb, tc;
	unsigned int i, sys_cpu = ~0U;
	cpu_set_t set;
	int bad = 0, cpu;
	time_t t0, t1, t2;

	for (i = 0; i < ARRAY_SIZE(vdso_clocks) + ARRAY_SIZE(more); i++) {
		clockid_t id = i < ARRAY_SIZE(vdso_clocks) ? vdso_clocks[i] :
			       more[i - ARRAY_SIZE(vdso_clocks)];

		if (syscall(SYS_clock_gettime, id, &a) || clock_gettime(id, &b) ||
		    syscall(SYS_clock_gettime, id, &c) ||
		    syscall(SYS_clock_getres, id, &ra) || clock_getres(id, &rb))
			return fail_errno("clock_gettime/clock_getres");
		/*
		 * The vDSO's copy of the timer resolution is refreshed at
		 * the next timekeeping update: right after the switch to
		 * high-resolution mode (when a better clocksource is
		 * installed, which can be seconds into a TCG boot) the two
		 * differ for up to a tick. A later tick must settle it.
		 */
		if (ts_ns(&ra) != ts_ns(&rb)) {
			usleep(50000);
			if (syscall(SYS_clock_getres, id, &ra) ||
			    clock_getres(id, &rb))
				return fail_errno("clock_getres");
		}
		if (ts_ns(&a) > ts_ns(&b) || ts_ns(&b) > ts_ns(&c) ||
		    ts_ns(&ra) != ts_ns(&rb)) {
			ksft_print_msg("clock %d: %lld <= %lld <= %lld? resolution %lld vs %lld\n",
				       id, ts_ns(&a), ts_ns(&b), ts_ns(&c),
				       ts_ns(&ra), ts_ns(&rb));
			bad++;
		}
	}
	if (syscall(SYS_gettimeofday, &ta, NULL) || gettimeofday(&tb, NULL) ||
	    syscall(SYS_gettimeofday, &tc, NULL))
		return fail_errno("gettimeofday");
	if (timercmp(&ta, &tb, >) || timercmp(&tb, &tc, >)) {
		ksft_print_msg("gettimeofday out of order\n");
		bad++;
	}
	t0 = syscall(SYS_time, NULL);
	t1 = time(NULL);
	t2 = syscall(SYS_time, NULL);
	if (t0 > t1 || t1 > t2) {
		ksft_print_msg("time: %lld %lld %lld\n", (long long)t0,
			       (long long)t1, (long long)t2);
		bad++;
	}
	/* Pinned, so that both answers must name the same CPU. */
	cpu = sched_getcpu();
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (cpu < 0 || sched_setaffinity(0, sizeof(set), &set))
		return fail_errno("sched_getcpu/sched_setaffinity");
	if (syscall(SYS_getcpu, &sys_cpu, NULL, NULL) ||
	    sched_getcpu() != (int)sys_cpu) {
		ksft_print_msg("getcpu: vDSO %d, system call %u\n",
			       sched_getcpu(), sys_cpu);
		bad++;
	}
	return bad ? KSFT_FAIL : KSFT_PASS;
}

/* ------------------------------------------------------------------------ */
/* brk_grow_shrink                                                          */
/* ------------------------------------------------------------------------ */

#define BRK_GROWTH	(1024UL * 1024)

/* The program break moves up and back down; the memory in between works. */
static int test_brk_grow_shrink(void)
{
	unsigned char *start = sbrk(0), *p;
	int ret;

	if (start == (void *)-1)
		return fail_errno("sbrk(0)");
	if (sbrk(BRK_GROWTH) == (void *)-1)
		return fail_errno("sbrk(+1 MiB)");
	p = sbrk(0);
	if (p != start + BRK_GROWTH) {
		ksft_print_msg("break after growing 1 MiB: expected %p, got %p\n",
			       (void *)(start + BRK_GROWTH), (void *)p);
		return KSFT_FAIL;
	}
	fill_pattern(start, BRK_GROWTH, 3);
	ret = check_pattern("heap grown by brk", start, BRK_GROWTH, 3);
	if (sbrk(-(long)BRK_GROWTH) == (void *)-1)
		return fail_errno("sbrk(-1 MiB)");
	if (sbrk(0) != start) {
		ksft_print_msg("break after shrinking: expected %p, got %p\n",
			       (void *)start, sbrk(0));
		return KSFT_FAIL;
	}
	return ret;
}

/* ------------------------------------------------------------------------ */
/* execution_mode                                                           */
/* ------------------------------------------------------------------------ */

static const char mode_literal[] = "a string literal";
static int mode_global = 42;

/* An ELF64 program header, as AT_PHDR points to them. */
struct phdr64 {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static bool kernel_half(const void *p)
{
	return (unsigned long)p >= 0xffff800000000000UL;
}

/*
 * Where this program runs: the privilege level from CS, and which half of
 * the address space its code, data and stack are in. As the UKL
 * application, code and globals are in the kernel half (the application
 * slot) and the stack in the user half; the auxiliary vector describes the
 * image's real program headers, PT_TLS included.
 */
static int test_execution_mode(void)
{
	const char *expect = getenv("UKL_EXPECT_MODE");
	const struct phdr64 *phdr = (const void *)getauxval(AT_PHDR);
	unsigned long phnum = getauxval(AT_PHNUM);
	unsigned long entry = getauxval(AT_ENTRY);
	int local = 0, loads = 0, tls = 0;
	unsigned short cs;
	bool ring0, code_k;
	unsigned long i;

	asm volatile("mov %%cs, %0" : "=r" (cs));
	ring0 = (cs & 3) == 0;
	code_k = kernel_half((const void *)test_execution_mode);
	ksft_print_msg("CS=%#x (ring %d), code %p, literal %p, global %p, stack %p\n",
		       cs, cs & 3, (void *)test_execution_mode,
		       (const void *)mode_literal, (void *)&mode_global,
		       (void *)&local);

	if (code_k != ring0 || kernel_half(mode_literal) != ring0 ||
	    kernel_half(&mode_global) != ring0 || kernel_half(&local)) {
		ksft_print_msg("ring %d, but code/rodata/data/stack halves do not match\n",
			       cs & 3);
		return KSFT_FAIL;
	}
	if (expect && strcmp(expect, ring0 ? "ring0" : "ring3")) {
		ksft_print_msg("UKL_EXPECT_MODE=%s, but running in ring %d\n",
			       expect, cs & 3);
		return KSFT_FAIL;
	}

	if (!phdr || phnum == 0 || getauxval(AT_PHENT) != sizeof(*phdr)) {
		ksft_print_msg("AT_PHDR %p, AT_PHNUM %lu, AT_PHENT %lu\n",
			       (const void *)phdr, phnum, getauxval(AT_PHENT));
		return KSFT_FAIL;
	}
	for (i = 0; i < phnum; i++) {
		if (phdr[i].type == PT_TLS)
			tls++;
		if (phdr[i].type != PT_LOAD)
			continue;
		loads++;
		if (entry >= phdr[i].vaddr &&
		    entry < phdr[i].vaddr + phdr[i].memsz &&
		    !(phdr[i].flags & PF_X)) {
			ksft_print_msg("AT_ENTRY %#lx is in a non-executable segment\n",
				       entry);
			return KSFT_FAIL;
		}
	}
	if (!loads || tls != 1 || kernel_half((void *)entry) != ring0) {
		ksft_print_msg("program headers: %d PT_LOAD, %d PT_TLS; AT_ENTRY %#lx\n",
			       loads, tls, entry);
		return KSFT_FAIL;
	}
	if (getauxval(AT_PAGESZ) != 4096 || !getauxval(AT_RANDOM)) {
		ksft_print_msg("AT_PAGESZ %lu, AT_RANDOM %#lx\n",
			       getauxval(AT_PAGESZ), getauxval(AT_RANDOM));
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* ------------------------------------------------------------------------ */
/* preempt_busy_threads                                                     */
/* ------------------------------------------------------------------------ */

#define BUSY_THREADS	2
#define BUSY_RUN_MS	400

struct busy {
	unsigned long count;
	int *stop;
	char pad[64];
};

/* Spin without any system call: only preemption can take the CPU away. */
static void *busy_fn(void *arg)
{
	struct busy *b = arg;
	unsigned long n = 0;

	while (!__atomic_load_n(b->stop, __ATOMIC_RELAXED))
		n++;
	b->count = n;
	return NULL;
}

/*
 * Two threads that never block, on one CPU, for a while: both must make
 * progress, and the main thread (sleeping on the same CPU) must get the CPU
 * back to stop them. Without timer preemption on the way back to the
 * application, the first spinner would keep the CPU.
 */
static int test_preempt_busy_threads(void)
{
	struct timespec run = { 0, BUSY_RUN_MS * NSEC_PER_MSEC };
	struct busy b[BUSY_THREADS];
	pthread_t thr[BUSY_THREADS];
	cpu_set_t one, saved;
	int stop = 0;
	int i, err = 0, started, ret = KSFT_PASS;

	if (sched_getaffinity(0, sizeof(saved), &saved))
		return fail_errno("sched_getaffinity");
	CPU_ZERO(&one);
	for (i = 0; i < CPU_SETSIZE && !CPU_ISSET(i, &saved); i++)
		;
	CPU_SET(i, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return fail_errno("sched_setaffinity");

	for (started = 0; started < BUSY_THREADS; started++) {
		b[started].count = 0;
		b[started].stop = &stop;
		err = pthread_create(&thr[started], NULL, busy_fn, &b[started]);
		if (err)
			break;
	}
	nanosleep(&run, NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < started; i++)
		pthread_join(thr[i], NULL);
	sched_setaffinity(0, sizeof(saved), &saved);
	if (err)
		return fail_err("pthread_create", err);

	for (i = 0; i < BUSY_THREADS; i++) {
		ksft_print_msg("spinner %d: %lu iterations\n", i, b[i].count);
		if (b[i].count < 1000) {
			ksft_print_msg("spinner %d made no progress on the shared CPU\n", i);
			ret = KSFT_FAIL;
		}
	}
	return ret;
}

/* ------------------------------------------------------------------------ */
/* stack_growth_8m                                                          */
/* ------------------------------------------------------------------------ */

#define STACK_GROWTH	(8UL << 20)
#define STACK_FRAME	4096

/* Each level touches a fresh 4 KiB of stack; the sum checks every frame. */
static unsigned long recurse(unsigned long depth)
{
	unsigned char frame[STACK_FRAME - 128];
	unsigned long sum = 0, i;

	for (i = 0; i < sizeof(frame); i += 512)
		frame[i] = (unsigned char)(depth + i);
	/* Keep the frame in memory, on this level's stack. */
	asm volatile("" : : "r" (frame) : "memory");
	if (depth)
		sum = recurse(depth - 1);
	for (i = 0; i < sizeof(frame); i += 512)
		sum += frame[i];
	return sum;
}

static unsigned long expected_sum(unsigned long depth)
{
	unsigned long sum = 0, d, i;

	for (d = 0; d <= depth; d++)
		for (i = 0; i < STACK_FRAME - 128; i += 512)
			sum += (unsigned char)(d + i);
	return sum;
}

static void *recurse_thread(void *arg)
{
	unsigned long *res = arg;

	*res = recurse(res[1]);
	return NULL;
}

/*
 * Grow the main stack by 8 MiB (the stack VMA grows page by page on
 * faults) and use 8 MiB of a fresh 16 MiB thread stack (populated on
 * demand). In ring 0 every new page is first touched by the application
 * itself, on the stack it runs on.
 */
static int test_stack_growth_8m(void)
{
	unsigned long depth = STACK_GROWTH / STACK_FRAME, got, res[2];
	struct rlimit rl, saved;
	pthread_attr_t attr;
	pthread_t thr;
	int err;

	if (getrlimit(RLIMIT_STACK, &saved))
		return fail_errno("getrlimit");
	rl = saved;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 4 * STACK_GROWTH) {
		rl.rlim_cur = 4 * STACK_GROWTH;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
			rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_STACK, &rl))
			return fail_errno("setrlimit");
	}
	got = recurse(depth);
	setrlimit(RLIMIT_STACK, &saved);
	if (got != expected_sum(depth)) {
		ksft_print_msg("main stack: checksum %lu, expected %lu\n",
			       got, expected_sum(depth));
		return KSFT_FAIL;
	}

	res[0] = 0;
	res[1] = depth;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 2 * STACK_GROWTH);
	err = pthread_create(&thr, &attr, recurse_thread, res);
	pthread_attr_destroy(&attr);
	if (err)
		return fail_err("pthread_create", err);
	pthread_join(thr, NULL);
	if (res[0] != expected_sum(depth)) {
		ksft_print_msg("thread stack: checksum %lu, expected %lu\n",
			       res[0], expected_sum(depth));
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* Is @flag among the CPU flags the kernel reports (first CPU)? */
static bool cpu_flag(const char *flag)
{
	static char line[16384];
	size_t n = strlen(flag);
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");
	char *p;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		for (p = strchr(line, ':'); p && !found; p = strchr(p + 1, ' '))
			found = !strncmp(p + 1, flag, n) &&
				(p[n + 1] == ' ' || p[n + 1] == '\n');
		break;
	}
	fclose(f);
	return found;
}

/*
 * modify_ldt(): a process writes an LDT entry and reads it back. So does
 * the ring-0 application, except while page table isolation is active:
 * PTI remaps an mm's LDT at the address of the application slot, so the
 * write fails with EOPNOTSUPP there (Documentation/ukl/ukl.rst,
 * "Distribution kernels").
 */
/*
 * The slot is the application's own: the kernel reads the application's
 * ELF header there for it, and finds nothing there for an ordinary process
 * (the copy of this test beside the ring-0 run, in another mm, at the same
 * time). With 5-level paging that also checks that the slot went into the
 * application mm's own copy of the shared kernel P4D table.
 */
static int test_slot_private(void)
{
	const void *slot = (const void *)0xfffffe8000000000UL;
	char buf[4] = "";
	ssize_t n;
	int p[2];

	if (pipe(p))
		return fail_errno("pipe");
	errno = 0;
	n = write(p[1], slot, sizeof(buf));
	if (n == sizeof(buf) && read(p[0], buf, sizeof(buf)) != sizeof(buf))
		n = -2;
	close(p[0]);
	close(p[1]);
	if (in_ring0() ? n == sizeof(buf) && !memcmp(buf, "\177ELF", 4) :
			 n == -1 && errno == EFAULT)
		return KSFT_PASS;
	ksft_print_msg("write() from the slot address: %zd (%s), data %02x%02x%02x%02x\n",
		       n, strerror(errno), buf[0] & 0xff, buf[1] & 0xff,
		       buf[2] & 0xff, buf[3] & 0xff);
	return KSFT_FAIL;
}

/*
 * modify_ldt() returns an int in %rax, not sign-extended (its ABI), so
 * syscall() does not see its errors: -errno either way.
 */
static long ldt_call(int func, void *ptr, unsigned long bytes)
{
	long ret = syscall(SYS_modify_ldt, func, ptr, bytes);

	return ret == -1 ? -errno : (int)ret;
}

static int test_ldt_write(void)
{
	struct user_desc d = {
		.entry_number = 0, .base_addr = 0x12340, .limit = 0xfff,
		.seg_32bit = 1,
	};
	bool refused = in_ring0() && cpu_flag("pti");
	unsigned long long got = 0;
	long ret;

	ret = ldt_call(1, &d, sizeof(d));
	if (ret == -ENOSYS) {
		ksft_print_msg("modify_ldt() is not in this kernel\n");
		return KSFT_SKIP;
	}
	if (refused) {
		if (ret == -EOPNOTSUPP)
			return KSFT_PASS;
		ksft_print_msg("modify_ldt() in ring 0 with PTI: %ld, expected %d\n",
			       ret, -EOPNOTSUPP);
		return KSFT_FAIL;
	}
	if (ret) {
		ksft_print_msg("modify_ldt(1): %s\n", strerror(-ret));
		return KSFT_FAIL;
	}
	ret = ldt_call(0, &got, sizeof(got));
	/* The descriptor: limit 15:0 in bits 15:0, base 23:0 in 39:16. */
	if (ret != sizeof(got) || (got & 0xffff) != 0xfff ||
	    ((got >> 16) & 0xffffff) != 0x12340) {
		ksft_print_msg("modify_ldt(0): %ld, entry %#llx\n", ret, got);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/*
 * Each case is a harness test of the "basic" fixture; the harness runs it
 * in a child process of its own, so a crash is that case's failure only.
 */
FIXTURE(basic) {};
FIXTURE_SETUP(basic) {}
FIXTURE_TEARDOWN(basic) {}

static void run_case(struct __test_metadata *_metadata, int (*fn)(void))
{
	int ret = fn();

	if (ret == KSFT_SKIP)
		SKIP(return, "see the message above");
	ASSERT_EQ(KSFT_PASS, ret);
}

TEST_F(basic, execution_mode)
{
	run_case(_metadata, test_execution_mode);
}

TEST_F(basic, getpid_getppid)
{
	run_case(_metadata, test_getpid_getppid);
}

TEST_F(basic, uname_release)
{
	run_case(_metadata, test_uname_release);
}

TEST_F(basic, tmpfs_file_roundtrip)
{
	run_case(_metadata, test_tmpfs_file_roundtrip);
}

TEST_F(basic, pipe_roundtrip)
{
	run_case(_metadata, test_pipe_roundtrip);
}

TEST_F(basic, socketpair_roundtrip)
{
	run_case(_metadata, test_socketpair_roundtrip);
}

TEST_F(basic, tcp_loopback)
{
	run_case(_metadata, test_tcp_loopback);
}

TEST_F(basic, udp_loopback)
{
	run_case(_metadata, test_udp_loopback);
}

TEST_F(basic, threads_tls)
{
	run_case(_metadata, test_threads_tls);
}

TEST_F(basic, condvar_pingpong)
{
	run_case(_metadata, test_condvar_pingpong);
}

TEST_F(basic, mmap_mprotect)
{
	run_case(_metadata, test_mmap_mprotect);
}

TEST_F(basic, malloc_64m)
{
	run_case(_metadata, test_malloc_64m);
}

TEST_F(basic, brk_grow_shrink)
{
	run_case(_metadata, test_brk_grow_shrink);
}

TEST_F(basic, clock_nanosleep)
{
	run_case(_metadata, test_clock_nanosleep);
}

TEST_F(basic, clock_realtime)
{
	run_case(_metadata, test_clock_realtime);
}

TEST_F(basic, clock_vdso_fallback)
{
	run_case(_metadata, test_clock_vdso_fallback);
}

TEST_F(basic, vdso_no_system_calls)
{
	run_case(_metadata, test_vdso_no_system_calls);
}

TEST_F(basic, vdso_matches_system_calls)
{
	run_case(_metadata, test_vdso_matches_system_calls);
}

TEST_F(basic, signal_handler)
{
	run_case(_metadata, test_signal_handler);
}

TEST_F(basic, fpu_threads)
{
	run_case(_metadata, test_fpu_threads);
}

TEST_F(basic, errno_bad_input)
{
	run_case(_metadata, test_errno_bad_input);
}

TEST_F(basic, preempt_busy_threads)
{
	run_case(_metadata, test_preempt_busy_threads);
}

TEST_F(basic, stack_growth_8m)
{
	run_case(_metadata, test_stack_growth_8m);
}

TEST_F(basic, ldt_write)
{
	run_case(_metadata, test_ldt_write);
}

TEST_F(basic, slot_private)
{
	run_case(_metadata, test_slot_private);
}

TEST_HARNESS_MAIN
