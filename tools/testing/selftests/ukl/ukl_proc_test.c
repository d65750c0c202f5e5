// SPDX-License-Identifier: GPL-2.0
/*
 * Process-level behaviour of a UKL application: signals, fork and exec,
 * pointers to the application's own memory, faults and exit.
 *
 * It uses kselftest_harness.h, which forks once per test: a test that
 * crashes only takes its own child down. The same source runs as an
 * ordinary process and as the UKL application in ring 0; everything it
 * checks must hold in both.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <linux/futex.h>

#include "../kselftest_harness.h"
#include "ukl_app.h"

/* ------------------------------------------------------------------------ */
/* Signals                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * An address that faults, hidden from the compiler so that it neither warns
 * about nor optimises the deliberate bad access.
 */
static int *bad_ptr(unsigned long addr)
{
	int *p = (int *)addr;

	asm("" : "+r" (p));
	return p;
}

static sigjmp_buf jump;
static sig_atomic_t hits;
static void *fault_addr;
static unsigned long handler_sp;

static int get_hits(void)
{
	return __atomic_load_n(&hits, __ATOMIC_RELAXED);
}

static void jump_handler(int sig, siginfo_t *si, void *uc)
{
	int local;

	(void)uc;
	fault_addr = si->si_addr;
	handler_sp = (unsigned long)&local;
	siglongjmp(jump, sig);
}

static void count_handler(int sig)
{
	(void)sig;
	__atomic_fetch_add(&hits, 1, __ATOMIC_RELAXED);
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO | flags };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* A NULL dereference in application code reaches the SIGSEGV handler. */
TEST(sigsegv_null_handler)
{
	int sig;

	set_handler(SIGSEGV, jump_handler, 0);
	sig = sigsetjmp(jump, 1);
	if (!sig)
		*bad_ptr(16) = 1;
	ASSERT_EQ(SIGSEGV, sig);
	ASSERT_EQ((void *)16, (void *)fault_addr);
}

/* The handler runs on the alternate stack when asked to. */
TEST(sigaltstack_handler)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	int sig;

	ASSERT_EQ(0, sigaltstack(&ss, NULL));
	set_handler(SIGSEGV, jump_handler, SA_ONSTACK);
	sig = sigsetjmp(jump, 1);
	if (!sig)
		*bad_ptr(0) = 1;
	ASSERT_EQ(SIGSEGV, sig);
	ASSERT_TRUE(handler_sp >= (unsigned long)altstack &&
		    handler_sp < (unsigned long)altstack + sizeof(altstack));
}

/* Integer division by zero in application code raises SIGFPE. */
TEST(sigfpe_divide_by_zero)
{
	int sig, x = 1, zero = 0;

	set_handler(SIGFPE, jump_handler, 0);
	sig = sigsetjmp(jump, 1);
	if (!sig)
		asm volatile("cltd; idivl %1" : "+a" (x) : "r" (zero) : "rdx");
	ASSERT_EQ(SIGFPE, sig);
}

/* Without a handler, the fault kills the application with that signal. */
TEST_SIGNAL(sigsegv_default_kills, SIGSEGV)
{
	signal(SIGSEGV, SIG_DFL);
	*bad_ptr(8) = 1;
}

static int fp_work(double seed)
{
	double a = seed, b = 0;
	int i;

	for (i = 1; i < 2000; i++)
		b += a / i;
	return (int)b;
}

/*
 * A handler that uses the FPU and clobbers registers must not disturb the
 * interrupted code: SIGALRM from a timer lands in a loop that keeps state
 * in SSE registers, and sigreturn resumes it exactly.
 */
static int fp_sink;

static void fpu_handler(int sig)
{
	(void)sig;
	fp_sink += fp_work(3.0);
	__atomic_fetch_add(&hits, 1, __ATOMIC_RELAXED);
}

TEST(sigalrm_interrupts_fp_loop)
{
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
	double x = 0, expect = 0;
	unsigned long i, n = 0;

	hits = 0;
	signal(SIGALRM, fpu_handler);
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	while (get_hits() < 5) {
		for (i = 1; i <= 1000; i++)
			x += 1.0 / (double)i;
		n++;
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	for (i = 0; i < n; i++) {
		unsigned long k;

		for (k = 1; k <= 1000; k++)
			expect += 1.0 / (double)k;
	}
	ASSERT_EQ(expect, x);
}

/* Blocked signals stay pending and are delivered when unblocked. */
TEST(sigmask_pending)
{
	sigset_t set, pending;

	hits = 0;
	signal(SIGUSR1, count_handler);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	ASSERT_EQ(0, raise(SIGUSR1));
	ASSERT_EQ(0, get_hits());
	ASSERT_EQ(0, sigpending(&pending));
	ASSERT_EQ(1, sigismember(&pending, SIGUSR1));
	ASSERT_EQ(0, sigprocmask(SIG_UNBLOCK, &set, NULL));
	ASSERT_EQ(1, get_hits());
}

/*
 * sigreturn resumes exactly: the caller-saved registers and the SSE
 * registers, which the handler (C code, plus explicit clobbers) is free
 * to change, hold the same values after the signal as before.
 */
static void clobber_handler(int sig)
{
	(void)sig;
	asm volatile("mov $-1, %%rcx; mov $-1, %%rdx; mov $-1, %%rsi; mov $-1, %%rdi\n\t"
		     "mov $-1, %%r8; mov $-1, %%r9; mov $-1, %%r10; mov $-1, %%r11\n\t"
		     "pcmpeqd %%xmm0, %%xmm0; pcmpeqd %%xmm7, %%xmm7; pcmpeqd %%xmm15, %%xmm15"
		     : : : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
		       "xmm0", "xmm7", "xmm15");
	__atomic_fetch_add(&hits, 1, __ATOMIC_RELAXED);
}

TEST(sigreturn_restores_registers)
{
	static const unsigned long pattern[2] = { 0x0123456789abcdefUL, 0xfedcba9876543210UL };
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	unsigned long bad = 0;

	hits = 0;
	signal(SIGALRM, clobber_handler);
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	/*
	 * Load the registers and spin until the timer's SIGALRM has
	 * interrupted the loop and its handler has run, then compare.
	 * Each mismatch sets one bit of @bad.
	 */
	asm volatile("movdqu (%[pat]), %%xmm0\n\t"
		     "movdqu (%[pat]), %%xmm7\n\t"
		     "movdqu (%[pat]), %%xmm15\n\t"
		     "mov $0x1c, %%rcx; mov $0x2d, %%rdx; mov $0x3e, %%r8; mov $0x4f, %%r9\n\t"
		     "mov $0x5a, %%r10; mov $0x6b, %%r11; mov $0x7c, %%rsi; mov $0x8d, %%rdi\n\t"
		     "1: cmpl $0, %[hits]; je 1b\n\t"
		     "xor %[bad], %[bad]\n\t"
		     "cmp $0x1c, %%rcx; setne %b[bad]\n\t"
		     "shl $1, %[bad]; cmp $0x2d, %%rdx; setne %%al; or %%al, %b[bad]\n\t"
		     "shl $1, %[bad]; cmp $0x3e, %%r8; setne %%al; or %%al, %b[bad]\n\t"
		     "shl $1, %[bad]; cmp $0x4f, %%r9; setne %%al; or %%al, %b[bad]\n\t"
		     "shl $1, %[bad]; cmp $0x5a, %%r10; setne %%al; or %%al, %b[bad]\n\t"
		     "shl $1, %[bad]; cmp $0x6b, %%r11; setne %%al; or %%al, %b[bad]\n\t"
		     "shl $1, %[bad]; cmp $0x7c, %%rsi; setne %%al; or %%al, %b[bad]\n\t"
		     "shl $1, %[bad]; cmp $0x8d, %%rdi; setne %%al; or %%al, %b[bad]\n\t"
		     "shl $1, %[bad]; pcmpeqb (%[pat]), %%xmm0; pmovmskb %%xmm0, %%eax\n\t"
		     "cmp $0xffff, %%eax; setne %%al; or %%al, %b[bad]\n\t"
		     "shl $1, %[bad]; pcmpeqb (%[pat]), %%xmm7; pmovmskb %%xmm7, %%eax\n\t"
		     "cmp $0xffff, %%eax; setne %%al; or %%al, %b[bad]\n\t"
		     "shl $1, %[bad]; pcmpeqb (%[pat]), %%xmm15; pmovmskb %%xmm15, %%eax\n\t"
		     "cmp $0xffff, %%eax; setne %%al; or %%al, %b[bad]"
		     : [bad] "=&b" (bad)
		     : [pat] "r" (pattern), [hits] "m" (hits)
		     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
		       "xmm0", "xmm7", "xmm15", "memory", "cc");
	ASSERT_EQ(1, get_hits());
	ASSERT_EQ(0UL, bad);
}

static void *wait_for_signal(void *arg)
{
	(void)arg;
	while (!get_hits())
		usleep(1000);
	return (void *)pthread_self();
}

/* pthread_kill() reaches the one thread it names. */
TEST(pthread_kill_one_thread)
{
	pthread_t t;
	void *ret;

	hits = 0;
	signal(SIGUSR2, count_handler);
	ASSERT_EQ(0, pthread_create(&t, NULL, wait_for_signal, NULL));
	ASSERT_EQ(0, pthread_kill(t, SIGUSR2));
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ((void *)t, ret);
	ASSERT_EQ(1, get_hits());
}

/* ------------------------------------------------------------------------ */
/* fork and exec                                                            */
/* ------------------------------------------------------------------------ */

static int global_counter = 100;
static char global_buf[256];

/* Parent and child each have their own globals, heap and stdio. */
TEST(fork_private_globals)
{
	char *heap = malloc(64);
	int status, pipefd[2], gofd[2];
	pid_t pid;

	ASSERT_NE(NULL, heap);
	snprintf(heap, 64, "parent");
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(0, pipe(gofd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char msg[64], go;

		global_counter = 200;
		snprintf(heap, 64, "child");
		/* Wait until the parent has changed its copy too. */
		if (read(gofd[0], &go, 1) != 1)
			_exit(3);
		snprintf(msg, sizeof(msg), "%d %s", global_counter, heap);
		if (write(pipefd[1], msg, strlen(msg) + 1) < 0)
			_exit(2);
		_exit(global_counter == 200 ? 0 : 1);
	}
	global_counter = 300;
	snprintf(heap, 64, "parent");
	ASSERT_EQ(1, write(gofd[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_LT(0, read(pipefd[0], global_buf, sizeof(global_buf)));
	EXPECT_STREQ("200 child", global_buf);
	EXPECT_EQ(300, global_counter);
	EXPECT_STREQ("parent", heap);
	free(heap);
}

static void *forking_thread(void *arg)
{
	pid_t pid = fork();
	int status;

	(void)arg;
	if (pid == 0)
		_exit(global_counter == 100 ? 7 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return (void *)-1L;
	return (void *)(long)WEXITSTATUS(status);
}

/* fork() from a second thread of a multi-threaded process. */
TEST(fork_from_thread)
{
	pthread_t t;
	void *ret;

	ASSERT_EQ(0, pthread_create(&t, NULL, forking_thread, NULL));
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ(7, (long)ret);
}

/*
 * Copy-on-write of globals across fork(), page by page. cow_bss is written
 * only here: before the fork every other page, so both written (shared)
 * and never-touched (zero) pages are inherited. The child writes pages
 * 4k and 4k+1, then the parent writes 4k+2 and 4k+3; each must see only
 * its own writes.
 */
#define COW_PAGES	2048		/* 8 MiB */
#define PG		4096

static alignas(PG) char cow_bss[COW_PAGES][PG];

static char cow_expect(int i, bool child)
{
	switch (i % 4) {
	case 0:
		return child ? 'c' : 'p';
	case 1:
		return child ? 'c' : 0;
	case 2:
		return child ? 'p' : 'P';
	default:
		return child ? 0 : 'P';
	}
}

/* Index + 1 of the first page whose first and last bytes are not right. */
static int cow_check(bool child)
{
	int i;

	for (i = 0; i < COW_PAGES; i++) {
		char want = cow_expect(i, child);

		if (cow_bss[i][0] != want || cow_bss[i][PG - 1] != want)
			return i + 1;
	}
	return 0;
}

static void cow_write(int first, char c)
{
	int i;

	for (i = first; i < COW_PAGES; i += 4) {
		memset(cow_bss[i], c, PG);
		memset(cow_bss[i + 1], c, PG);
	}
}

TEST(fork_cow_both_ways)
{
	int status, i, to_child[2], to_parent[2], bad = 0;
	char go;
	pid_t pid;

	for (i = 0; i < COW_PAGES; i += 2)
		memset(cow_bss[i], 'p', PG);
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Before anyone writes: what the parent had. */
		for (i = 0; i < COW_PAGES; i++)
			if (cow_bss[i][0] != (i % 2 ? 0 : 'p'))
				_exit(2);
		cow_write(0, 'c');
		if (write(to_parent[1], "c", 1) != 1 ||
		    read(to_child[0], &go, 1) != 1)
			_exit(3);
		_exit(cow_check(true) ? 1 : 0);
	}
	ASSERT_EQ(1, read(to_parent[0], &go, 1));
	cow_write(2, 'P');
	ASSERT_EQ(1, write(to_child[1], "p", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	bad = cow_check(false);
	EXPECT_EQ(0, bad) TH_LOG("parent: page %d", bad - 1);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	memset(cow_bss, 0, sizeof(cow_bss));
}

/*
 * Threads fork while their siblings write globals: each thread owns one
 * page and bumps its counter before each of its forks, so the value a
 * child must see is known; the child then writes the page, which the
 * parent must not see.
 */
#define FORK_THREADS	4
#define FORKS_EACH	10

static struct {
	alignas(PG) long v;
	char pad[PG - sizeof(long)];
} thread_page[FORK_THREADS];

static void *cow_forker(void *arg)
{
	long t = (long)arg, k, ok = 0;

	for (k = 1; k <= FORKS_EACH; k++) {
		int status;
		pid_t pid;

		thread_page[t].v = k;
		pid = fork();
		if (pid == 0) {
			bool same = thread_page[t].v == k;

			thread_page[t].v = -1;
			_exit(same ? 0 : 1);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			break;
		if (WIFEXITED(status) && !WEXITSTATUS(status) &&
		    thread_page[t].v == k)
			ok++;
	}
	return (void *)ok;
}

TEST(fork_cow_from_threads)
{
	pthread_t t[FORK_THREADS];
	void *ok;
	long i;

	for (i = 0; i < FORK_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, cow_forker, (void *)i));
	for (i = 0; i < FORK_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], &ok));
		EXPECT_EQ(FORKS_EACH, (long)ok) TH_LOG("thread %ld", i);
	}
}

/*
 * A futex word that the kernel itself writes, with page faults disabled,
 * in a page that fork() made copy-on-write (the futex code then makes the
 * page writable through fixup_user_fault() and retries), and in a page
 * never touched before: FUTEX_WAKE_OP sets the second word.
 */
static struct {
	alignas(PG) int word[2];
	char pad[PG - 2 * sizeof(int)];
} futex_page[2];

TEST(futex_writes_cow_and_untouched_globals)
{
	int op = FUTEX_OP(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 0);
	int status, i, go[2];
	char c;
	pid_t pid;

	futex_page[0].word[0] = 1;	/* written: shared after the fork */
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(futex_page[0].word[1] || futex_page[1].word[1] ? 1 : 0);
	}
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, syscall(SYS_futex, &futex_page[i].word[0],
				     FUTEX_WAKE_OP_PRIVATE, 1, NULL,
				     &futex_page[i].word[1], op))
			TH_LOG("page %d: %s", i, strerror(errno));
		EXPECT_EQ(5, futex_page[i].word[1]);
	}
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* A /proc/meminfo field, in KiB, or -1. */
static long meminfo_kb(const char *field)
{
	char line[128];
	long kb = -1;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			kb = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return kb;
}

/*
 * Children copy-on-write 8 MiB of globals each while ordinary memory
 * fills the machine to within 96 MiB of MemAvailable, so the copies are
 * allocated under reclaim; then the same forks repeated must give back
 * every page. MemFree is first read after two forks, once the per-CPU
 * page lists and the slab caches the forks use have filled up (on a
 * distribution kernel those hold more than one copy's worth): ten more
 * forks must leave it where it was, give or take.
 */
TEST(fork_cow_under_memory_pressure)
{
	long avail = meminfo_kb("MemAvailable"), before = 0, after;
	size_t ballast = 0;
	char *b = MAP_FAILED;
	int k, status;

	ASSERT_LT(0, avail);
	memset(cow_bss, 'x', sizeof(cow_bss));
	if (avail > 160 * 1024) {
		ballast = (size_t)(avail - 96 * 1024) << 10;
		b = mmap(NULL, ballast, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		ASSERT_NE(MAP_FAILED, b);
	}
	for (k = 0; k < 12; k++) {
		pid_t pid;

		if (k == 2)
			before = meminfo_kb("MemFree");
		pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			int i;

			memset(cow_bss, 'a' + k, sizeof(cow_bss));
			for (i = 0; i < COW_PAGES; i++)
				if (cow_bss[i][PG / 2] != 'a' + k)
					_exit(1);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	after = meminfo_kb("MemFree");
	if (b != MAP_FAILED)
		munmap(b, ballast);
	for (k = 0; k < COW_PAGES; k++)
		ASSERT_EQ('x', cow_bss[k][PG / 2]);
	/* 10 leaked copies would be 80 MiB. */
	EXPECT_GT(16 * 1024, before - after)
		TH_LOG("MemFree %ld KiB before, %ld KiB after", before, after);
	memset(cow_bss, 0, sizeof(cow_bss));
}

/* fork() then exec of an ordinary binary runs that binary, not the app. */
TEST(fork_exec_ordinary_binary)
{
	int status, pipefd[2];
	char out[64] = "";
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(pipefd[1], 1);
		execl("/bin/sh", "sh", "-c", "echo exec-ok; exit 7", NULL);
		_exit(127);
	}
	close(pipefd[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(7, WEXITSTATUS(status));
	ASSERT_LT(0, read(pipefd[0], out, sizeof(out) - 1));
	EXPECT_STREQ("exec-ok\n", out);
}

/*
 * A vfork child runs on the parent's stack until it execs, over the words
 * below the parent's stack pointer; the parent must still return from
 * vfork() where it called it.
 */
TEST(vfork_child_on_our_stack)
{
	int status;
	pid_t pid;

	pid = vfork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exit 5", NULL);
		_exit(127);
	}
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(5, WEXITSTATUS(status));

	pid = vfork();
	if (pid == 0)
		_exit(9);
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(9, WEXITSTATUS(status));
}

TEST(posix_spawn_ordinary_binary)
{
	static char *const argv[] = { "sh", "-c", "exit 3", NULL };
	int status;
	pid_t pid;

	ASSERT_EQ(0, posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(3, WEXITSTATUS(status));
}

/* What a fresh start of the application reports (UKL_TEST=fresh). */
int ukl_fresh_main(int argc, char **argv)
{
	return global_counter;
}

/*
 * A second start of the application, exec'd from the running one after
 * it changed its globals, sees freshly initialised data.
 */
TEST(second_start_fresh_data)
{
	char *const argv[] = { "UKL", NULL };
	char *const envp[] = { "UKL_TEST=fresh", NULL };
	int status;
	pid_t pid;

	if (!in_ring0())
		SKIP(return, "only as the UKL application");
	global_counter = 99;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execve("/UKL", argv, envp);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(100, WEXITSTATUS(status));
	ASSERT_EQ(99, global_counter);
}

/* Run /UKL with UKL_TEST=layout; its line in @buf. */
static int start_layout(char *buf, size_t len)
{
	char *const argv[] = { "UKL", NULL };
	char *const envp[] = { "UKL_TEST=layout", NULL };
	int status, fds[2];
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 1);
		execve("/UKL", argv, envp);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], buf, len - 1);
	close(fds[0]);
	buf[n > 0 ? n : 0] = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Each start of the application gets a new random stack and mmap base. */
TEST(address_space_randomized)
{
	void *stack[2], *map[2], *brk[2];
	char line[2][128];
	int i, n, level = -1;
	FILE *f;

	if (!in_ring0())
		SKIP(return, "only as the UKL application");
	f = fopen("/proc/sys/kernel/randomize_va_space", "r");
	ASSERT_NE(NULL, f);
	n = fscanf(f, "%d", &level);
	fclose(f);
	ASSERT_EQ(1, n);
	if (!level)
		SKIP(return, "randomize_va_space is 0");
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, start_layout(line[i], sizeof(line[i])));
		n = sscanf(line[i], "%p %p %p", &stack[i], &map[i], &brk[i]);
		ASSERT_EQ(3, n) TH_LOG("%s", line[i]);
	}
	EXPECT_NE(stack[0], stack[1]);
	EXPECT_NE(map[0], map[1]);
}

/* Starting the application needs CAP_SYS_RAWIO: without it, EPERM. */
TEST(trigger_needs_cap_sys_rawio)
{
	char *const argv[] = { "UKL", NULL };
	char *const envp[] = { "UKL_TEST=fresh", NULL };
	int status;
	pid_t pid;

	if (!in_ring0() || geteuid() != 0)
		SKIP(return, "only as the UKL application started by root");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		execve("/UKL", argv, envp);
		_exit(errno == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* ------------------------------------------------------------------------ */
/* Pointers                                                                 */
/* ------------------------------------------------------------------------ */

static int global_fds[2];
static int global_futex;
static char bss_buf[4096];
static const char path_literal[] = "/tmp/ukl_proc_literal";

/*
 * System calls take pointers to the application's globals, string
 * literals and .bss, on the copy_{to,from}_user, put_user,
 * strncpy_from_user and getsockopt paths.
 */
TEST(pointers_to_app_memory)
{
	static int optval;
	socklen_t len = sizeof(optval);
	int fd, sv[2];

	ASSERT_EQ(0, pipe(global_fds));
	ASSERT_EQ(6, write(global_fds[1], "global", 6));
	ASSERT_EQ(6, read(global_fds[0], bss_buf, sizeof(bss_buf)));
	EXPECT_EQ(0, memcmp(bss_buf, "global", 6));

	fd = open(path_literal, O_CREAT | O_RDWR | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(path_literal),
		  write(fd, path_literal, sizeof(path_literal)));
	close(fd);
	ASSERT_EQ(0, unlink(path_literal));

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, global_fds));
	close(global_fds[0]);
	close(global_fds[1]);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_TYPE, &optval, &len));
	EXPECT_EQ(SOCK_STREAM, optval);
	close(fd);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	close(sv[0]);
	close(sv[1]);

	/* futex reads the word with get_user: a value mismatch is EAGAIN. */
	global_futex = 1;
	errno = 0;
	ASSERT_EQ(-1, syscall(SYS_futex, &global_futex, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
	ASSERT_EQ(EAGAIN, errno);
}

/* Kernel memory that is not the application's own gives -EFAULT. */
TEST(kernel_pointers_fault)
{
	static const unsigned long bad[] = {
		0xffffffff81000000UL,	/* kernel text */
		0xffff888000100000UL,	/* direct map */
		0xfffffe0000001000UL,	/* cpu entry area */
		0xfffffeffffffe000UL,	/* last pages of the application slot */
	};
	char c = 'x';
	unsigned int i;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, write(p[1], (void *)bad[i], 1));
		EXPECT_EQ(EFAULT, errno);
		ASSERT_EQ(1, write(p[1], &c, 1));
		errno = 0;
		EXPECT_EQ(-1, read(p[0], (void *)bad[i], 1));
		EXPECT_EQ(EFAULT, errno);
	}
}

/* ------------------------------------------------------------------------ */
/* Faults and exit                                                          */
/* ------------------------------------------------------------------------ */

static int recurse_forever(long n)
{
	long limit = 1L << 40;
	char frame[512];

	/* A real frame per level, and a limit the compiler cannot see. */
	frame[0] = (char)n;
	asm volatile("" : "+r" (limit) : "r" (frame) : "memory");
	if (n >= limit)
		return 0;
	return recurse_forever(n + 1) + frame[0];
}

/* Unbounded recursion ends in SIGSEGV for the application only. */
TEST_SIGNAL(recursion_overflow_sigsegv, SIGSEGV)
{
	signal(SIGSEGV, SIG_DFL);
	recurse_forever(1);
}

static int exit_pipe = -1;

static void at_exit_handler(void)
{
	if (write(exit_pipe, "atexit\n", 7) < 0)
		_exit(3);
}

static void *exiting_thread(void *arg)
{
	(void)arg;
	printf("buffered by stdio, flushed by exit\n");
	exit(5);
}

/* exit() from another thread ends the process; atexit and stdio run. */
TEST(exit_from_thread)
{
	char buf[128] = "";
	int status, p[2];
	size_t len;
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		pthread_t t;

		dup2(p[1], 1);
		exit_pipe = p[1];
		atexit(at_exit_handler);
		pthread_create(&t, NULL, exiting_thread, NULL);
		for (;;)
			pause();
	}
	close(p[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(5, WEXITSTATUS(status));
	for (len = 0; len < sizeof(buf) - 1; len += n) {
		n = read(p[0], buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
	}
	EXPECT_NE(NULL, strstr(buf, "atexit\n"));
	EXPECT_NE(NULL, strstr(buf, "flushed by exit\n"));
}

/*
 * Unwinding through the program's own tables: pthread_exit() and
 * pthread_cancel() unwind the thread's stack (running its cleanup
 * handlers), backtrace() walks the caller's frames. In a UKL
 * application the unwinder finds the tables only if they are
 * registered; without them the first two abort the program.
 */
#define __noipa	__attribute__((__noipa__))

static int cleanups_run;
static void *exit_value = (void *)42L;

static void count_cleanup(void *arg)
{
	__atomic_add_fetch(&cleanups_run, (int)(long)arg, __ATOMIC_RELAXED);
}

static __noipa void exit_deep(int depth)
{
	pthread_cleanup_push(count_cleanup, (void *)10L);
	if (depth)
		exit_deep(depth - 1);
	else if (exit_value)
		pthread_exit(exit_value);
	pthread_cleanup_pop(0);
}

static void *exiting_deep_thread(void *arg)
{
	pthread_cleanup_push(count_cleanup, (void *)1L);
	exit_deep(3);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *cancelled_thread(void *arg)
{
	int *p = arg;
	char c;

	pthread_cleanup_push(count_cleanup, (void *)100L);
	/* Blocks in read(), a cancellation point, until cancelled. */
	if (read(p[0], &c, 1) < 0)
		c = 0;
	pthread_cleanup_pop(0);
	return NULL;
}

TEST(thread_exit_and_cancel_unwind)
{
	pthread_t t;
	void *ret;
	int p[2];

	cleanups_run = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, exiting_deep_thread, NULL));
	ASSERT_EQ(0, pthread_join(t, &ret));
	EXPECT_EQ((void *)42L, ret);
	/* Four frames of exit_deep() and the thread function's handler. */
	EXPECT_EQ(41, cleanups_run);

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pthread_create(&t, NULL, cancelled_thread, p));
	usleep(20000);
	ASSERT_EQ(0, pthread_cancel(t));
	ASSERT_EQ(0, pthread_join(t, &ret));
	EXPECT_EQ(PTHREAD_CANCELED, ret);
	EXPECT_EQ(141, cleanups_run);
	close(p[0]);
	close(p[1]);
}

static __noipa int trace_here(void **frames, int n)
{
	int got = backtrace(frames, n);

	asm volatile("" : : "r" (frames) : "memory");
	return got;
}

static __noipa int trace_caller(void **frames, int n)
{
	int got = trace_here(frames, n);

	asm volatile("" : : "r" (frames) : "memory");
	return got;
}

TEST(backtrace_walks_frames)
{
	void *frames[32];
	int n, i, here = -1, caller = -1;

	n = trace_caller(frames, 32);
	ASSERT_LE(3, n);
	/* Return addresses lie just after calls inside the two functions. */
	for (i = 0; i < n; i++) {
		unsigned long a = (unsigned long)frames[i];

		if (a > (unsigned long)trace_here &&
		    a < (unsigned long)trace_here + 256 && here < 0)
			here = i;
		if (a > (unsigned long)trace_caller &&
		    a < (unsigned long)trace_caller + 256 && caller < 0)
			caller = i;
	}
	EXPECT_LE(0, here);
	EXPECT_EQ(here + 1, caller);
}

/*
 * Users, groups and host names through glibc's NSS, which a static
 * program has built in for the files databases: what servers do at
 * start-up (nginx's "user nobody", redis binding "localhost"). Only
 * names the files have: a miss would go on to the system's other NSS
 * modules, which a static program loads from the system's own glibc.
 */
TEST(name_lookups_through_nss_files)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai = NULL;
	struct passwd *pw;
	struct group *gr;
	char addr[INET_ADDRSTRLEN] = "";
	int rc;

	pw = getpwnam("root");
	ASSERT_NE(NULL, pw);
	EXPECT_EQ(0, pw->pw_uid);
	pw = getpwuid(0);
	ASSERT_NE(NULL, pw);
	EXPECT_STREQ("root", pw->pw_name);
	gr = getgrgid(0);
	ASSERT_NE(NULL, gr);
	EXPECT_STREQ("root", gr->gr_name);

	rc = getaddrinfo("localhost", "8080", &hints, &ai);
	ASSERT_EQ(0, rc) {
		TH_LOG("getaddrinfo(localhost): %s", gai_strerror(rc));
	}
	ASSERT_NE(NULL, inet_ntop(AF_INET,
				  &((struct sockaddr_in *)ai->ai_addr)->sin_addr,
				  addr, sizeof(addr)));
	EXPECT_STREQ("127.0.0.1", addr);
	EXPECT_EQ(htons(8080), ((struct sockaddr_in *)ai->ai_addr)->sin_port);
	freeaddrinfo(ai);
}

TEST_HARNESS_MAIN
