// SPDX-License-Identifier: GPL-2.0
/*
 * System calls under stress: many threads making cheap system calls while
 * signals arrive, threads are preempted, a tracer attaches and detaches,
 * and a seccomp filter is installed under them. On a UKL kernel with
 * CONFIG_UKL_BYPASS these calls take the fast path whenever they can, so
 * every check here is one the fast path could break: a signal lost or
 * delivered late, FPU or SSE state of another thread after a preemption,
 * a syscall stop or a seccomp filter missed. The same program must pass as
 * an ordinary process on any kernel, and in ring 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/rseq.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "../kselftest_harness.h"

#define NR_WORKERS	4

/* Shared between threads and signal handlers. */
#define load(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define store(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)
#define inc(x)		__atomic_fetch_add(&(x), 1, __ATOMIC_SEQ_CST)
#define ROUNDS		3000

/* ------------------------------------------------------------------------ */
/* What every worker checks after each of its system calls                  */
/* ------------------------------------------------------------------------ */

/*
 * Rounding control, 0 to 3, in both MXCSR (bits 13-14) and the x87 control
 * word (bits 10-11): FPU state each worker holds its own value of.
 */
static void set_rounding(unsigned int rc)
{
	unsigned int mxcsr;
	unsigned short cw;

	asm volatile("stmxcsr %0" : "=m" (mxcsr));
	mxcsr = (mxcsr & ~0x6000u) | rc << 13;
	asm volatile("ldmxcsr %0" : : "m" (mxcsr));
	asm volatile("fnstcw %0" : "=m" (cw));
	cw = (cw & ~0xc00u) | rc << 10;
	asm volatile("fldcw %0" : : "m" (cw));
}

/* The rounding control if MXCSR and the x87 agree, else -1. */
static int get_rounding(void)
{
	unsigned int mxcsr;
	unsigned short cw;

	asm volatile("stmxcsr %0" : "=m" (mxcsr));
	asm volatile("fnstcw %0" : "=m" (cw));
	if (((mxcsr >> 13) & 3) != ((cw >> 10) & 3u))
		return -1;
	return (mxcsr >> 13) & 3;
}

/* The SSE register the workers keep a value in across system calls. */
static inline void set_xmm8(unsigned long v)
{
	asm volatile("movq %0, %%xmm8" : : "r" (v) : "xmm8");
}

static inline unsigned long get_xmm8(void)
{
	unsigned long v;

	asm volatile("movq %%xmm8, %0" : "=r" (v));
	return v;
}

struct worker {
	pthread_t thread;
	int index;
	int pipe[2];
	pid_t tid;
	long errors;
	long signals;		/* handled, counted by the handler */
	long calls;
	long switches;		/* rounds in which another worker ran */
};

static struct worker workers[NR_WORKERS];
static bool stop_workers;
static pid_t parent_pid;
static long rounds = ROUNDS;	/* per worker; -1: until stop_workers */

static __thread struct worker *self;
static int last_worker;

/*
 * One round: system calls that take the fast path when they can (getppid,
 * a 1-byte write and read through the worker's own pipe, sched_yield),
 * each followed by a check of its result and of this thread's FPU and SSE
 * state, which another thread on the same CPU holds different values of.
 */
static void worker_round(struct worker *w, unsigned long round)
{
	unsigned long pattern = 0x5a5a000000000000UL | ((unsigned long)w->index << 32) | round;
	unsigned char out = round & 0xff, in = ~out;

	set_xmm8(pattern);
	set_rounding(w->index & 3);
	if (syscall(SYS_getppid) != parent_pid)
		w->errors++;
	if (write(w->pipe[1], &out, 1) != 1)
		w->errors++;
	while (read(w->pipe[0], &in, 1) != 1) {
		if (errno != EINTR) {
			w->errors++;
			break;
		}
	}
	if (in != out)
		w->errors++;
	store(last_worker, w->index);
	sched_yield();
	if (load(last_worker) != w->index)
		w->switches++;
	if (get_xmm8() != pattern)
		w->errors++;
	if (get_rounding() != (w->index & 3))
		w->errors++;
	w->calls += 4;
}

static void count_signal(int sig)
{
	/* FPU state the handler changes, which sigreturn must undo. */
	set_rounding(2);
	set_xmm8(0xdeadUL);
	if (self)
		inc(self->signals);
}

/*
 * Take this thread's rseq area (glibc registers one per thread) back from
 * the kernel. With rseq, every preemption also sets TIF_NOTIFY_RESUME, so
 * the return after it always has exit work; without, a pending FPU reload
 * can be the only work left, and the FPU check tests that it is done.
 */
static void unregister_rseq(struct worker *w)
{
	void *area = (char *)__builtin_thread_pointer() + __rseq_offset;

	if (__rseq_size && syscall(SYS_rseq, area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG))
		w->errors++;
}

/* Run the calling thread on CPU 0 only. */
static int pin_to_cpu0(void)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	return sched_setaffinity(0, sizeof(one), &one);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned long round;

	self = w;
	store(w->tid, gettid());
	unregister_rseq(w);
	/* All workers on one CPU: each system call is a chance to preempt. */
	pin_to_cpu0();
	for (round = 0; (rounds < 0 || round < (unsigned long)rounds) &&
	     !load(stop_workers); round++)
		worker_round(w, round);
	return NULL;
}

static int start_workers(void)
{
	int i;

	parent_pid = getppid();
	store(stop_workers, false);
	for (i = 0; i < NR_WORKERS; i++) {
		memset(&workers[i], 0, sizeof(workers[i]));
		workers[i].index = i;
		if (pipe(workers[i].pipe))
			return -1;
	}
	for (i = 0; i < NR_WORKERS; i++)
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]))
			return -1;
	/* Wait until every worker has published its thread id. */
	for (i = 0; i < NR_WORKERS; i++)
		while (!load(workers[i].tid))
			sched_yield();
	return 0;
}

static long join_workers(void)
{
	long errors = 0;
	int i;

	for (i = 0; i < NR_WORKERS; i++) {
		pthread_join(workers[i].thread, NULL);
		errors += workers[i].errors;
		if (workers[i].errors)
			fprintf(stderr, "# worker %d: %ld bad results in %ld calls\n",
				i, workers[i].errors, workers[i].calls);
	}
	return errors;
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = SA_RESTART;
	sigaction(sig, &sa, NULL);
}

/* ------------------------------------------------------------------------ */
/* Preemption and signals                                                   */
/* ------------------------------------------------------------------------ */

/* Threads on one CPU yield in every round: FPU and SSE state stay theirs. */
TEST(fpu_state_kept_across_preemption)
{
	long switches = 0;
	int i;

	ASSERT_EQ(0, start_workers());
	EXPECT_EQ(0, join_workers());
	/* The check means nothing unless the workers did share the CPU. */
	for (i = 0; i < NR_WORKERS; i++)
		switches += workers[i].switches;
	TH_LOG("%ld of %d rounds saw another worker run", switches, NR_WORKERS * ROUNDS);
	EXPECT_LT(ROUNDS / 10, switches);
}

/*
 * Every queued real-time signal sent to a worker in the middle of its
 * system calls is delivered, and none disturbs the results or the state
 * the interrupted code holds.
 */
TEST(queued_signals_all_delivered)
{
	const int per_worker = 200;
	long waited;
	int i, n;

	handle(SIGRTMIN, count_signal);
	rounds = -1;
	ASSERT_EQ(0, start_workers());
	for (n = 0; n < per_worker; n++) {
		for (i = 0; i < NR_WORKERS; i++) {
			siginfo_t si = { .si_signo = SIGRTMIN, .si_code = SI_QUEUE };

			si.si_value.sival_int = n;
			ASSERT_EQ(0, syscall(SYS_rt_tgsigqueueinfo, getpid(),
					     workers[i].tid, SIGRTMIN, &si));
		}
		sched_yield();
	}
	/* Queued signals are never merged: each one must arrive. */
	for (i = 0; i < NR_WORKERS; i++)
		for (waited = 0; load(workers[i].signals) < per_worker &&
		     waited < 100000; waited++)
			sched_yield();
	store(stop_workers, true);
	EXPECT_EQ(0, join_workers());
	for (i = 0; i < NR_WORKERS; i++)
		EXPECT_EQ(per_worker, load(workers[i].signals));
	rounds = ROUNDS;
}

static long alarms;

static void count_alarm(int sig)
{
	set_rounding(1);
	inc(alarms);
}

/*
 * SIGALRM from a 1 ms interval timer interrupts a loop that makes no
 * system call at all (delivered from an interrupt in application code) and
 * a loop that does nothing but system calls, and leaves the interrupted
 * FPU state as it was.
 */
TEST(sigalrm_into_tight_loop_and_system_calls)
{
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	unsigned long spins = 0;
	long before, limit;

	handle(SIGALRM, count_alarm);
	set_rounding(3);
	store(alarms, 0);
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));

	/* No system call: only an interrupt can deliver the signal. */
	for (limit = 0; load(alarms) < 5 && limit < 4000000000L; limit++, spins++)
		asm volatile("" : "+r" (spins));
	EXPECT_LE(5, load(alarms));
	EXPECT_EQ(3, get_rounding());

	/* Nothing but cheap system calls. */
	before = load(alarms);
	for (limit = 0; load(alarms) < before + 5 && limit < 50000000L; limit++)
		ASSERT_EQ(getppid(), syscall(SYS_getppid));
	EXPECT_LE(before + 5, load(alarms));
	EXPECT_EQ(3, get_rounding());

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}

/*
 * The arithmetic flags and DF of interrupted code: every return to it
 * (after an interrupt, after a signal handler through sigreturn, after a
 * preemption) must give them back bit for bit, whether it ends in IRETQ
 * or, with CONFIG_UKL_USE_RET, in POPFQ and RET.
 */
#define TEST_FLAGS	(0x001UL | 0x004UL | 0x010UL | 0x040UL | 0x080UL | \
			 0x400UL | 0x800UL)	/* CF PF AF ZF SF DF OF */

static long df_in_handler;

static void check_df_alarm(int sig)
{
	unsigned long flags;

	/* The ABI: a handler starts with DF clear, whatever was interrupted. */
	asm volatile("pushfq; popq %0" : "=r" (flags));
	if (flags & 0x400UL)
		inc(df_in_handler);
	count_alarm(sig);
}

/*
 * Set the TEST_FLAGS bits to @set and spin @n times with instructions that
 * neither read nor write the flags (LEA, JRCXZ, JMP), then read them back.
 * PUSHFQ and POPFQ run below the red zone, which ordinary builds use.
 */
static unsigned long spin_with_flags(unsigned long set, unsigned long n)
{
	unsigned long flags;

	asm volatile("leaq -128(%%rsp), %%rsp\n\t"
		     "pushfq\n\t"
		     "popq %[f]\n\t"
		     "andq %[keep], %[f]\n\t"
		     "orq %[set], %[f]\n\t"
		     "pushq %[f]\n\t"
		     "popfq\n"
		     "1:\tleaq -1(%[n]), %[n]\n\t"
		     "jrcxz 2f\n\t"
		     "jmp 1b\n"
		     "2:\tpushfq\n\t"
		     "popq %[f]\n\t"
		     "cld\n\t"
		     "leaq 128(%%rsp), %%rsp"
		     : [f] "=&r" (flags), [n] "+c" (n)
		     : [set] "r" (set), [keep] "r" (~TEST_FLAGS)
		     : "cc", "memory");
	return flags & TEST_FLAGS;
}

/*
 * A busy sibling on the same CPU, so that some of the interrupts in the
 * spin end in a switch to it and back.
 */
static void *busy_sibling(void *arg)
{
	pin_to_cpu0();
	while (!load(stop_workers))
		asm volatile("" ::: "memory");
	return NULL;
}

TEST(rflags_kept_across_interrupts_and_signals)
{
	static const unsigned long patterns[] = {
		TEST_FLAGS, 0, 0x001UL | 0x040UL | 0x400UL, 0x004UL | 0x080UL | 0x800UL,
	};
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	unsigned long got, want, chunks = 0, bad = 0;
	pthread_t sibling;
	long limit;

	ASSERT_EQ(0, pin_to_cpu0());
	store(stop_workers, false);
	ASSERT_EQ(0, pthread_create(&sibling, NULL, busy_sibling, NULL));
	handle(SIGALRM, check_df_alarm);
	store(alarms, 0);
	store(df_in_handler, 0);
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	for (limit = 0; load(alarms) < 20 && limit < 200000; limit++, chunks++) {
		want = patterns[chunks % 4];
		got = spin_with_flags(want, 20000);
		if (got != want && bad++ < 5)
			TH_LOG("flags %#lx after the spin, %#lx before", got, want);
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	store(stop_workers, true);
	pthread_join(sibling, NULL);
	TH_LOG("%lu spins, %ld signals", chunks, load(alarms));
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, load(df_in_handler));
	EXPECT_LE(20, load(alarms));
}

/* ------------------------------------------------------------------------ */
/* A tracer attaching and detaching                                         */
/* ------------------------------------------------------------------------ */

/*
 * Run the workers in a child until they finish; exit status 0 if every
 * result and every FPU check held.
 */
static pid_t fork_workers(void)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	handle(SIGRTMIN, count_signal);
	if (start_workers())
		_exit(2);
	_exit(join_workers() ? 1 : 0);
}

/* The thread ids of @pid, at most @max of them. */
static int threads_of(pid_t pid, pid_t *tids, int max)
{
	char path[64];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (n < max && (d = readdir(dir)))
		if (d->d_name[0] != '.')
			tids[n++] = atoi(d->d_name);
	closedir(dir);
	return n;
}

/* Has thread @tid exited (gone, or a zombie)? */
static bool exited(pid_t tid)
{
	char path[64], state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return true;
	/* pid (comm) state ...: the state follows the last ')'. */
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state == 'Z' || state == 'X';
}

/* Make stopped (or seized) @tid go on with @req, and wait for its next stop. */
static const char *resume(pid_t tid, int req, const char *what, int *status)
{
	if (ptrace(req, tid, 0, 0))
		return what;
	if (waitpid(tid, status, __WALL) != tid)
		return "waitpid";
	return NULL;
}

/*
 * At a syscall stop of @tid: remember an entry, and check that an exit
 * after an entry reports the same call at the same place. NULL if all is
 * well, else what failed (errno EPROTO for a mismatch).
 */
static const char *syscall_stop(pid_t tid, unsigned long *nr, unsigned long *ip)
{
	struct __ptrace_syscall_info info;
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(info), &info) <= 0)
		return "PTRACE_GET_SYSCALL_INFO";
	if (ptrace(PTRACE_GETREGS, tid, 0, &regs))
		return "PTRACE_GETREGS";
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		*nr = info.entry.nr;
		*ip = info.instruction_pointer;
	} else if (info.op == PTRACE_SYSCALL_INFO_EXIT && *nr != -1UL &&
		   (regs.orig_rax != *nr || info.instruction_pointer != *ip)) {
		fprintf(stderr, "# exit stop for %llu at %lx after %lu at %lx\n",
			regs.orig_rax, (unsigned long)info.instruction_pointer, *nr, *ip);
		errno = EPROTO;
		return "syscall stops";
	}
	return NULL;
}

/*
 * Seize one thread, interrupt it, make it stop at its next system call
 * stops (syscall work set on a thread that may be in the middle of a
 * fast-path call) and let it go. Every exit stop that follows an entry
 * stop must report the same call, at the same place.
 */
static int trace_once(pid_t tid)
{
	unsigned long nr = -1UL, ip = 0;
	int status, stops = 0;
	const char *step;

	/*
	 * A thread that exits meanwhile is no failure: ESRCH once it is
	 * gone, EPERM while it is a zombie.
	 */
	if (ptrace(PTRACE_SEIZE, tid, 0, PTRACE_O_TRACESYSGOOD)) {
		if (errno == ESRCH || (errno == EPERM && exited(tid)))
			return 0;
		perror("# PTRACE_SEIZE");
		return -1;
	}
	step = resume(tid, PTRACE_INTERRUPT, "PTRACE_INTERRUPT", &status);
	while (!step && WIFSTOPPED(status) && stops < 4) {
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			step = syscall_stop(tid, &nr, &ip);
			if (step)
				break;
			stops++;
		}
		step = resume(tid, PTRACE_SYSCALL, "PTRACE_SYSCALL", &status);
	}
	if (!step) {
		if (WIFSTOPPED(status))
			ptrace(PTRACE_DETACH, tid, 0, 0);
		return 0;
	}
	if (errno == ESRCH)
		return 0;
	fprintf(stderr, "# %s of thread %d: %s\n", step, tid, strerror(errno));
	ptrace(PTRACE_DETACH, tid, 0, 0);
	return -1;
}

TEST(tracer_attaches_and_detaches)
{
	pid_t pid = fork_workers(), tids[NR_WORKERS + 1];
	int status, n, i, rounds = 0;

	ASSERT_LT(0, pid);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		n = threads_of(pid, tids, NR_WORKERS + 1);
		for (i = 0; i < n; i++)
			if (tids[i] != pid)
				EXPECT_EQ(0, trace_once(tids[i]));
		rounds++;
	}
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_LT(0, rounds);
}

/* ------------------------------------------------------------------------ */
/* String functions of threads that share a CPU                             */
/* ------------------------------------------------------------------------ */

/*
 * glibc picks its string and memory functions for the CPU at start-up
 * (SSE2, AVX2, EVEX, ERMS variants): in ring 0 they are reached through
 * the IFUNC pointers its start-up wrote into the application image. They
 * must give the results of the byte loops below at every size and
 * alignment, in threads preempted between and inside the calls: the
 * vector registers they work in are per thread.
 */
#define STR_MAX		8192
#define STR_ROUNDS	60

static const int str_sizes[] = {
	0, 1, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256,
	511, 1000, 2047, 2048, 4095, 4096, 4097, 8000, STR_MAX - 64,
};

struct str_worker {
	pthread_t thread;
	int id;
	long errors;
	unsigned char a[STR_MAX + 64], b[STR_MAX + 64], ref[STR_MAX + 64];
};

static struct str_worker str_workers[NR_WORKERS];

/* Bytes that are never 0 and differ from worker to worker and round to round. */
static unsigned char str_byte(int id, int round, int i)
{
	return (unsigned char)((i * 31 + id * 7 + round) % 255 + 1);
}

static long str_check(struct str_worker *w, int round, int n, int oa, int ob)
{
	unsigned char *a = w->a + oa, *b = w->b + ob;
	long errors = 0;
	int i, sign;

	for (i = 0; i < n + 1; i++)
		a[i] = str_byte(w->id, round, i);
	a[n] = 0;

	memset(w->b, 0xee, sizeof(w->b));
	memcpy(b, a, n);
	for (i = 0; i < n; i++)
		errors += b[i] != a[i];
	errors += ob + n < (int)sizeof(w->b) && b[n] != 0xee;

	/* equal, then a difference in the last byte, both ways */
	errors += memcmp(a, b, n) != 0;
	b[n] = 0;
	errors += strlen((char *)a) != (size_t)n;
	errors += strcmp((char *)a, (char *)b) != 0;
	if (n) {
		b[n - 1] = a[n - 1] + 1 ? a[n - 1] + 1 : 1;
		sign = a[n - 1] < b[n - 1] ? -1 : 1;
		errors += (memcmp(a, b, n) < 0 ? -1 : 1) != sign;
		errors += (strcmp((char *)a, (char *)b) < 0 ? -1 : 1) != sign;
		/* a byte found where it first occurs */
		for (i = 0; a[i] != a[n - 1]; i++)
			;
		errors += memchr(a, a[n - 1], n) != a + i;
		errors += strchr((char *)a, a[n - 1]) != (char *)a + i;
	}
	errors += !!memchr(a, 0, n);

	/* overlapping move up by 3 bytes, against a byte loop */
	memcpy(w->ref, b, n);
	memmove(b + 3, b, n);
	for (i = 0; i < n; i++)
		errors += b[i + 3] != w->ref[i];

	memset(b, w->id + 1, n);
	for (i = 0; i < n; i++)
		errors += b[i] != w->id + 1;
	return errors;
}

static void *str_worker_main(void *arg)
{
	struct str_worker *w = arg;
	int round, k;

	if (pin_to_cpu0()) {
		w->errors++;
		return NULL;
	}
	for (round = 0; round < STR_ROUNDS; round++) {
		for (k = 0; k < (int)ARRAY_SIZE(str_sizes); k++)
			w->errors += str_check(w, round, str_sizes[k],
					       (round + k) % 64, (round * 7 + k) % 61);
		sched_yield();
	}
	return NULL;
}

TEST(string_functions_on_a_shared_cpu)
{
	int i;

	for (i = 0; i < NR_WORKERS; i++) {
		str_workers[i].id = i;
		str_workers[i].errors = 0;
		ASSERT_EQ(0, pthread_create(&str_workers[i].thread, NULL,
					    str_worker_main, &str_workers[i]));
	}
	for (i = 0; i < NR_WORKERS; i++) {
		ASSERT_EQ(0, pthread_join(str_workers[i].thread, NULL));
		EXPECT_EQ(0, str_workers[i].errors) {
			TH_LOG("worker %d: %ld wrong results", i, str_workers[i].errors);
		}
	}
}

/* ------------------------------------------------------------------------ */
/* A seccomp filter installed under running threads                         */
/* ------------------------------------------------------------------------ */

static int filter_state;		/* 0 running, 1 installed */
static int filtered_ok;

static void *getppid_loop(void *arg)
{
	long r;

	/* A call racing with the installation may already see the filter. */
	while (load(filter_state) == 0)
		if (syscall(SYS_getppid) < 0 && errno != EPERM)
			return NULL;
	/* Installed with TSYNC before the flag was set: this call sees it. */
	errno = 0;
	r = syscall(SYS_getppid);
	if (r == -1 && errno == EPERM)
		inc(filtered_ok);
	else
		fprintf(stderr, "# getppid after the filter: %ld (%s)\n",
			r, strerror(errno));
	return NULL;
}

TEST(seccomp_filter_reaches_running_threads)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { ARRAY_SIZE(insns), insns };
	pthread_t t[NR_WORKERS];
	int i;

	store(filter_state, 0);
	store(filtered_ok, 0);
	for (i = 0; i < NR_WORKERS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, getppid_loop, NULL));
	usleep(20000);
	ASSERT_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_EQ(0, syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			     SECCOMP_FILTER_FLAG_TSYNC, &prog));
	store(filter_state, 1);
	for (i = 0; i < NR_WORKERS; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(NR_WORKERS, load(filtered_ok));
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_getppid));
	EXPECT_EQ(EPERM, errno);
}

TEST_HARNESS_MAIN
