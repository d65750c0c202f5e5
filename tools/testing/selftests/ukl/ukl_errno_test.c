// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input to system calls: NULL, unmapped, misaligned and kernel-half
 * pointers, invalid file descriptors and lengths.
 *
 * Each case prints one "# ERRNO <case> <result>" line, the result being
 * the return value or the errno name. A UKL application must get exactly
 * what the same program gets on the stock kernel; make check compares the
 * lines of this program run on the stock kernel with those of its run as
 * the UKL application. On its own, a case fails only if the call crashed
 * the program or returned something no kernel should (success for a
 * kernel pointer).
 *
 * The calls go through syscall(2), so that no vDSO or libc check sits in
 * between. The kernel-half pointers are never the application's own
 * memory: kernel text, the direct map, the CPU entry area.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>

#include "../kselftest.h"

#define KTEXT	0xffffffff81000000UL
#define KDIRECT	0xffff888000100000UL
#define KCEA	0xfffffe0000001000UL

static char *unmapped;		/* a page that was mapped and unmapped */
static char buf[4096];
static int pipefd[2];
static int n_cases, n_bad;

static void report(const char *name, long ret, int err, int kernel_ptr)
{
	n_cases++;
	if (ret == -1)
		printf("# ERRNO %s %s\n", name, strerrorname_np(err) ?: "?");
	else
		printf("# ERRNO %s ret=%ld\n", name, ret);
	if (kernel_ptr && ret != -1) {
		printf("# %s: a kernel pointer was accepted\n", name);
		n_bad++;
	}
}

#define CASE(name, kptr, ...) do {			\
	long __r;					\
	errno = 0;					\
	__r = syscall(__VA_ARGS__);			\
	report(name, __r, errno, kptr);			\
} while (0)

/*
 * The same call with each kind of bad pointer as its last argument, after
 * @nargs (0 to 3) leading arguments.
 */
static void ptr_cases(const char *name, long nr, int nargs, long a0, long a1, long a2)
{
	static const struct {
		const char *kind;
		int kernel;
	} kinds[] = {
		{ "null", 0 }, { "unmapped", 0 }, { "misaligned", 0 },
		{ "ktext", 1 }, { "kdirect", 1 }, { "kcea", 1 },
	};
	const unsigned long ptrs[] = {
		0, (unsigned long)unmapped, (unsigned long)(buf + 1), KTEXT, KDIRECT, KCEA,
	};
	char label[64];
	unsigned int i;
	long r;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		snprintf(label, sizeof(label), "%s/%s", name, kinds[i].kind);
		errno = 0;
		switch (nargs) {
		case 0:
			r = syscall(nr, ptrs[i]);
			break;
		case 1:
			r = syscall(nr, a0, ptrs[i]);
			break;
		case 2:
			r = syscall(nr, a0, a1, ptrs[i]);
			break;
		default:
			r = syscall(nr, a0, a1, a2, ptrs[i]);
			break;
		}
		report(label, r, errno, kinds[i].kernel);
	}
}

static void pointer_cases(void)
{
	ptr_cases("clock_gettime", SYS_clock_gettime, 1, CLOCK_MONOTONIC, 0, 0);
	ptr_cases("gettimeofday", SYS_gettimeofday, 1, 0, 0, 0);
	ptr_cases("getrusage", SYS_getrusage, 1, 0, 0, 0);
	ptr_cases("uname", SYS_uname, 0, 0, 0, 0);
	ptr_cases("pipe", SYS_pipe, 0, 0, 0, 0);
	ptr_cases("sysinfo", SYS_sysinfo, 0, 0, 0, 0);
	ptr_cases("socketpair", SYS_socketpair, 3, AF_UNIX, SOCK_STREAM, 0);
	ptr_cases("fstat", SYS_fstat, 1, pipefd[0], 0, 0);
	ptr_cases("getrlimit", SYS_getrlimit, 1, RLIMIT_NOFILE, 0, 0);
}

static void pointer_cases_mid(void)
{
	struct iovec iov = { (void *)KTEXT, 1 };

	/* The bad pointer is not the last argument. */
	CASE("write/null", 0, SYS_write, pipefd[1], NULL, 1);
	CASE("write/unmapped", 0, SYS_write, pipefd[1], unmapped, 1);
	CASE("write/ktext", 1, SYS_write, pipefd[1], (void *)KTEXT, 1);
	CASE("write/kdirect", 1, SYS_write, pipefd[1], (void *)KDIRECT, 1);
	CASE("read/null", 0, SYS_read, pipefd[0], NULL, 1);
	CASE("read/ktext", 1, SYS_read, pipefd[0], (void *)KTEXT, 1);
	CASE("read/kdirect", 1, SYS_read, pipefd[0], (void *)KDIRECT, 1);
	CASE("open/null", 0, SYS_open, NULL, O_RDONLY);
	CASE("open/unmapped", 0, SYS_open, unmapped, O_RDONLY);
	CASE("open/ktext", 1, SYS_open, (void *)KTEXT, O_RDONLY);
	CASE("open/kdirect", 1, SYS_open, (void *)KDIRECT, O_RDONLY);
	CASE("stat/ktext", 1, SYS_stat, (void *)KTEXT, buf);
	CASE("stat/buf-ktext", 1, SYS_stat, "/", (void *)KTEXT);
	CASE("getcwd/ktext", 1, SYS_getcwd, (void *)KTEXT, 64);
	CASE("getcwd/null", 0, SYS_getcwd, NULL, 64);
	CASE("writev/iov-ktext", 1, SYS_writev, pipefd[1], (void *)KTEXT, 1);
	CASE("writev/base-ktext", 1, SYS_writev, pipefd[1], &iov, 1);
	CASE("poll/ktext", 1, SYS_poll, (void *)KTEXT, 1, 0);
	CASE("futex/ktext", 1, SYS_futex, (void *)KTEXT, FUTEX_WAKE, 1, NULL, NULL, 0);
	CASE("futex/misaligned", 0, SYS_futex, buf + 1, FUTEX_WAKE, 1, NULL, NULL, 0);
	CASE("rt_sigprocmask/ktext", 1, SYS_rt_sigprocmask, SIG_BLOCK, (void *)KTEXT, NULL, 8);
	CASE("rt_sigaction/ktext", 1, SYS_rt_sigaction, SIGUSR1, NULL, (void *)KTEXT, 8);
	CASE("rt_sigaction/act-ktext", 1, SYS_rt_sigaction, SIGUSR1, (void *)KTEXT, NULL, 8);
	CASE("sendto/ktext", 1, SYS_sendto, pipefd[1], (void *)KTEXT, 1, 0, NULL, 0);
	CASE("setsockopt/ktext", 1, SYS_setsockopt, pipefd[1], SOL_SOCKET, SO_RCVBUF,
	     (void *)KTEXT, 4);
}

static void fd_and_length_cases(void)
{
	CASE("read/fd-1", 0, SYS_read, -1, buf, 1);
	CASE("read/fd-9999", 0, SYS_read, 9999, buf, 1);
	CASE("write/fd-closed", 0, SYS_write, 1000, buf, 1);
	CASE("close/fd-1", 0, SYS_close, -1);
	CASE("fstat/fd-1", 0, SYS_fstat, -1, buf);
	CASE("lseek/pipe", 0, SYS_lseek, pipefd[0], 0, SEEK_SET);
	CASE("lseek/whence", 0, SYS_lseek, 0, 0, 42);
	CASE("dup2/fd-1", 0, SYS_dup2, -1, 5);
	CASE("fcntl/cmd", 0, SYS_fcntl, pipefd[0], 4242);
	CASE("read/len-0", 0, SYS_read, pipefd[0], NULL, 0);
	CASE("mmap/len-0", 0, SYS_mmap, NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CASE("mmap/flags", 0, SYS_mmap, NULL, 4096, PROT_READ, 0, -1, 0);
	CASE("mmap/fd-1", 0, SYS_mmap, NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0);
	CASE("munmap/misaligned", 0, SYS_munmap, buf + 1, 4096);
	CASE("mprotect/misaligned", 0, SYS_mprotect, buf + 1, 4096, PROT_READ);
	CASE("mprotect/kernel", 0, SYS_mprotect, KTEXT, 4096, PROT_READ);
	CASE("socket/family", 0, SYS_socket, 4242, SOCK_STREAM, 0);
	CASE("nanosleep/nsec", 0, SYS_nanosleep, &(struct timespec){ 0, 2000000000L }, NULL);
	CASE("clock_gettime/clock", 0, SYS_clock_gettime, 4242, buf);
	CASE("kill/sig", 0, SYS_kill, getpid(), 4242);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(1);

	unmapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (unmapped == MAP_FAILED || munmap(unmapped, 4096) || pipe2(pipefd, O_NONBLOCK))
		ksft_exit_fail_msg("setup: %s\n", strerror(errno));

	pointer_cases();
	pointer_cases_mid();
	fd_and_length_cases();

	ksft_print_msg("%d cases, %d accepted a kernel pointer\n", n_cases, n_bad);
	if (n_bad)
		ksft_test_result_fail("bad_input_errno\n");
	else
		ksft_test_result_pass("bad_input_errno\n");
	ksft_finished();
}
