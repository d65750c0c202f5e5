// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's interfaces to a process's memory, on the program's own
 * globals and code. For an ordinary process these are user-half VMAs; for
 * the UKL application they are in the application slot, which has no VMA,
 * so each case is one the kernel once refused there:
 * - GUP: process_vm_readv()/writev() of another process's globals (a
 *   forked child's own copy), vmsplice() of a buffer in .bss, io_uring
 *   registered buffers and O_DIRECT in .data and .bss;
 * - futexes keyed through GUP: shared futexes, PI futexes
 *   (FUTEX_LOCK_PI, FUTEX_WAIT_REQUEUE_PI) and a priority-inheriting
 *   pthread mutex in static storage;
 * - rseq: a critical section in the program's text, its descriptor in
 *   its data, aborted by a signal, and an rseq area in .bss;
 * - hardware breakpoints: a perf watchpoint and execution breakpoint, and
 *   a debugger's DR7 watchpoint through ptrace, on a global and a function;
 * - core dumps: the core of a crashed child holds its globals and vDSO;
 * - profiling: /proc/self/maps lists our code and globals, and a sampling
 *   perf event sees our code as user-mode code.
 * The same program passes as an ordinary process on any kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/auxvec.h>
#include <linux/elf.h>
#include <linux/futex.h>
#include <linux/hw_breakpoint.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"

#define PAGE	4096

/* Globals the cases work on: initialised data, and bss. */
static alignas(PAGE) char data_buf[2 * PAGE] = "initial data";
static alignas(PAGE) char bss_buf[3 * PAGE];
static int watched;
static uint32_t futex_word;
static uint32_t futex_pi, futex_pi2;
static pthread_mutex_t pi_mutex;
static long pi_counter;

static long futex(uint32_t *uaddr, int op, uint32_t val,
		  const struct timespec *ts, uint32_t *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

/* Fill @buf with a pattern that depends on @seed. */
static void fill(char *buf, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(seed + i * 7);
}

static bool matches(const char *buf, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != (char)(seed + i * 7))
			return false;
	return true;
}

/*
 * A forked child changes its own copy of the globals and waits; the
 * parent reads them with process_vm_readv() (it must see the child's
 * values, not its own), writes new ones with process_vm_writev(), and the
 * child checks them.
 */
TEST(process_vm_readv_writev_globals)
{
	int to_child[2], to_parent[2], status;
	char got[PAGE + 100], mine[32];
	struct iovec local, remote[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	fill(bss_buf, sizeof(bss_buf), 1);
	snprintf(data_buf, sizeof(data_buf), "parent data");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		fill(bss_buf, sizeof(bss_buf), 2);
		snprintf(data_buf, sizeof(data_buf), "child data");
		if (write(to_parent[1], "r", 1) != 1 ||
		    read(to_child[0], &c, 1) != 1)
			_exit(10);
		/* What the parent wrote, across a page boundary. */
		if (!matches(bss_buf + PAGE - 50, PAGE + 100, 3))
			_exit(11);
		_exit(strcmp(data_buf + 100, "written by the parent") ? 12 : 0);
	}
	ASSERT_EQ(1, read(to_parent[0], &c, 1));

	/* Across the page boundary of two bss pages, and the data page. */
	local = (struct iovec){ got, sizeof(got) };
	remote[0] = (struct iovec){ bss_buf + PAGE - 50, PAGE + 100 };
	EXPECT_EQ((ssize_t)sizeof(got), process_vm_readv(pid, &local, 1, remote, 1, 0));
	EXPECT_TRUE(matches(got, sizeof(got), 2 + (PAGE - 50) * 7));
	local = (struct iovec){ mine, sizeof(mine) };
	remote[0] = (struct iovec){ data_buf, sizeof(mine) };
	EXPECT_EQ((ssize_t)sizeof(mine), process_vm_readv(pid, &local, 1, remote, 1, 0));
	EXPECT_STREQ("child data", mine);
	/* Ours are unchanged. */
	EXPECT_TRUE(matches(bss_buf, sizeof(bss_buf), 1));
	EXPECT_STREQ("parent data", data_buf);

	fill(got, sizeof(got), 3);
	local = (struct iovec){ got, sizeof(got) };
	remote[0] = (struct iovec){ bss_buf + PAGE - 50, PAGE + 100 };
	EXPECT_EQ((ssize_t)sizeof(got), process_vm_writev(pid, &local, 1, remote, 1, 0));
	snprintf(mine, sizeof(mine), "written by the parent");
	local = (struct iovec){ mine, strlen(mine) + 1 };
	remote[0] = (struct iovec){ data_buf + 100, strlen(mine) + 1 };
	EXPECT_EQ((ssize_t)strlen(mine) + 1, process_vm_writev(pid, &local, 1, remote, 1, 0));
	EXPECT_TRUE(matches(bss_buf, sizeof(bss_buf), 1));

	ASSERT_EQ(1, write(to_child[1], "w", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
}

/* Our own text through process_vm_readv(): the bytes the CPU runs. */
TEST(process_vm_readv_own_code)
{
	const void *code = (const void *)fill;
	struct iovec local, remote;
	char got[64];

	local = (struct iovec){ got, sizeof(got) };
	remote = (struct iovec){ (void *)code, sizeof(got) };
	ASSERT_EQ((ssize_t)sizeof(got),
		  process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
	EXPECT_EQ(0, memcmp(got, code, sizeof(got)));
	/* Writing code is refused, as for any read-only mapping. */
	remote = (struct iovec){ (void *)code, 1 };
	local = (struct iovec){ got, 1 };
	EXPECT_EQ(-1, process_vm_writev(getpid(), &local, 1, &remote, 1, 0));
	EXPECT_EQ(EFAULT, errno);
}

/* vmsplice() takes references on the pages of a buffer in .bss. */
TEST(vmsplice_from_bss)
{
	struct iovec iov = { bss_buf, 2 * PAGE };
	static char out[2 * PAGE];
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_LE(2 * PAGE, fcntl(p[1], F_SETPIPE_SZ, 4 * PAGE));
	fill(bss_buf, 2 * PAGE, 4);
	ASSERT_EQ(2 * PAGE, vmsplice(p[1], &iov, 1, 0));
	ASSERT_EQ(2 * PAGE, read(p[0], out, sizeof(out)));
	EXPECT_TRUE(matches(out, sizeof(out), 4));
	close(p[0]);
	close(p[1]);
}

static void *shared_waker(void *arg)
{
	/* Until the waiter is queued: FUTEX_WAKE reports whom it woke. */
	for (int i = 0; i < 2000; i++) {
		long n = futex(&futex_word, FUTEX_WAKE, 1, NULL, NULL, 0);

		if (n)
			return (void *)n;
		usleep(1000);
	}
	return (void *)-1L;
}

/* A futex without FUTEX_PRIVATE_FLAG on a global (keyed through GUP). */
TEST(shared_futex_on_global)
{
	pthread_t t;
	void *woken;
	long ret;

	futex_word = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, shared_waker, NULL));
	do {
		ret = futex(&futex_word, FUTEX_WAIT, 0, NULL, NULL, 0);
	} while (ret == -1 && errno == EINTR);
	EXPECT_EQ(0, ret);
	ASSERT_EQ(0, pthread_join(t, &woken));
	EXPECT_EQ(1L, (long)woken);
	/* A value that differs: EAGAIN, as for any futex. */
	EXPECT_EQ(-1, futex(&futex_word, FUTEX_WAIT, 1, NULL, NULL, 0));
	EXPECT_EQ(EAGAIN, errno);
}

/* FUTEX_LOCK_PI and FUTEX_WAIT_REQUEUE_PI on globals, as the futex selftests. */
TEST(pi_futex_on_global)
{
	struct timespec ts;
	pid_t tid = gettid();

	futex_pi = 0;
	ASSERT_EQ(0, futex(&futex_pi, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	EXPECT_EQ((uint32_t)tid, futex_pi & FUTEX_TID_MASK);
	/* Locking it again is a deadlock the kernel reports. */
	EXPECT_EQ(-1, futex(&futex_pi, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	EXPECT_EQ(EDEADLK, errno);
	EXPECT_EQ(0, futex(&futex_pi, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	EXPECT_EQ(0u, futex_pi);

	/* A requeue-PI wait that times out (futex_wait_timeout's case). */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 20 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	futex_word = 0;
	futex_pi2 = 0;
	EXPECT_EQ(-1, futex(&futex_word, FUTEX_WAIT_REQUEUE_PI, 0, &ts,
			    &futex_pi2, 0));
	EXPECT_EQ(ETIMEDOUT, errno);
}

static void *pi_worker(void *arg)
{
	for (int i = 0; i < 2000; i++) {
		if (pthread_mutex_lock(&pi_mutex))
			return (void *)1;
		pi_counter++;
		if ((i & 63) == 0)
			sched_yield();
		if (pthread_mutex_unlock(&pi_mutex))
			return (void *)1;
	}
	return NULL;
}

/* A priority-inheriting, process-shared pthread mutex in static storage. */
TEST(pi_pthread_mutex_in_static_storage)
{
	pthread_mutexattr_t attr;
	pthread_t t[3];
	void *ret;

	ASSERT_EQ(0, pthread_mutexattr_init(&attr));
	ASSERT_EQ(0, pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT));
	ASSERT_EQ(0, pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED));
	ASSERT_EQ(0, pthread_mutex_init(&pi_mutex, &attr));
	pi_counter = 0;
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, pi_worker, NULL));
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, pthread_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	EXPECT_EQ(3 * 2000, pi_counter);
	EXPECT_EQ(0, pthread_mutex_destroy(&pi_mutex));
}

#define RSEQ_SIG_X86	0x53053053
/* The length glibc registers (__rseq_size is that of the used fields). */
#define RSEQ_AREA_LEN	32

static void on_alarm(int sig)
{
}

/*
 * Spin in an rseq critical section that never ends by itself: only an
 * abort leaves it (the kernel moves RIP to the abort handler when it
 * delivers a signal - the timer's, at the latest - or preempts us inside
 * it). Returns 1 after an abort.
 */
static int rseq_spin(struct rseq *rs)
{
	int aborted;

	asm volatile(".pushsection .data.ukl_rseq_cs, \"aw\"\n\t"
		     ".balign 32\n"
		     "3:\t.long 0, 0\n\t"
		     ".quad 1f, 2f - 1f, 4f\n\t"
		     ".popsection\n\t"
		     "leaq 3b(%%rip), %%rax\n\t"
		     "movq %%rax, %[cs]\n"
		     "1:\tjmp 1b\n"
		     "2:\tmovl $0, %[ab]\n\t"
		     "jmp 5f\n\t"
		     /* The signature the kernel checks before the handler. */
		     ".byte 0x0f, 0xb9, 0x3d\n\t"
		     ".long %c[sig]\n"
		     "4:\tmovl $1, %[ab]\n"
		     "5:\n"
		     : [cs] "=m" (rs->rseq_cs), [ab] "=r" (aborted)
		     : [sig] "i" (RSEQ_SIG_X86)
		     : "rax", "memory");
	return aborted;
}

/* Leave the critical section by an abort, @rounds times. */
static int rseq_abort_rounds(struct rseq *rs, int rounds)
{
	struct itimerval it = { .it_value = { 0, 5000 } };
	struct sigaction sa = { .sa_handler = on_alarm };
	int aborts = 0;

	sigaction(SIGALRM, &sa, NULL);
	for (int i = 0; i < rounds; i++) {
		setitimer(ITIMER_REAL, &it, NULL);
		aborts += rseq_spin(rs);
		/* The kernel clears rseq_cs when it aborts. */
		if (rs->rseq_cs)
			return -1;
	}
	it.it_value.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	return aborts;
}

/* With glibc's own registration (its rseq area is in TLS). */
TEST(rseq_critical_section_in_text)
{
	struct rseq *rs;

	if (__rseq_size == 0)
		SKIP(return, "glibc did not register rseq");
	rs = (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
	EXPECT_EQ(5, rseq_abort_rounds(rs, 5));
	EXPECT_NE((uint32_t)RSEQ_CPU_ID_UNINITIALIZED, rs->cpu_id);
}

static alignas(32) struct rseq bss_rseq;

static void *rseq_in_bss(void *arg)
{
	struct rseq *glibc_rs = NULL;
	long ret;

	if (__rseq_size) {
		glibc_rs = (struct rseq *)((char *)__builtin_thread_pointer() +
					   __rseq_offset);
		if (syscall(SYS_rseq, glibc_rs, RSEQ_AREA_LEN,
			    RSEQ_FLAG_UNREGISTER, RSEQ_SIG_X86))
			return (void *)1L;
	}
	bss_rseq.cpu_id = RSEQ_CPU_ID_UNINITIALIZED;
	if (syscall(SYS_rseq, &bss_rseq, RSEQ_AREA_LEN, 0, RSEQ_SIG_X86))
		return (void *)2L;
	if ((int)bss_rseq.cpu_id < 0)
		return (void *)3L;
	ret = rseq_abort_rounds(&bss_rseq, 3) == 3 ? 0 : 4;
	if (syscall(SYS_rseq, &bss_rseq, RSEQ_AREA_LEN, RSEQ_FLAG_UNREGISTER,
		    RSEQ_SIG_X86))
		ret = 5;
	if (glibc_rs && syscall(SYS_rseq, glibc_rs, RSEQ_AREA_LEN, 0,
				RSEQ_SIG_X86))
		ret = 6;
	return (void *)ret;
}

/* An rseq area in .bss, registered by a thread of ours. */
TEST(rseq_area_in_bss)
{
	pthread_t t;
	void *ret;

	ASSERT_EQ(0, pthread_create(&t, NULL, rseq_in_bss, NULL));
	ASSERT_EQ(0, pthread_join(t, &ret));
	EXPECT_EQ(0L, (long)ret);
}

static int perf_bp(void *addr, int type, int len)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = type,
		.bp_addr = (unsigned long)addr,
		.bp_len = len,
		.exclude_kernel = 1,
		.exclude_hv = 1,
		.disabled = 1,
	};

	return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

/*
 * The function the breakpoint is on, in assembler so that the compiler
 * can neither inline it nor fold its calls away: returns x + 1.
 */
int watched_function(int x);
asm(".pushsection .text\n"
	".type watched_function, @function\n"
	"watched_function:\n\t"
	"leal 1(%rdi), %eax\n\t"
	"ret\n"
	".size watched_function, . - watched_function\n"
	".popsection");

/* perf watchpoints and breakpoints on a global and a function of ours. */
TEST(perf_breakpoints_on_globals_and_code)
{
	long long count = -1;
	int w, x, v = 0;

	w = perf_bp((void *)&watched, HW_BREAKPOINT_W, HW_BREAKPOINT_LEN_4);
	if (w < 0 && (errno == ENOENT || errno == ENOSYS || errno == EOPNOTSUPP))
		SKIP(return, "no breakpoint events: %s", strerror(errno));
	ASSERT_LE(0, w) TH_LOG("watchpoint on a global: %s", strerror(errno));
	x = perf_bp((void *)watched_function, HW_BREAKPOINT_X, sizeof(long));
	ASSERT_LE(0, x) TH_LOG("breakpoint on a function: %s", strerror(errno));

	ASSERT_EQ(0, ioctl(w, PERF_EVENT_IOC_ENABLE, 0));
	ASSERT_EQ(0, ioctl(x, PERF_EVENT_IOC_ENABLE, 0));
	for (int i = 0; i < 10; i++) {
		__atomic_store_n(&watched, i, __ATOMIC_RELAXED);
		v = watched_function(v);
	}
	ASSERT_EQ(0, ioctl(w, PERF_EVENT_IOC_DISABLE, 0));
	ASSERT_EQ(0, ioctl(x, PERF_EVENT_IOC_DISABLE, 0));
	EXPECT_EQ(10, v);
	ASSERT_EQ((ssize_t)sizeof(count), read(w, &count, sizeof(count)));
	EXPECT_EQ(10, count);
	ASSERT_EQ((ssize_t)sizeof(count), read(x, &count, sizeof(count)));
	EXPECT_EQ(10, count);
	close(w);
	close(x);
}

/*
 * A debugger's watchpoint, as gdb sets it: DR0 and DR7 through
 * PTRACE_POKEUSER in a stopped child; the child's write to the global
 * stops it with SIGTRAP, DR6 naming DR0.
 */
TEST(ptrace_watchpoint_on_global)
{
	const size_t dr = offsetof(struct user, u_debugreg);
	unsigned long dr6, dr7;
	int go[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(go));
	watched = 0;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(10);
		__atomic_store_n(&watched, 42, __ATOMIC_RELAXED);
		_exit(__atomic_load_n(&watched, __ATOMIC_RELAXED) == 42 ? 0 : 11);
	}
	ASSERT_EQ(0, ptrace(PTRACE_SEIZE, pid, 0, 0));
	ASSERT_EQ(0, ptrace(PTRACE_INTERRUPT, pid, 0, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSTOPPED(status));

	/* DR0 = &watched; DR7: local enable 0, break on write, 4 bytes. */
	dr7 = 1 | (1UL << 16) | (3UL << 18);
	ASSERT_EQ(0, ptrace(PTRACE_POKEUSER, pid, dr, &watched))
		TH_LOG("DR0 at a global: %s", strerror(errno));
	ASSERT_EQ(0, ptrace(PTRACE_POKEUSER, pid, dr + 7 * sizeof(long), dr7))
		TH_LOG("DR7: %s", strerror(errno));
	ASSERT_EQ(0, ptrace(PTRACE_CONT, pid, 0, 0));
	ASSERT_EQ(1, write(go[1], "g", 1));

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSTOPPED(status));
	EXPECT_EQ(SIGTRAP, WSTOPSIG(status));
	errno = 0;
	dr6 = ptrace(PTRACE_PEEKUSER, pid, dr + 6 * sizeof(long), 0);
	EXPECT_EQ(0, errno);
	EXPECT_EQ(1UL, dr6 & 0xf);
	/* The write has happened (a data breakpoint traps after it). */
	errno = 0;
	EXPECT_EQ(42L, (int)ptrace(PTRACE_PEEKDATA, pid, &watched, 0));
	EXPECT_EQ(0, errno);

	ASSERT_EQ(0, ptrace(PTRACE_POKEUSER, pid, dr + 7 * sizeof(long), 0));
	ASSERT_EQ(0, ptrace(PTRACE_DETACH, pid, 0, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(go[0]);
	close(go[1]);
}

/*
 * AT_SYSINFO_EHDR, the vDSO's address, or 0 (from /proc/self/auxv: glibc's
 * <sys/auxv.h> and the kernel's <linux/elf.h> do not mix).
 */
static unsigned long vdso_address(void)
{
	unsigned long av[2], ret = 0;
	int fd = open("/proc/self/auxv", O_RDONLY);

	if (fd < 0)
		return 0;
	while (read(fd, av, sizeof(av)) == sizeof(av) && av[0] != AT_NULL) {
		if (av[0] == AT_SYSINFO_EHDR)
			ret = av[1];
	}
	close(fd);
	return ret;
}

/* The bytes at @addr in the ELF core @core, or -1. */
static long core_read(const char *core, unsigned long addr, void *buf,
		      size_t len)
{
	struct elf64_hdr eh;
	long ret = -1;
	int fd;

	fd = open(core, O_RDONLY);
	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_type != ET_CORE)
		goto out;
	for (int i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;

		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) !=
		    sizeof(ph))
			goto out;
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr ||
		    addr + len > ph.p_vaddr + ph.p_filesz)
			continue;
		if (pread(fd, buf, len, ph.p_offset + addr - ph.p_vaddr) == (ssize_t)len)
			ret = 0;
		break;
	}
out:
	close(fd);
	return ret;
}

/* A crashed child leaves a core that holds its data and bss. */
TEST(core_dump_holds_globals)
{
	unsigned long vdso = vdso_address();
	char dir[] = "/tmp/ukl-core-XXXXXX", core[64], pattern[64] = "";
	char got[32];
	int status, fd;
	pid_t pid;

	fd = open("/proc/sys/kernel/core_pattern", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, pattern, sizeof(pattern) - 1) < 0)
			pattern[0] = 0;
		close(fd);
	}
	if (strcmp(pattern, "core\n"))
		SKIP(return, "core_pattern is not \"core\"");
	ASSERT_NE(NULL, mkdtemp(dir));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		if (setrlimit(RLIMIT_CORE, &rl) || chdir(dir))
			_exit(10);
		snprintf(data_buf, sizeof(data_buf), "data of the crashed child");
		fill(bss_buf, sizeof(bss_buf), 5);
		abort();
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGABRT, WTERMSIG(status));
	ASSERT_TRUE(WCOREDUMP(status));

	snprintf(core, sizeof(core), "%s/core", dir);
	if (access(core, R_OK))
		snprintf(core, sizeof(core), "%s/core.%d", dir, pid);
	ASSERT_EQ(0, core_read(core, (unsigned long)data_buf, got, sizeof(got)))
		TH_LOG("no data segment in %s", core);
	EXPECT_STREQ("data of the crashed child", got);
	ASSERT_EQ(0, core_read(core, (unsigned long)(bss_buf + PAGE + 7), got,
			       sizeof(got)));
	EXPECT_TRUE(matches(got, sizeof(got), 5 + (PAGE + 7) * 7));
	if (vdso) {
		/* The vDSO is dumped whole, as its ELF header shows. */
		ASSERT_EQ(0, core_read(core, vdso, got, SELFMAG))
			TH_LOG("no vDSO in %s", core);
		EXPECT_EQ(0, memcmp(got, ELFMAG, SELFMAG));
	}
	unlink(core);
	rmdir(dir);
}

/*
 * A loop to sample, in assembler so that its extent is known: counts
 * %rdi down to zero and returns the address after its own last byte.
 */
uintptr_t spin_loop(long n);
asm(".pushsection .text\n"
	".type spin_loop, @function\n"
	"spin_loop:\n\t"
	"dec %rdi\n\t"
	"jnz spin_loop\n\t"
	"lea 1f(%rip), %rax\n\t"
	"ret\n"
	"1:\n"
	".size spin_loop, . - spin_loop\n"
	".popsection");

static long thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/*
 * A sampling profile of our own code, user mode only (as perf record
 * -e task-clock:u takes it): samples are taken, each is marked as a user
 * sample, and most have their IP in the loop we spin in.
 */
TEST(perf_samples_in_own_code_are_user_samples)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_TASK_CLOCK,
		.sample_period = 200000,	/* ns of the task's time */
		.sample_type = PERF_SAMPLE_IP,
		.exclude_kernel = 1,
		.exclude_hv = 1,
		.disabled = 1,
	};
	const size_t len = 9 * PAGE;	/* header page, 8 data pages */
	int fd, total = 0, not_user = 0, in_loop = 0;
	struct perf_event_mmap_page *meta;
	uint64_t pos, head;
	uintptr_t end = 0;
	const char *data;
	long start;

	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0 && (errno == ENOENT || errno == ENOSYS || errno == EOPNOTSUPP))
		SKIP(return, "no task-clock events: %s", strerror(errno));
	ASSERT_LE(0, fd) TH_LOG("perf_event_open: %s", strerror(errno));
	meta = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, meta) TH_LOG("mmap: %s", strerror(errno));

	ASSERT_EQ(0, ioctl(fd, PERF_EVENT_IOC_ENABLE, 0));
	start = thread_cpu_ns();
	while (thread_cpu_ns() - start < 100 * 1000 * 1000)
		end = spin_loop(20000);
	ASSERT_EQ(0, ioctl(fd, PERF_EVENT_IOC_DISABLE, 0));

	/*
	 * At most 500 samples of 16 bytes (fewer where the timer is coarser,
	 * as under TCG): the 32 KiB buffer does not wrap.
	 */
	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	data = (const char *)meta + PAGE;
	ASSERT_GT(meta->data_size, head);
	for (pos = 0; pos < head;) {
		const struct perf_event_header *h = (const void *)(data + pos);
		uint64_t ip;

		ASSERT_LT(0, h->size);
		pos += h->size;
		if (h->type != PERF_RECORD_SAMPLE)
			continue;
		memcpy(&ip, h + 1, sizeof(ip));
		total++;
		if ((h->misc & PERF_RECORD_MISC_CPUMODE_MASK) != PERF_RECORD_MISC_USER)
			not_user++;
		if (ip >= (uintptr_t)spin_loop && ip < end)
			in_loop++;
	}
	munmap(meta, len);
	close(fd);
	ASSERT_LE(5, total) TH_LOG("only %d samples", total);
	EXPECT_EQ(0, not_user);
	EXPECT_LT(total / 2, in_loop) TH_LOG("%d of %d samples in the loop", in_loop, total);
}

/*
 * Call chains of those samples: each is a user chain (no kernel part)
 * that starts at the sampled IP, as perf record -g takes them.
 */
TEST(perf_callchains_start_at_the_sample)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_TASK_CLOCK,
		.sample_period = 200000,
		.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_CALLCHAIN,
		.sample_max_stack = 8,
		.exclude_kernel = 1,
		.exclude_hv = 1,
		.disabled = 1,
	};
	const size_t len = 17 * PAGE;	/* header page, 16 data pages */
	int fd, total = 0, good = 0;
	struct perf_event_mmap_page *meta;
	uint64_t pos, head, bad[3] = { 0 };
	const char *data;
	long start;

	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0 && (errno == ENOENT || errno == ENOSYS || errno == EOPNOTSUPP))
		SKIP(return, "no task-clock events: %s", strerror(errno));
	ASSERT_LE(0, fd) TH_LOG("perf_event_open: %s", strerror(errno));
	meta = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, meta) TH_LOG("mmap: %s", strerror(errno));

	ASSERT_EQ(0, ioctl(fd, PERF_EVENT_IOC_ENABLE, 0));
	start = thread_cpu_ns();
	while (thread_cpu_ns() - start < 100 * 1000 * 1000)
		spin_loop(20000);
	ASSERT_EQ(0, ioctl(fd, PERF_EVENT_IOC_DISABLE, 0));

	/* At most 500 samples of at most 112 bytes (8 frames): no wrap. */
	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	data = (const char *)meta + PAGE;
	ASSERT_GT(meta->data_size, head);
	for (pos = 0; pos < head;) {
		const struct perf_event_header *h = (const void *)(data + pos);
		uint64_t rec[4] = { 0 };	/* ip, nr, ips[0], ips[1] */

		ASSERT_LT(0, h->size);
		pos += h->size;
		if (h->type != PERF_RECORD_SAMPLE)
			continue;
		memcpy(rec, h + 1, h->size - sizeof(*h) < sizeof(rec) ?
		       h->size - sizeof(*h) : sizeof(rec));
		total++;
		if (rec[1] >= 2 && rec[2] == PERF_CONTEXT_USER && rec[3] == rec[0])
			good++;
		else
			memcpy(bad, rec + 1, sizeof(bad));
	}
	munmap(meta, len);
	close(fd);
	ASSERT_LE(5, total) TH_LOG("only %d samples", total);
	EXPECT_EQ(total, good)
		TH_LOG("a chain of %lu starting %#lx %#lx", (unsigned long)bad[0],
		       (unsigned long)bad[1], (unsigned long)bad[2]);
}

static const char ro_probe[] = "read-only data";	/* .rodata */
static char maps_whole[64 * 1024], maps_pieces[64 * 1024];

/* Read /proc/self/maps into @buf, @chunk bytes per read(). */
static ssize_t read_maps(char *buf, size_t size, size_t chunk)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (len + 1 < size) {
		n = read(fd, buf + len, chunk < size - 1 - len ? chunk : size - 1 - len);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = 0;
	return len;
}

static char maps_name_of[64];

/*
 * The permissions ("r-xp" ...) of the line of @maps that covers @addr;
 * its name ("[vdso]", a path, or "" for anonymous memory) in maps_name_of.
 */
static const char *maps_perm(const char *maps, const void *addr)
{
	static char perm[8];
	unsigned long start, end;
	const char *line = maps;

	while (line && *line) {
		maps_name_of[0] = 0;
		if (sscanf(line, "%lx-%lx %4s %*x %*x:%*x %*u %63[^\n]", &start,
			   &end, perm, maps_name_of) >= 3 &&
		    (uintptr_t)addr >= start && (uintptr_t)addr < end)
			return perm;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return "none";
}

/*
 * /proc/self/maps has a line for our code, read-only data, data and bss,
 * with the permissions they have, and one for the vDSO.
 */
TEST(proc_maps_cover_code_and_globals)
{
	const void *vdso = (const void *)vdso_address();

	ASSERT_LT(0, read_maps(maps_whole, sizeof(maps_whole), sizeof(maps_whole)));
	EXPECT_STREQ("r-xp", maps_perm(maps_whole, spin_loop)) TH_LOG("%s", maps_whole);
	EXPECT_STREQ("r--p", maps_perm(maps_whole, ro_probe)) TH_LOG("%s", maps_whole);
	EXPECT_STREQ("rw-p", maps_perm(maps_whole, data_buf)) TH_LOG("%s", maps_whole);
	EXPECT_STREQ("rw-p", maps_perm(maps_whole, bss_buf + PAGE)) TH_LOG("%s", maps_whole);
	if (vdso) {
		EXPECT_STREQ("r-xp", maps_perm(maps_whole, vdso)) TH_LOG("%s", maps_whole);
		EXPECT_STREQ("[vdso]", maps_name_of);
	}
}

/*
 * Read in pieces of a few bytes, each read() resuming at a line it has
 * not shown yet, /proc/self/maps is the same as read at once.
 */
TEST(proc_maps_read_in_small_pieces)
{
	ASSERT_LT(0, read_maps(maps_whole, sizeof(maps_whole), sizeof(maps_whole)));
	ASSERT_LT(0, read_maps(maps_pieces, sizeof(maps_pieces), 5));
	EXPECT_STREQ(maps_whole, maps_pieces);
}

/* An io_uring with its rings mapped, driven one request at a time. */
struct uring {
	int fd;
	struct io_uring_params p;
	char *sq, *cq;
	struct io_uring_sqe *sqes;
	size_t sq_len, cq_len, sqes_len;
};

static int uring_open(struct uring *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = syscall(SYS_io_uring_setup, 4, &r->p);
	if (r->fd < 0)
		return -1;
	r->sq_len = r->p.sq_off.array + r->p.sq_entries * sizeof(unsigned int);
	r->cq_len = r->p.cq_off.cqes + r->p.cq_entries * sizeof(struct io_uring_cqe);
	r->sqes_len = r->p.sq_entries * sizeof(struct io_uring_sqe);
	r->sq = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		     r->fd, IORING_OFF_SQ_RING);
	r->cq = mmap(NULL, r->cq_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		     r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       r->fd, IORING_OFF_SQES);
	if (r->sq == MAP_FAILED || r->cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -1;
	return 0;
}

/* One fixed-buffer read or write; the completion's result. */
static int uring_rw(struct uring *r, int op, int fd, void *buf,
		    unsigned int len, int index)
{
	unsigned int *tail = (unsigned int *)(r->sq + r->p.sq_off.tail);
	unsigned int mask = *(unsigned int *)(r->sq + r->p.sq_off.ring_mask);
	unsigned int *array = (unsigned int *)(r->sq + r->p.sq_off.array);
	unsigned int *cq_head = (unsigned int *)(r->cq + r->p.cq_off.head);
	unsigned int cq_mask = *(unsigned int *)(r->cq + r->p.cq_off.ring_mask);
	struct io_uring_cqe *cqes = (void *)(r->cq + r->p.cq_off.cqes);
	unsigned int t = *tail, h;
	struct io_uring_sqe *sqe = &r->sqes[t & mask];
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (uintptr_t)buf;
	sqe->len = len;
	sqe->buf_index = index;
	array[t & mask] = t & mask;
	__atomic_store_n(tail, t + 1, __ATOMIC_RELEASE);
	if (syscall(SYS_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) != 1)
		return -errno - 1000;
	h = __atomic_load_n(cq_head, __ATOMIC_ACQUIRE);
	res = cqes[h & cq_mask].res;
	__atomic_store_n(cq_head, h + 1, __ATOMIC_RELEASE);
	return res;
}

/*
 * io_uring registered buffers in .data and .bss (pinned through GUP at
 * registration): a fixed-buffer write from the one to a file, and a
 * fixed-buffer read from the file into the other.
 */
TEST(io_uring_registered_buffers_in_globals)
{
	struct iovec iov[2] = {
		{ bss_buf, 2 * PAGE },		/* index 0: read into */
		{ data_buf, PAGE },		/* index 1: write from */
	};
	char path[] = "/tmp/ukl-uring-XXXXXX";
	struct uring r;
	int file;

	if (uring_open(&r) && errno == ENOSYS)
		SKIP(return, "no io_uring");
	ASSERT_LE(0, r.fd) TH_LOG("io_uring_setup: %s", strerror(errno));
	ASSERT_NE(MAP_FAILED, r.sqes) TH_LOG("mapping the rings: %s", strerror(errno));
	ASSERT_EQ(0, syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_BUFFERS,
			     iov, 2)) TH_LOG("registering buffers: %s", strerror(errno));
	file = mkstemp(path);
	ASSERT_LE(0, file);
	unlink(path);

	fill(data_buf, PAGE, 31);
	EXPECT_EQ(PAGE, uring_rw(&r, IORING_OP_WRITE_FIXED, file, data_buf, PAGE, 1));
	memset(bss_buf, 0, sizeof(bss_buf));
	EXPECT_EQ(PAGE, uring_rw(&r, IORING_OP_READ_FIXED, file, bss_buf + 100, PAGE, 0));
	EXPECT_TRUE(matches(bss_buf + 100, PAGE, 31));
	EXPECT_EQ(0, bss_buf[99]);
	EXPECT_EQ(0, bss_buf[100 + PAGE]);

	EXPECT_EQ(0, syscall(SYS_io_uring_register, r.fd, IORING_UNREGISTER_BUFFERS,
			     NULL, 0));
	close(file);
	close(r.fd);
}

/*
 * O_DIRECT on a RAM disk: the block layer pins the buffer's pages through
 * GUP and the device copies to and from them, in .data and in .bss.
 */
TEST(o_direct_to_and_from_globals)
{
	int fd = open("/dev/ram0", O_RDWR | O_DIRECT);

	if (fd < 0 && (errno == ENOENT || errno == ENXIO || errno == EACCES))
		SKIP(return, "no /dev/ram0 (brd): %s", strerror(errno));
	ASSERT_LE(0, fd) TH_LOG("open: %s", strerror(errno));
	fill(data_buf, PAGE, 41);
	ASSERT_EQ(PAGE, pwrite(fd, data_buf, PAGE, 8 * PAGE))
		TH_LOG("pwrite: %s", strerror(errno));
	memset(bss_buf, 0, sizeof(bss_buf));
	ASSERT_EQ(PAGE, pread(fd, bss_buf + PAGE, PAGE, 8 * PAGE))
		TH_LOG("pread: %s", strerror(errno));
	EXPECT_TRUE(matches(bss_buf + PAGE, PAGE, 41));
	EXPECT_EQ(0, bss_buf[PAGE - 1]);
	close(fd);
}

TEST_HARNESS_MAIN
