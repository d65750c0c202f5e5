// SPDX-License-Identifier: GPL-2.0
/*
 * ukl_bench: micro-benchmarks for UKL (unikernel Linux).
 *
 * The program is meant to run in a small guest under QEMU TCG with
 * "-icount shift=0", where CLOCK_MONOTONIC advances by exactly one
 * nanosecond per guest instruction, so every figure it prints is a count of
 * guest instructions.  On real hardware the figures are ordinary
 * nanoseconds.
 *
 * Every row times single operations: a few warm-up rounds, then N timed
 * rounds, each bracketed by its own pair of clock_gettime() calls (cheap
 * rows time a batch of BATCH operations and divide).  The median cost of an
 * empty clock_gettime() pair is measured first and subtracted from every
 * sample (clamped at 0); the "timer" row shows that raw cost.
 *
 * Output on stdout is one line per row, plus comment lines starting with
 * '#':
 *
 *   ROW family=F name=N size=S iters=I median=M p99=P min=L
 *
 * The same source is built as a normal static program and through
 * scripts/ukl-gcc, so it sticks to plain POSIX/Linux calls and only forks
 * in the "fork" row, which --no-fork skips.  That row makes the fork system
 * call directly: glibc's fork() cannot be linked into a UKL application
 * (ukl-audit rejects its calls to undefined weak symbols).  The calling
 * thread is pinned to one CPU so that wake-ups never cross CPUs.
 *
 * Environment:
 *   UKL_TMPDIR  tmpfs directory for the tmpfs rows (default "/tmp")
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Never inlined, cloned or analysed across calls: a real call stays a call. */
#define __noipa	__attribute__((__noipa__))

#define NSEC_PER_SEC	1000000000ULL

/* Iterations of a cheap row; --iters N rescales every row by N / BASE_ITERS. */
#define BASE_ITERS	2000
#define MAX_ITERS_ARG	10000000L
/* Operations per sample in the floor rows. */
#define BATCH		1000
/* Samples taken to calibrate the timer overhead. */
#define CALIB_ITERS	1000

#define MAX_XFER	8192
#define NR_POLL_PIPES	64
#define MAX_FAULT_PAGES	100

/* Stack of the page_fault_stack thread, and the part of it kept warm. */
#define FAULT_STACK_SIZE	(8UL << 20)
#define FAULT_STACK_WARM	(16UL << 10)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum family {
	FAM_FLOOR,
	FAM_SYSCALL,
	FAM_PIPE,
	FAM_TMPFS,
	FAM_UDP,
	FAM_TCP,
	FAM_MM,
	FAM_POLL,
	FAM_PROC,
	FAM_LIBC,
	NR_FAMILIES
};

static const char * const family_names[NR_FAMILIES] = {
	[FAM_FLOOR]	= "floor",
	[FAM_SYSCALL]	= "syscall",
	[FAM_PIPE]	= "pipe",
	[FAM_TMPFS]	= "tmpfs",
	[FAM_UDP]	= "udp",
	[FAM_TCP]	= "tcp",
	[FAM_MM]	= "mm",
	[FAM_POLL]	= "poll",
	[FAM_PROC]	= "proc",
	[FAM_LIBC]	= "libc",
};

static const size_t xfer_sizes[] = { 1, 64, 256, 1024, 4096, 8192 };
static const size_t mmap_sizes[] = { 4096, 65536 };
static const int poll_counts[] = { 1, 8, 32, 64 };

/* Pages touched by a page-fault row, and its default iteration count. */
static const struct {
	int pages;
	long iters;
} fault_rows[] = {
	{ 1, 500 },
	{ 10, 200 },
	{ 100, 100 },
};

/* Options. */
static long iters_arg;
static int quick;
static int no_fork;
static unsigned int only_mask;

static long page_size;
static __u64 timer_ovh;

/* Sample buffers, allocated and pre-faulted once. */
static __u64 *samp_a;
static __u64 *samp_b;

static alignas(4096) char tx_buf[MAX_XFER];
static alignas(4096) char rx_buf[MAX_XFER];

/* Written before the second fork row: a program with a large .bss. */
static char fork_bss[64UL << 20];

/* Resident-page map of the page_fault_stack thread's stack. */
static unsigned char stack_vec[FAULT_STACK_SIZE / 4096];

static noreturn void fail_msg(const char *row, const char *msg)
{
	fflush(stdout);
	fprintf(stderr, "# error: %s: %s\n", row, msg);
	exit(1);
}

/* A call failed and set errno. */
static noreturn void fail(const char *row)
{
	fail_msg(row, strerror(errno));
}

/* A call returned the error number @err instead of setting errno. */
static noreturn void fail_err(const char *row, int err)
{
	fail_msg(row, strerror(err));
}

/* A read or write returned @ret instead of @want. */
static void check_xfer(const char *row, ssize_t ret, size_t want)
{
	if (ret < 0)
		fail(row);
	if ((size_t)ret != want)
		fail_msg(row, "short transfer");
}

/* Keep the compiler from moving memory accesses across this point. */
static inline void barrier(void)
{
	asm volatile("" ::: "memory");
}

/* Store a byte at @p; the empty asm that may read it keeps the store. */
static inline void touch_byte(char *p)
{
	*p = 1;
	asm volatile("" : : "r" (p) : "memory");
}

/*
 * Markers for the instruction-class plugin that make bench loads into QEMU
 * (qemu-plugin/ukl_cycles.c): 16-bit exchanges of a register with itself,
 * which change nothing and cost one instruction on every kernel, in ring 3
 * and ring 0 alike.  Each timed operation runs in a window between a start
 * and a stop marker, inside its clock_gettime() pair; the timer calibration
 * has an empty window, so that the markers are subtracted with the timer.
 * Slot A and B windows collect two rows timed in the same loop; report()
 * ends a row, and the first timed iteration clears what warm-up collected.
 */
static inline void mark_start_a(void)
{
	asm volatile(".byte 0x66, 0x87, 0xdb" ::: "memory");	/* xchg %bx,%bx */
}

static inline void mark_start_b(void)
{
	asm volatile(".byte 0x66, 0x87, 0xed" ::: "memory");	/* xchg %bp,%bp */
}

static inline void mark_stop(void)
{
	asm volatile(".byte 0x66, 0x87, 0xc9" ::: "memory");	/* xchg %cx,%cx */
}

static inline void mark_reset(void)
{
	asm volatile(".byte 0x66, 0x87, 0xf6" ::: "memory");	/* xchg %si,%si */
}

/* End the row whose samples are in @s (slot B for samp_b). */
static inline void mark_end(const __u64 *s)
{
	if (s == samp_b)
		asm volatile(".byte 0x66, 0x87, 0xff" ::: "memory");	/* xchg %di,%di */
	else
		asm volatile(".byte 0x66, 0x87, 0xd2" ::: "memory");	/* xchg %dx,%dx */
}

static inline __u64 now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		fail("clock_gettime");
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Length of the interval [@t0, @t1] without the timer overhead, at least 0. */
static inline __u64 net(__u64 t0, __u64 t1)
{
	__u64 d = t1 - t0;

	return d > timer_ovh ? d - timer_ovh : 0;
}

/* Same, per operation of a batch of @ops, rounded to nearest. */
static inline __u64 net_per(__u64 t0, __u64 t1, unsigned int ops)
{
	return (net(t0, t1) + ops / 2) / ops;
}

static long iters_for(long def)
{
	long n;

	if (quick)
		return 1;
	if (!iters_arg)
		return def;
	n = def * iters_arg / BASE_ITERS;
	return n > 0 ? n : 1;
}

static long warmup_for(long iters)
{
	if (quick)
		return 1;
	return iters / 10 > 10 ? iters / 10 : 10;
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a;
	__u64 y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sort @n samples and print the row; @ops > 1 says that each window of
 * the row timed a batch of @ops operations.
 */
static void report_ops(enum family fam, const char *name, long size, __u64 *s,
		       long n, int ops)
{
	long p99 = (99 * n + 99) / 100 - 1;

	mark_end(s);
	qsort(s, n, sizeof(*s), cmp_u64);
	printf("ROW family=%s name=%s size=%ld iters=%ld median=%llu p99=%llu min=%llu",
	       family_names[fam], name, size, n, s[(n - 1) / 2], s[p99], s[0]);
	if (ops > 1)
		printf(" ops=%d", ops);
	printf("\n");
	fflush(stdout);
}

static void report(enum family fam, const char *name, long size, __u64 *s, long n)
{
	report_ops(fam, name, size, s, n, 1);
}

static void samples_init(long n)
{
	size_t bytes = n * sizeof(__u64);

	samp_a = malloc(bytes);
	samp_b = malloc(bytes);
	if (!samp_a || !samp_b)
		fail("malloc");
	memset(samp_a, 0, bytes);
	memset(samp_b, 0, bytes);
}

static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t r;

	while (done < len) {
		r = read(fd, (char *)buf + done, len - done);
		if (r <= 0)
			return r < 0 ? r : (ssize_t)done;
		done += r;
	}
	return done;
}

static ssize_t send_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t r;

	while (done < len) {
		r = send(fd, (const char *)buf + done, len - done, 0);
		if (r < 0)
			return r;
		done += r;
	}
	return done;
}

static ssize_t recv_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t r;

	while (done < len) {
		r = recv(fd, (char *)buf + done, len - done, 0);
		if (r <= 0)
			return r < 0 ? r : (ssize_t)done;
		done += r;
	}
	return done;
}

/* ------------------------------------------------------------------------ */
/* floor: loop, call and timer costs                                        */
/* ------------------------------------------------------------------------ */

static __noipa void empty_func(void)
{
	barrier();
}

/* Median of CALIB_ITERS back-to-back clock_gettime() pairs. */
static void calibrate_timer(void)
{
	__u64 t0, t1;
	long i;

	for (i = -CALIB_ITERS / 10; i < CALIB_ITERS; i++) {
		t0 = now_ns();
		mark_start_a();
		mark_stop();
		t1 = now_ns();
		if (i >= 0)
			samp_a[i] = t1 - t0;
	}
	qsort(samp_a, CALIB_ITERS, sizeof(*samp_a), cmp_u64);
	timer_ovh = samp_a[(CALIB_ITERS - 1) / 2];
}

static void bench_floor(void)
{
	long n = iters_for(BASE_ITERS);
	long w = warmup_for(n);
	__u64 t0, t1;
	long i;
	int j;

	for (i = -w; i < n; i++) {
		if (!i)
			mark_reset();
		t0 = now_ns();
		mark_start_a();
		for (j = 0; j < BATCH; j++)
			barrier();
		mark_stop();
		t1 = now_ns();
		if (i >= 0)
			samp_a[i] = net_per(t0, t1, BATCH);
	}
	report_ops(FAM_FLOOR, "empty_loop", 0, samp_a, n, BATCH);

	for (i = -w; i < n; i++) {
		if (!i)
			mark_reset();
		t0 = now_ns();
		mark_start_a();
		for (j = 0; j < BATCH; j++)
			empty_func();
		mark_stop();
		t1 = now_ns();
		if (i >= 0)
			samp_a[i] = net_per(t0, t1, BATCH);
	}
	report_ops(FAM_FLOOR, "func_call", 0, samp_a, n, BATCH);

	/* Raw cost of a pair, the one row nothing is subtracted from. */
	for (i = -w; i < n; i++) {
		if (!i)
			mark_reset();
		t0 = now_ns();
		t1 = now_ns();
		if (i >= 0)
			samp_a[i] = t1 - t0;
	}
	report(FAM_FLOOR, "timer", 0, samp_a, n);
}

/* ------------------------------------------------------------------------ */
/* syscall: null system call and one clock read                             */
/* ------------------------------------------------------------------------ */

static int futex_word;

static void bench_syscall(void)
{
	long n = iters_for(BASE_ITERS);
	long w = warmup_for(n);
	struct timespec ts;
	__u64 t0, t1;
	long i;

	for (i = -w; i < n; i++) {
		if (!i)
			mark_reset();
		t0 = now_ns();
		mark_start_a();
		syscall(SYS_getppid);
		mark_stop();
		t1 = now_ns();
		if (i >= 0)
			samp_a[i] = net(t0, t1);
	}
	report(FAM_SYSCALL, "getppid", 0, samp_a, n);

	for (i = -w; i < n; i++) {
		if (!i)
			mark_reset();
		t0 = now_ns();
		mark_start_a();
		if (clock_gettime(CLOCK_MONOTONIC, &ts))
			fail("clock_gettime");
		mark_stop();
		t1 = now_ns();
		if (i >= 0)
			samp_a[i] = net(t0, t1);
	}
	report(FAM_SYSCALL, "clock_gettime", 0, samp_a, n);

	/* A wake-up with no waiter: the futex hash lookup and nothing else. */
	for (i = -w; i < n; i++) {
		if (!i)
			mark_reset();
		t0 = now_ns();
		mark_start_a();
		if (syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0))
			fail("futex_wake");
		mark_stop();
		t1 = now_ns();
		if (i >= 0)
			samp_a[i] = net(t0, t1);
	}
	report(FAM_SYSCALL, "futex_wake", 0, samp_a, n);
}

/* ------------------------------------------------------------------------ */
/* pipe and tmpfs: write N bytes, read them back                            */
/* ------------------------------------------------------------------------ */

static void bench_pipe(void)
{
	long n = iters_for(BASE_ITERS);
	long w = warmup_for(n);
	__u64 t0, t1, t2, t3;
	ssize_t wr, rd;
	unsigned int k;
	int fds[2];
	size_t sz;
	long i;

	if (pipe2(fds, O_CLOEXEC))
		fail("pipe_write");

	for (k = 0; k < ARRAY_SIZE(xfer_sizes); k++) {
		sz = xfer_sizes[k];
		for (i = -w; i < n; i++) {
			if (!i)
				mark_reset();
			t0 = now_ns();
			mark_start_a();
			wr = write(fds[1], tx_buf, sz);
			mark_stop();
			t1 = now_ns();
			check_xfer("pipe_write", wr, sz);
			t2 = now_ns();
			mark_start_b();
			rd = read_full(fds[0], rx_buf, sz);
			mark_stop();
			t3 = now_ns();
			check_xfer("pipe_read", rd, sz);
			if (i >= 0) {
				samp_a[i] = net(t0, t1);
				samp_b[i] = net(t2, t3);
			}
		}
		report(FAM_PIPE, "pipe_write", sz, samp_a, n);
		report(FAM_PIPE, "pipe_read", sz, samp_b, n);
	}
	close(fds[0]);
	close(fds[1]);
}

static void bench_tmpfs(void)
{
	long n = iters_for(BASE_ITERS);
	long w = warmup_for(n);
	__u64 t0, t1, t2, t3;
	const char *dir;
	char path[256];
	ssize_t wr, rd;
	unsigned int k;
	size_t sz;
	long i;
	int fd;

	dir = getenv("UKL_TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/ukl_bench.%d", dir, (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		fail("tmpfs_write");
	if (unlink(path))
		fail("tmpfs_write");
	/* Allocate the file's pages up front: the rows only overwrite them. */
	check_xfer("tmpfs_write", pwrite(fd, tx_buf, MAX_XFER, 0), MAX_XFER);

	for (k = 0; k < ARRAY_SIZE(xfer_sizes); k++) {
		sz = xfer_sizes[k];
		for (i = -w; i < n; i++) {
			if (!i)
				mark_reset();
			t0 = now_ns();
			mark_start_a();
			wr = pwrite(fd, tx_buf, sz, 0);
			mark_stop();
			t1 = now_ns();
			check_xfer("tmpfs_write", wr, sz);
			t2 = now_ns();
			mark_start_b();
			rd = pread(fd, rx_buf, sz, 0);
			mark_stop();
			t3 = now_ns();
			check_xfer("tmpfs_read", rd, sz);
			if (i >= 0) {
				samp_a[i] = net(t0, t1);
				samp_b[i] = net(t2, t3);
			}
		}
		report(FAM_TMPFS, "tmpfs_write", sz, samp_a, n);
		report(FAM_TMPFS, "tmpfs_read", sz, samp_b, n);
	}
	close(fd);
}

/* ------------------------------------------------------------------------ */
/* udp and tcp over 127.0.0.1, both ends in this thread                     */
/* ------------------------------------------------------------------------ */

/* A socket bound to 127.0.0.1 on a free port; its address goes to @addr. */
static int loopback_socket(const char *row, int type, struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd;

	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail(row);
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)))
		fail(row);
	if (getsockname(fd, (struct sockaddr *)addr, &len))
		fail(row);
	return fd;
}

static void bench_udp(void)
{
	long n = iters_for(BASE_ITERS / 2);
	long w = warmup_for(n);
	struct sockaddr_in src, dst, from;
	__u64 t0, t1, t2, t3;
	socklen_t from_len;
	ssize_t wr, rd;
	unsigned int k;
	int tx, rx;
	size_t sz;
	long i;

	tx = loopback_socket("udp_sendto", SOCK_DGRAM, &src);
	rx = loopback_socket("udp_sendto", SOCK_DGRAM, &dst);

	for (k = 0; k < ARRAY_SIZE(xfer_sizes); k++) {
		sz = xfer_sizes[k];
		for (i = -w; i < n; i++) {
			if (!i)
				mark_reset();
			from_len = sizeof(from);
			t0 = now_ns();
			mark_start_a();
			wr = sendto(tx, tx_buf, sz, 0, (struct sockaddr *)&dst, sizeof(dst));
			mark_stop();
			t1 = now_ns();
			check_xfer("udp_sendto", wr, sz);
			t2 = now_ns();
			mark_start_b();
			rd = recvfrom(rx, rx_buf, sz, 0, (struct sockaddr *)&from, &from_len);
			mark_stop();
			t3 = now_ns();
			check_xfer("udp_recvfrom", rd, sz);
			if (i >= 0) {
				samp_a[i] = net(t0, t1);
				samp_b[i] = net(t2, t3);
			}
		}
		report(FAM_UDP, "udp_sendto", sz, samp_a, n);
		report(FAM_UDP, "udp_recvfrom", sz, samp_b, n);
	}
	close(tx);
	close(rx);
}

static void bench_tcp(void)
{
	long n = iters_for(BASE_ITERS / 2);
	long w = warmup_for(n);
	struct sockaddr_in addr;
	__u64 t0, t1, t2, t3;
	int lfd, cfd, sfd;
	ssize_t wr, rd;
	unsigned int k;
	int one = 1;
	size_t sz;
	long i;

	lfd = loopback_socket("tcp_send", SOCK_STREAM, &addr);
	if (listen(lfd, 1))
		fail("tcp_send");
	/*
	 * A blocking connect() to a loopback listener returns once the
	 * handshake is done, which the kernel completes by itself; the
	 * connection then waits in the accept queue.
	 */
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd < 0)
		fail("tcp_send");
	if (connect(cfd, (struct sockaddr *)&addr, sizeof(addr)))
		fail("tcp_send");
	sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (sfd < 0)
		fail("tcp_recv");
	/* Send every segment at once; never wait for a delayed ACK. */
	if (setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		fail("tcp_send");

	for (k = 0; k < ARRAY_SIZE(xfer_sizes); k++) {
		sz = xfer_sizes[k];
		for (i = -w; i < n; i++) {
			if (!i)
				mark_reset();
			t0 = now_ns();
			mark_start_a();
			wr = send_full(cfd, tx_buf, sz);
			mark_stop();
			t1 = now_ns();
			check_xfer("tcp_send", wr, sz);
			t2 = now_ns();
			mark_start_b();
			rd = recv_full(sfd, rx_buf, sz);
			mark_stop();
			t3 = now_ns();
			check_xfer("tcp_recv", rd, sz);
			if (i >= 0) {
				samp_a[i] = net(t0, t1);
				samp_b[i] = net(t2, t3);
			}
		}
		report(FAM_TCP, "tcp_send", sz, samp_a, n);
		report(FAM_TCP, "tcp_recv", sz, samp_b, n);
	}
	close(cfd);
	close(sfd);
	close(lfd);
}

/* ------------------------------------------------------------------------ */
/* mm: mmap/munmap and first-touch page faults                              */
/* ------------------------------------------------------------------------ */

static void *map_anon(const char *row, size_t len, int extra_flags, void *at)
{
	void *p;

	p = mmap(at, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
	if (p == MAP_FAILED)
		fail(row);
	return p;
}

static void bench_mmap(void)
{
	long n = iters_for(BASE_ITERS);
	long w = warmup_for(n);
	__u64 t0, t1, t2, t3;
	unsigned int k;
	size_t sz;
	void *p;
	long i;
	int r;

	for (k = 0; k < ARRAY_SIZE(mmap_sizes); k++) {
		sz = mmap_sizes[k];
		for (i = -w; i < n; i++) {
			if (!i)
				mark_reset();
			t0 = now_ns();
			mark_start_a();
			p = mmap(NULL, sz, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			mark_stop();
			t1 = now_ns();
			if (p == MAP_FAILED)
				fail("mmap");
			t2 = now_ns();
			mark_start_b();
			r = munmap(p, sz);
			mark_stop();
			t3 = now_ns();
			if (r)
				fail("munmap");
			if (i >= 0) {
				samp_a[i] = net(t0, t1);
				samp_b[i] = net(t2, t3);
			}
		}
		report(FAM_MM, "mmap", sz, samp_a, n);
		report(FAM_MM, "munmap", sz, samp_b, n);
	}
}

/*
 * The page_fault_anon rows map their pages inside a window reserved once
 * (PROT_NONE, 2 MiB aligned, 2 MiB plus the largest row), so that every
 * kernel handles the same faults: the window keeps the page tables above
 * the mapping alive across munmap().  Without it the row would also
 * measure the address-space layout: a mapping alone in its 2 MiB region
 * loses its page-table page at munmap() and its first touch allocates and
 * clears a new one (about 4,400 instructions), while one that shares the
 * region with another mapping (the vDSO, on a stock kernel) does not.
 * The mapping itself is new each round (MAP_FIXED over the window and back
 * to PROT_NONE after), so each first touch also prepares its anon_vma.
 */
#define FAULT_WINDOW	(2UL << 20)

static char *fault_window(void)
{
	size_t len = 2 * FAULT_WINDOW + MAX_FAULT_PAGES * page_size;
	char *w;

	w = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (w == MAP_FAILED)
		fail("page_fault_anon");
	/* The mapping starts one page into a 2 MiB region of the window. */
	return (char *)(((unsigned long)w + FAULT_WINDOW - 1) &
			~(FAULT_WINDOW - 1)) + page_size;
}

static void bench_fault_anon(void)
{
	char *p, *win = fault_window();
	unsigned int k;
	__u64 t0, t1;
	long n, w, i;
	size_t len;
	int j, np;

	for (k = 0; k < ARRAY_SIZE(fault_rows); k++) {
		np = fault_rows[k].pages;
		n = iters_for(fault_rows[k].iters);
		w = warmup_for(n);
		len = np * page_size;
		for (i = -w; i < n; i++) {
			if (!i)
				mark_reset();
			p = map_anon("page_fault_anon", len, MAP_FIXED, win);
			/*
			 * Small pages only, whatever the THP setting.  A kernel
			 * without THP rejects the advice (EINVAL): nothing to do.
			 */
			if (madvise(p, len, MADV_NOHUGEPAGE) && errno != EINVAL)
				fail("page_fault_anon");
			t0 = now_ns();
			mark_start_a();
			for (j = 0; j < np; j++)
				touch_byte(p + j * page_size);
			mark_stop();
			t1 = now_ns();
			if (mmap(p, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
				 MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
				fail("page_fault_anon");
			if (i >= 0)
				samp_a[i] = net(t0, t1);
		}
		report(FAM_MM, "page_fault_anon", np, samp_a, n);
	}
}

/*
 * page_fault_stack runs in a new thread on a stack mapped just for it (a
 * glibc-allocated stack could come from its cache, already faulted in).
 * The thread keeps the top FAULT_STACK_WARM bytes of its stack faulted in,
 * so clock_gettime() never faults, then moves its stack pointer down into
 * the pages below and writes to each one as it reaches it.
 */
struct stack_job {
	char *base;
	int pages;
	__u64 ns;
	long faulted;
};

static long resident_pages(char *base, size_t len)
{
	long count = 0;
	size_t i;

	if (mincore(base, len, stack_vec))
		fail("page_fault_stack");
	for (i = 0; i < len / page_size; i++)
		count += stack_vec[i] & 1;
	return count;
}

/* Fault in the stack below the caller; return the lowest page reached. */
static __noipa unsigned long stack_warm(void)
{
	char buf[FAULT_STACK_WARM];
	unsigned long i;

	for (i = 0; i < sizeof(buf); i += 256)
		touch_byte(buf + i);
	return (unsigned long)&buf[0] & ~(page_size - 1);
}

/*
 * Grow the stack into @pages untouched pages below @floor: each alloca()
 * moves the stack pointer down by at least a page and the store right at
 * the new stack pointer faults in the page it landed in.  The caller checks
 * with mincore() that exactly @pages pages were faulted in.
 */
static __noipa void stack_grow(unsigned long floor, int pages)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0);
	char *p;
	int i;

	/* Into the first page below @floor, clear of its top. */
	p = __builtin_alloca(sp - floor + 64);
	touch_byte(p);
	for (i = 1; i < pages; i++) {
		p = __builtin_alloca(page_size);
		touch_byte(p);
	}
}

static void *stack_thread(void *arg)
{
	struct stack_job *job = arg;
	unsigned long floor;
	long before;
	__u64 t0, t1;

	floor = stack_warm();
	before = resident_pages(job->base, FAULT_STACK_SIZE);
	t0 = now_ns();
	mark_start_a();
	stack_grow(floor, job->pages);
	mark_stop();
	t1 = now_ns();
	job->ns = net(t0, t1);
	job->faulted = resident_pages(job->base, FAULT_STACK_SIZE) - before;
	return NULL;
}

static void bench_fault_stack(void)
{
	struct stack_job job;
	pthread_attr_t attr;
	unsigned int k;
	long n, w, i;
	long mismatch;
	pthread_t t;
	int np, err;

	if (FAULT_STACK_SIZE / page_size > sizeof(stack_vec))
		fail_msg("page_fault_stack", "page size too small");

	for (k = 0; k < ARRAY_SIZE(fault_rows); k++) {
		np = fault_rows[k].pages;
		n = iters_for(fault_rows[k].iters);
		w = warmup_for(n);
		mismatch = 0;
		for (i = -w; i < n; i++) {
			if (!i)
				mark_reset();
			job.base = map_anon("page_fault_stack", FAULT_STACK_SIZE,
					    MAP_STACK | MAP_NORESERVE, NULL);
			job.pages = np;
			err = pthread_attr_init(&attr);
			if (!err)
				err = pthread_attr_setstack(&attr, job.base,
							    FAULT_STACK_SIZE);
			if (!err)
				err = pthread_create(&t, &attr, stack_thread, &job);
			if (!err)
				err = pthread_join(t, NULL);
			if (err)
				fail_err("page_fault_stack", err);
			pthread_attr_destroy(&attr);
			if (munmap(job.base, FAULT_STACK_SIZE))
				fail("page_fault_stack");
			if (i >= 0) {
				samp_a[i] = job.ns;
				mismatch += job.faulted != np;
			}
		}
		if (mismatch)
			printf("# warning: page_fault_stack/%d: bad page count in %ld/%ld\n",
			       np, mismatch, n);
		report(FAM_MM, "page_fault_stack", np, samp_a, n);
	}
}

static void bench_mm(void)
{
	bench_mmap();
	bench_fault_anon();
	bench_fault_stack();
}

/* ------------------------------------------------------------------------ */
/* poll: select, poll and epoll_wait with the last fd ready                 */
/* ------------------------------------------------------------------------ */

static void bench_poll(void)
{
	long n = iters_for(BASE_ITERS);
	long w = warmup_for(n);
	int rfd[NR_POLL_PIPES], wfd[NR_POLL_PIPES];
	struct epoll_event ev, evs[NR_POLL_PIPES];
	struct pollfd pfd[NR_POLL_PIPES];
	fd_set set, tmpl;
	__u64 t0, t1;
	int j, c, ep, maxfd, r;
	unsigned int k;
	long i;

	for (j = 0; j < NR_POLL_PIPES; j++) {
		int fds[2];

		if (pipe2(fds, O_CLOEXEC))
			fail("select");
		rfd[j] = fds[0];
		wfd[j] = fds[1];
	}
	/* The last pipe stays readable; the others stay empty. */
	check_xfer("select", write(wfd[NR_POLL_PIPES - 1], "x", 1), 1);

	for (k = 0; k < ARRAY_SIZE(poll_counts); k++) {
		c = poll_counts[k];
		/* Watch the last @c pipes: the ready one comes last. */
		FD_ZERO(&tmpl);
		maxfd = 0;
		for (j = NR_POLL_PIPES - c; j < NR_POLL_PIPES; j++) {
			FD_SET(rfd[j], &tmpl);
			if (rfd[j] > maxfd)
				maxfd = rfd[j];
		}
		for (i = -w; i < n; i++) {
			if (!i)
				mark_reset();
			set = tmpl;
			t0 = now_ns();
			mark_start_a();
			r = select(maxfd + 1, &set, NULL, NULL, NULL);
			mark_stop();
			t1 = now_ns();
			if (r < 0)
				fail("select");
			if (r != 1)
				fail_msg("select", "unexpected ready count");
			if (i >= 0)
				samp_a[i] = net(t0, t1);
		}
		report(FAM_POLL, "select", c, samp_a, n);
	}

	for (k = 0; k < ARRAY_SIZE(poll_counts); k++) {
		c = poll_counts[k];
		for (j = 0; j < c; j++) {
			pfd[j].fd = rfd[NR_POLL_PIPES - c + j];
			pfd[j].events = POLLIN;
			pfd[j].revents = 0;
		}
		for (i = -w; i < n; i++) {
			if (!i)
				mark_reset();
			t0 = now_ns();
			mark_start_a();
			r = poll(pfd, c, -1);
			mark_stop();
			t1 = now_ns();
			if (r < 0)
				fail("poll");
			if (r != 1)
				fail_msg("poll", "unexpected ready count");
			if (i >= 0)
				samp_a[i] = net(t0, t1);
		}
		report(FAM_POLL, "poll", c, samp_a, n);
	}

	for (k = 0; k < ARRAY_SIZE(poll_counts); k++) {
		c = poll_counts[k];
		ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0)
			fail("epoll_wait");
		for (j = NR_POLL_PIPES - c; j < NR_POLL_PIPES; j++) {
			memset(&ev, 0, sizeof(ev));
			ev.events = EPOLLIN;
			ev.data.fd = rfd[j];
			if (epoll_ctl(ep, EPOLL_CTL_ADD, rfd[j], &ev))
				fail("epoll_wait");
		}
		for (i = -w; i < n; i++) {
			if (!i)
				mark_reset();
			t0 = now_ns();
			mark_start_a();
			r = epoll_wait(ep, evs, NR_POLL_PIPES, -1);
			mark_stop();
			t1 = now_ns();
			if (r < 0)
				fail("epoll_wait");
			if (r != 1)
				fail_msg("epoll_wait", "unexpected ready count");
			if (i >= 0)
				samp_a[i] = net(t0, t1);
		}
		report(FAM_POLL, "epoll_wait", c, samp_a, n);
		close(ep);
	}

	for (j = 0; j < NR_POLL_PIPES; j++) {
		close(rfd[j]);
		close(wfd[j]);
	}
}

/* ------------------------------------------------------------------------ */
/* proc: thread and process creation                                        */
/* ------------------------------------------------------------------------ */

static void *empty_thread(void *arg)
{
	return arg;
}

/*
 * fork() without glibc's wrapper: no atfork handlers, no lock resets.  The
 * child only calls _exit(), so it needs none of them.  No other thread is
 * alive at this point.
 */
static pid_t raw_fork(void)
{
	return syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
}

/*
 * fork + exit + wait of a child that only exits.  @mib_bss is the size of
 * the .bss the program has written, for the row's label.
 */
static void bench_fork(long mib_bss)
{
	long n = iters_for(mib_bss ? 20 : 50);
	long w = warmup_for(n);
	pid_t pid, r = 0;
	__u64 t0, t1;
	int status;
	long i;

	for (i = -w; i < n; i++) {
		if (!i)
			mark_reset();
		t0 = now_ns();
		mark_start_a();
		pid = raw_fork();
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			r = waitpid(pid, &status, 0);
		mark_stop();
		t1 = now_ns();
		if (pid < 0 || r < 0)
			fail("fork");
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fail_msg("fork", "child did not exit with status 0");
		if (i >= 0)
			samp_a[i] = net(t0, t1);
	}
	report(FAM_PROC, "fork", mib_bss, samp_a, n);
}

static void bench_proc(void)
{
	long n, w, i;
	__u64 t0, t1;
	pthread_t t;
	int err;

	n = iters_for(100);
	w = warmup_for(n);
	for (i = -w; i < n; i++) {
		if (!i)
			mark_reset();
		t0 = now_ns();
		mark_start_a();
		err = pthread_create(&t, NULL, empty_thread, NULL);
		if (!err)
			err = pthread_join(t, NULL);
		mark_stop();
		t1 = now_ns();
		if (err)
			fail_err("thread_create", err);
		if (i >= 0)
			samp_a[i] = net(t0, t1);
	}
	report(FAM_PROC, "thread_create", 0, samp_a, n);

	if (no_fork) {
		printf("# skipped: fork (--no-fork)\n");
		return;
	}
	bench_fork(0);
	/* The same program with 64 MiB of written .bss: fork's per-page cost. */
	memset(fork_bss, 1, sizeof(fork_bss));
	bench_fork(sizeof(fork_bss) >> 20);
}

/* ------------------------------------------------------------------------ */
/* libc: string and memory functions, no system call                        */
/* ------------------------------------------------------------------------ */

/*
 * What the C library's string functions cost: the stock runs use Debian's
 * glibc, whose functions are picked for the CPU at start-up (IFUNC), the
 * UKL application the UKL glibc's. Each operation is a call with a size
 * the compiler cannot see, so it is the library's function that runs.
 * Under icount every iteration of a REP string instruction counts as one
 * instruction, so a function that copies with REP MOVSB shows one
 * instruction per byte (see the README).
 */
#define LIBC_BATCH	16

static alignas(64) char libc_a[MAX_XFER + 64];
static alignas(64) char libc_b[MAX_XFER + 64];

/* Keep a result the compiler would otherwise drop with its call. */
static inline void libc_sink(size_t v)
{
	asm volatile("" : : "r" (v));
}

static __noipa void op_memcpy(long n)
{
	memcpy(libc_b, libc_a, n);
}

static __noipa void op_memmove(long n)
{
	memmove(libc_b + 1, libc_b, n);
}

static __noipa void op_memset(long n)
{
	memset(libc_b, 0x33, n);
}

static __noipa void op_memcmp(long n)
{
	libc_sink(memcmp(libc_a, libc_b, n));
}

static __noipa void op_memchr(long n)
{
	libc_sink((size_t)memchr(libc_a, 0, n));
}

static __noipa void op_strlen(long n)
{
	libc_sink(strlen(libc_a));
}

static __noipa void op_strcmp(long n)
{
	libc_sink(strcmp(libc_a, libc_b));
}

/* libc_a and libc_b: @n bytes of 'a', then a NUL. */
static void libc_strings(long n)
{
	memset(libc_a, 'a', sizeof(libc_a));
	memset(libc_b, 'a', sizeof(libc_b));
	libc_a[n] = 0;
	libc_b[n] = 0;
}

static void libc_row(const char *name, long size, void (*op)(long))
{
	long n = iters_for(BASE_ITERS);
	long w = warmup_for(n);
	__u64 t0, t1;
	long i;
	int j;

	libc_strings(size);
	for (i = -w; i < n; i++) {
		if (!i)
			mark_reset();
		t0 = now_ns();
		mark_start_a();
		for (j = 0; j < LIBC_BATCH; j++)
			op(size);
		mark_stop();
		t1 = now_ns();
		if (i >= 0)
			samp_a[i] = net_per(t0, t1, LIBC_BATCH);
	}
	report_ops(FAM_LIBC, name, size, samp_a, n, LIBC_BATCH);
}

static void bench_libc(void)
{
	static const long sizes[] = { 64, 1024, 8192 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		libc_row("memcpy", sizes[i], op_memcpy);
	libc_row("memmove", 1024, op_memmove);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		libc_row("memset", sizes[i], op_memset);
	libc_row("memcmp", 1024, op_memcmp);
	libc_row("memchr", 1024, op_memchr);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		libc_row("strlen", sizes[i], op_strlen);
	libc_row("strcmp", 1024, op_strcmp);
}

/* ------------------------------------------------------------------------ */

static void (* const family_funcs[NR_FAMILIES])(void) = {
	[FAM_FLOOR]	= bench_floor,
	[FAM_SYSCALL]	= bench_syscall,
	[FAM_PIPE]	= bench_pipe,
	[FAM_TMPFS]	= bench_tmpfs,
	[FAM_UDP]	= bench_udp,
	[FAM_TCP]	= bench_tcp,
	[FAM_MM]	= bench_mm,
	[FAM_POLL]	= bench_poll,
	[FAM_PROC]	= bench_proc,
	[FAM_LIBC]	= bench_libc,
};

static noreturn void print_usage(int status)
{
	int f;

	fprintf(status ? stderr : stdout,
		"usage: ukl_bench [--iters N] [--quick] [--no-fork] [--only FAMILY]...\n"
		"  --iters N      N iterations for cheap rows, the others scaled to match\n"
		"                 (default %d)\n"
		"  --quick        one warm-up and one timed iteration per row\n"
		"  --no-fork      skip the fork row\n"
		"  --only FAMILY  run only FAMILY (may be repeated):",
		BASE_ITERS);
	for (f = 0; f < NR_FAMILIES; f++)
		fprintf(status ? stderr : stdout, " %s", family_names[f]);
	fprintf(status ? stderr : stdout, "\n");
	exit(status);
}

static void parse_args(int argc, char **argv)
{
	char *end;
	int i, f;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--iters") && i + 1 < argc) {
			errno = 0;
			iters_arg = strtol(argv[++i], &end, 10);
			if (errno || *end || iters_arg < 1 || iters_arg > MAX_ITERS_ARG) {
				fprintf(stderr, "ukl_bench: bad --iters value '%s'\n", argv[i]);
				print_usage(2);
			}
		} else if (!strcmp(argv[i], "--quick")) {
			quick = 1;
		} else if (!strcmp(argv[i], "--no-fork")) {
			no_fork = 1;
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			i++;
			for (f = 0; f < NR_FAMILIES; f++)
				if (!strcmp(argv[i], family_names[f]))
					break;
			if (f == NR_FAMILIES) {
				fprintf(stderr, "ukl_bench: unknown family '%s'\n", argv[i]);
				print_usage(2);
			}
			only_mask |= 1U << f;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_usage(0);
		} else {
			fprintf(stderr, "ukl_bench: bad argument '%s'\n", argv[i]);
			print_usage(2);
		}
	}
	if (!only_mask)
		only_mask = (1U << NR_FAMILIES) - 1;
}

/* Run on the first CPU we are allowed on, so wake-ups stay on one CPU. */
static int pin_cpu(void)
{
	cpu_set_t set;
	int cpu;

	if (sched_getaffinity(0, sizeof(set), &set))
		fail("sched_getaffinity");
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			break;
	if (cpu == CPU_SETSIZE)
		fail_msg("sched_setaffinity", "no CPU in the affinity mask");
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fail("sched_setaffinity");
	return cpu;
}

int main(int argc, char **argv)
{
	struct utsname uts;
	struct timespec res;
	int f, cpu;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	page_size = sysconf(_SC_PAGESIZE);
	if (page_size <= 0)
		fail("sysconf");
	if (uname(&uts))
		fail("uname");
	if (clock_getres(CLOCK_MONOTONIC, &res))
		fail("clock_getres");
	cpu = pin_cpu();

	printf("# ukl_bench: %s, clock=%lluns\n", uts.release,
	       res.tv_sec * NSEC_PER_SEC + res.tv_nsec);

	/* Pre-fault everything the timed loops touch. */
	memset(tx_buf, 0x5a, sizeof(tx_buf));
	memset(rx_buf, 0, sizeof(rx_buf));
	memset(stack_vec, 0, sizeof(stack_vec));
	samples_init(iters_for(BASE_ITERS) > CALIB_ITERS ?
		     iters_for(BASE_ITERS) : CALIB_ITERS);

	calibrate_timer();
	printf("# cpu=%d timer_overhead=%lluns (subtracted from every row but timer)\n",
	       cpu, timer_ovh);

	for (f = 0; f < NR_FAMILIES; f++)
		if (only_mask & (1U << f))
			family_funcs[f]();
	return 0;
}
