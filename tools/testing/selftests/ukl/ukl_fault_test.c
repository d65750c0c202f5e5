// SPDX-License-Identifier: GPL-2.0
/*
 * Application bugs end in the signal Linux gives, never in a crash of the
 * machine. Every case is a control-flow or stack bug that, in ring 0, used
 * to take the guest down (double fault, SMAP panic): a call through NULL,
 * into a PROT_EXEC mapping or to an unmapped low address, a return into
 * kernel text, a sigreturn with a corrupt stack pointer, a stack or
 * sigaltstack in .bss that overflows, and a raw SYSCALL instruction.
 *
 * kselftest_harness.h forks once per test, so every case runs in a child
 * of the application; the same source runs as an ordinary process, where
 * it checks that the expectations are those of Linux itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "ukl_app.h"

static sigjmp_buf jump;
static void *fault_addr;
static int fault_code;
static unsigned long handler_cs;

static void jump_handler(int sig, siginfo_t *si, void *uc)
{
	unsigned short cs;

	(void)uc;
	asm volatile("mov %%cs, %0" : "=r" (cs));
	handler_cs = cs;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jump, sig);
}

/* An alternate stack in mmap'd memory, for cases that break the stack. */
static void set_handler(int sig, int flags)
{
	struct sigaction sa = {
		.sa_sigaction = jump_handler,
		.sa_flags = SA_SIGINFO | flags,
	};

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void use_mmap_altstack(void)
{
	size_t size = 256 * 1024;
	stack_t ss = { .ss_size = size };

	ss.ss_sp = mmap(NULL, size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ss.ss_sp == MAP_FAILED || sigaltstack(&ss, NULL))
		abort();
}

/* Call @addr as a function, hidden from the compiler. */
static long call_at(unsigned long addr)
{
	long (*fn)(void) = (long (*)(void))addr;

	asm("" : "+r" (fn));
	return fn();
}

/* The handler ran in application code: at CPL0 in ring 0, CPL3 hosted. */
static void check_handler_mode(struct __test_metadata *_metadata)
{
	ASSERT_EQ(in_ring0() ? 0UL : 3UL, handler_cs & 3);
}

/* A call through a NULL function pointer: SIGSEGV at address 0. */
TEST(call_null)
{
	int sig;

	set_handler(SIGSEGV, 0);
	sig = sigsetjmp(jump, 1);
	if (!sig)
		call_at(0);
	ASSERT_EQ(SIGSEGV, sig);
	ASSERT_EQ(NULL, fault_addr);
	ASSERT_EQ(SEGV_MAPERR, fault_code);
	check_handler_mode(_metadata);
}

/* A call to an unmapped low address: SIGSEGV there. */
TEST(call_unmapped_low)
{
	int sig;

	set_handler(SIGSEGV, 0);
	sig = sigsetjmp(jump, 1);
	if (!sig)
		call_at(0x10000);
	ASSERT_EQ(SIGSEGV, sig);
	ASSERT_EQ((void *)0x10000, fault_addr);
	check_handler_mode(_metadata);
}

/*
 * A call into a PROT_EXEC mapping. An ordinary process runs it; the ring-0
 * application runs only its own code (SMEP refuses the fetch at CPL0),
 * and gets SIGSEGV at the mapping instead of looping on the fault.
 */
TEST(call_prot_exec_page)
{
	static const unsigned char ret42[] = { 0xb8, 42, 0, 0, 0, 0xc3 };
	unsigned char *page;
	long ret = 0;
	int sig;

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	memcpy(page, ret42, sizeof(ret42));
	set_handler(SIGSEGV, 0);
	sig = sigsetjmp(jump, 1);
	if (!sig)
		ret = call_at((unsigned long)page);
	if (in_ring0()) {
		ASSERT_EQ(SIGSEGV, sig);
		ASSERT_EQ((void *)page, fault_addr);
		check_handler_mode(_metadata);
	} else {
		ASSERT_EQ(0, sig);
		ASSERT_EQ(42, ret);
	}
}

/* The address of a kernel symbol of one of @types from /proc/kallsyms, or 0. */
static unsigned long kernel_symbol(const char *name, const char *types)
{
	char line[256], sym[128], type;
	unsigned long addr, found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %127s", &addr, &type, sym) == 3 &&
		    strchr(types, type) && !strcmp(sym, name)) {
			found = addr;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * A smashed return address that points into kernel text, as an overflow
 * with a zero-terminated payload leaves it: the kernel's ENOSYS stub, then
 * 0. Kernel text is not the application's code: it must not run on the
 * application's behalf in a way the application cannot be stopped from,
 * and the application gets SIGSEGV, as at CPL3.
 */
TEST(return_into_kernel_text)
{
	unsigned long text = kernel_symbol("__x64_sys_ni_syscall", "Tt");
	int sig;

	if (!text)
		SKIP(return, "no __x64_sys_ni_syscall in /proc/kallsyms");
	set_handler(SIGSEGV, 0);
	sig = sigsetjmp(jump, 1);
	if (!sig)
		asm volatile("pushq $0\n\t"
			     "pushq %0\n\t"
			     "ret"
			     : : "r" (text) : "memory");
	ASSERT_EQ(SIGSEGV, sig);
	check_handler_mode(_metadata);
}

/*
 * sigreturn with a ucontext whose RSP is corrupt: the application resumes
 * with that stack pointer and faults on it, as at CPL3 (SIGSEGV for the
 * kernel half; SIGSEGV or SIGBUS, a stack-segment fault, for a
 * non-canonical one). Its handler runs on the alternate stack.
 */
static unsigned long bad_sp;

static void corrupt_sp_handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RSP] = bad_sp;
}

static int sigreturn_with_sp(unsigned long sp)
{
	struct sigaction sa = {
		.sa_sigaction = corrupt_sp_handler,
		.sa_flags = SA_SIGINFO,
	};
	int sig;

	use_mmap_altstack();
	set_handler(SIGSEGV, SA_ONSTACK);
	set_handler(SIGBUS, SA_ONSTACK);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	bad_sp = sp;
	sig = sigsetjmp(jump, 1);
	if (!sig) {
		raise(SIGUSR1);
		/* Never reached: the first use of the stack faults. */
		return -1;
	}
	return sig;
}

TEST(sigreturn_rsp_kernel_half)
{
	ASSERT_EQ(SIGSEGV, sigreturn_with_sp(0xffff888000100000UL));
	check_handler_mode(_metadata);
}

TEST(sigreturn_rsp_noncanonical)
{
	int sig = sigreturn_with_sp(0x8000000000001000UL);

	ASSERT_TRUE(sig == SIGSEGV || sig == SIGBUS);
	check_handler_mode(_metadata);
}

/* Unbounded recursion, a real frame per level, a limit no one reaches. */
static int recurse(long n)
{
	long limit = 1L << 40;
	char frame[256];

	frame[0] = (char)n;
	asm volatile("" : "+r" (limit) : "r" (frame) : "memory");
	if (n >= limit)
		return 0;
	return recurse(n + 1) + frame[0];
}

/*
 * A stack in .bss (inside the application slot in ring 0) that overflows:
 * the recursion runs down through the rest of the application's data into
 * its read-only pages and faults there. A SIGSEGV handler on an mmap'd
 * alternate stack runs; it can only rely on what the recursion did not
 * trash: its TLS (the flag's address) and a shared page (the flag). It
 * returns, the fault repeats, and the default action (SA_RESETHAND) kills
 * the task with SIGSEGV.
 */
static char bss_stack[64 * 1024];
static __thread int *handled_flag;

static void flag_handler(int sig)
{
	(void)sig;
	__atomic_store_n(handled_flag, 1, __ATOMIC_RELAXED);
}

static void run_on_bss_stack(void)
{
	static ucontext_t main_uc, co_uc;

	getcontext(&co_uc);
	co_uc.uc_stack.ss_sp = bss_stack;
	co_uc.uc_stack.ss_size = sizeof(bss_stack);
	co_uc.uc_link = &main_uc;
	makecontext(&co_uc, (void (*)(void))recurse, 1, 0);
	swapcontext(&main_uc, &co_uc);
}

TEST(bss_stack_overflow)
{
	int *flag, status;
	pid_t pid;

	flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, flag);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sigaction sa = { .sa_handler = flag_handler,
					.sa_flags = SA_ONSTACK | SA_RESETHAND };

		handled_flag = flag;
		use_mmap_altstack();
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, NULL);
		run_on_bss_stack();
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(SIGSEGV, WTERMSIG(status));
	ASSERT_EQ(1, *flag);
}

/*
 * A SIGSEGV handler on a sigaltstack in .bss that overflows it: the fault
 * in the handler cannot be delivered on the same stack, and Linux kills
 * the task with SIGSEGV.
 */
static char bss_altstack[64 * 1024];

static void recursing_handler(int sig)
{
	(void)sig;
	recurse(0);
}

TEST_SIGNAL(bss_sigaltstack_overflow, SIGSEGV)
{
	stack_t ss = { .ss_sp = bss_altstack, .ss_size = sizeof(bss_altstack) };
	struct sigaction sa = { .sa_handler = recursing_handler,
				.sa_flags = SA_ONSTACK };

	ASSERT_EQ(0, sigaltstack(&ss, NULL));
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
}

/*
 * A raw SYSCALL instruction in application code, hidden from the audit
 * inside a MOVABS immediate (as a program built with the audit off would
 * have it). Ring 0: SIGILL, since the application's system calls are
 * function calls and SYSCALL at CPL0 would enter the kernel on the wrong
 * GS. Hosted, it is getpid().
 */
TEST(raw_syscall_instruction)
{
	long ret = -1;
	int sig;

	set_handler(SIGILL, 0);
	set_handler(SIGSEGV, 0);
	sig = sigsetjmp(jump, 1);
	if (!sig) {
		asm volatile("leaq 2f(%%rip), %%rcx\n\t"
			     "movl $39, %%eax\n\t"	/* __NR_getpid */
			     "jmp *%%rcx\n\t"
			     ".byte 0x48, 0xb8\n"	/* movabs $imm64, %rax */
			     "2:\n\t"
			     ".byte 0x0f, 0x05\n\t"	/* syscall */
			     ".byte 0x90, 0x90, 0x90, 0x90, 0x90, 0x90\n\t"
			     : "=a" (ret) : : "rcx", "r11", "memory");
	}
	if (in_ring0()) {
		ASSERT_EQ(SIGILL, sig);
		check_handler_mode(_metadata);
	} else {
		ASSERT_EQ(0, sig);
		ASSERT_EQ(getpid(), ret);
	}
}

/*
 * INT n for a vector whose exception has an error code, hidden in a MOVABS
 * immediate as above and reached by a jump into the middle of it. At CPL3
 * the gate's DPL 0 makes it a #GP, hence SIGSEGV with si_code SI_KERNEL;
 * in ring 0 it would reach the handler with no error code, every frame
 * field a word off, and take the machine down (INT $8: the double-fault
 * handler). UKL turns it into that same #GP.
 */
#define HIDDEN_INT(n) ({						\
	asm volatile("leaq 2f(%%rip), %%rcx\n\t"			\
		     "jmp *%%rcx\n\t"					\
		     ".byte 0x48, 0xb8\n"	/* movabs $imm64, %%rax */	\
		     "2:\n\t"						\
		     ".byte 0xcd, " #n "\n\t"	/* int $n */		\
		     ".byte 0x90, 0x90, 0x90, 0x90, 0x90, 0x90\n\t"	\
		     : : : "rax", "rcx", "memory");			\
})

static void hidden_int(int vector)
{
	switch (vector) {
	case 8:
		HIDDEN_INT(8);
		break;
	case 10:
		HIDDEN_INT(10);
		break;
	case 11:
		HIDDEN_INT(11);
		break;
	case 12:
		HIDDEN_INT(12);
		break;
	case 13:
		HIDDEN_INT(13);
		break;
	case 14:
		HIDDEN_INT(14);
		break;
	case 17:
		HIDDEN_INT(17);
		break;
	}
}

TEST(int_n_to_exception_gates)
{
	static const int vectors[] = { 8, 10, 11, 12, 13, 14, 17 };
	unsigned int i;
	int sig;

	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		set_handler(SIGSEGV, 0);
		set_handler(SIGBUS, 0);
		set_handler(SIGILL, 0);
		fault_code = 0;
		sig = sigsetjmp(jump, 1);
		if (!sig)
			hidden_int(vectors[i]);
		EXPECT_EQ(SIGSEGV, sig) {
			TH_LOG("int $%d", vectors[i]);
		}
		EXPECT_EQ(SI_KERNEL, fault_code) {
			TH_LOG("int $%d", vectors[i]);
		}
		check_handler_mode(_metadata);
	}
}

/* Write one byte back to itself at @addr; return the signal it raised. */
static int rewrite_byte(unsigned long addr)
{
	int sig;

	set_handler(SIGSEGV, 0);
	sig = sigsetjmp(jump, 1);
	if (!sig)
		asm volatile("movb (%0), %%al\n\t"
			     "movb %%al, (%0)"
			     : : "r" (addr) : "rax", "memory");
	return sig;
}

/* The physical address of the kernel image's _text (/proc/iomem), or 0. */
static unsigned long kernel_code_phys(void)
{
	unsigned long start, end, found = 0;
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "Kernel code") &&
		    sscanf(line, " %lx-%lx", &start, &end) == 2) {
			found = start;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * The application's text and read-only data are template pages inside the
 * kernel image, mapped read-only into every application mm. No alias of
 * them may be writable: not the kernel image mapping, not the direct map.
 * The ring-0 application can try (it runs at CPL0); it gets SIGSEGV.
 */
TEST(template_read_only_in_every_alias)
{
	unsigned long tmpl = kernel_symbol("__ukl_tmpl_start", "DdBbRrTtAa");
	unsigned long text = kernel_symbol("_text", "Tt");
	unsigned long phys = kernel_code_phys();
	unsigned long direct_map = 0xffff888000000000UL;

	if (!in_ring0())
		SKIP(return, "only as the UKL application");
	ASSERT_NE(0UL, tmpl);
	ASSERT_NE(0UL, text);
	ASSERT_NE(0UL, phys);
	ASSERT_EQ(SIGSEGV, rewrite_byte(tmpl));
	ASSERT_EQ(SIGSEGV, rewrite_byte(tmpl + 4096));
	ASSERT_EQ(SIGSEGV, rewrite_byte(direct_map + phys + (tmpl - text)));
}

/*
 * Application code has no retpolines, return thunks or branch-history
 * clearing. While it runs at CPL0, no vulnerabilities file may claim a
 * mitigation that depends on those.
 */
TEST(vulnerabilities_stay_true)
{
	static const char * const files[] = { "spectre_v2", "retbleed",
		"spec_rstack_overflow", "indirect_target_selection" };
	static const char * const needs_code[] = { "Retpoline", "LFENCE",
		"SW loop", "Untrained return", "Safe RET", "Stuffing",
		"Aligned branch/return thunks" };
	char path[128], buf[512];
	unsigned int i, j;

	if (!in_ring0())
		SKIP(return, "only as the UKL application");
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		FILE *f;

		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/vulnerabilities/%s", files[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
		TH_LOG("%s: %s", files[i], buf);
		if (strncmp(buf, "Mitigation:", 11))
			continue;
		for (j = 0; j < ARRAY_SIZE(needs_code); j++)
			ASSERT_EQ(NULL, strstr(buf, needs_code[j]));
	}
}

/*
 * A debugger single-steps a child across system calls (stepi over the
 * call into the system call entry): every stop is in application code
 * (the user half, or the slot in ring 0), never in kernel text, and the
 * child's system calls still work.
 */
static unsigned long slot_base = 0xfffffe8000000000UL;

static bool application_ip(unsigned long ip)
{
	return ip < (1UL << 47) || (ip >= slot_base && ip < slot_base + (1UL << 39));
}

TEST(single_step_across_system_calls)
{
	unsigned long steps = 0, outside = 0, bad_ip = 0;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		pid_t parent = getppid();
		long i, ok = 1;

		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(3);
		raise(SIGSTOP);
		for (i = 0; i < 3; i++)
			ok &= syscall(SYS_getppid) == parent;
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSTOPPED(status));
	for (;;) {
		long ip;

		ASSERT_EQ(0, ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		if (!WIFSTOPPED(status))
			break;
		ASSERT_EQ(SIGTRAP, WSTOPSIG(status));
		errno = 0;
		ip = ptrace(PTRACE_PEEKUSER, pid,
			    (void *)offsetof(struct user_regs_struct, rip), NULL);
		ASSERT_EQ(0, errno);
		if (!application_ip(ip)) {
			outside++;
			bad_ip = ip;
		}
		ASSERT_GT(2000000UL, ++steps);
	}
	TH_LOG("%lu steps, %lu outside application code (last %#lx)",
	       steps, outside, bad_ip);
	ASSERT_EQ(0UL, outside);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/*
 * A debugger writes registers that no CPL0 return may use: RIP in kernel
 * text, or RIP in application code with RSP in the kernel half. The child
 * resumes and gets SIGSEGV there, as an ordinary process does; it never
 * runs kernel text, or anything on a kernel stack pointer, at CPL0.
 */
static int resume_with(unsigned long ip, unsigned long sp)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(3);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return -1;
	if (ip && ptrace(PTRACE_POKEUSER, pid,
			 (void *)offsetof(struct user_regs_struct, rip), (void *)ip))
		return -1;
	if (sp && ptrace(PTRACE_POKEUSER, pid,
			 (void *)offsetof(struct user_regs_struct, rsp), (void *)sp))
		return -1;
	/* The signal-delivery stop for the fault, then let it kill. */
	if (ptrace(PTRACE_CONT, pid, NULL, NULL) ||
	    waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return -1;
	if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)WSTOPSIG(status)) ||
	    waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

TEST(ptrace_rip_into_kernel_text)
{
	unsigned long text = kernel_symbol("__x64_sys_getpid", "Tt");

	if (!text)
		SKIP(return, "no __x64_sys_getpid in /proc/kallsyms");
	ASSERT_EQ(SIGSEGV, resume_with(text, 0));
}

TEST(ptrace_rsp_into_kernel_half)
{
	ASSERT_EQ(SIGSEGV, resume_with(0, 0xffff888000100000UL));
}

/*
 * The application's data and bss are anonymous memory of its process:
 * RSS (and so the OOM killer's view) includes them, whether they are
 * ordinary pages (hosted) or private slot pages (ring 0).
 */
static char big_bss[2 << 20];

static long rss_anon_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

TEST(bss_counts_in_rss)
{
	memset(big_bss, 1, sizeof(big_bss));
	ASSERT_LE((long)(sizeof(big_bss) >> 10), rss_anon_kb());
}

/* After all of that the application still works: fork, wait, exit. */
TEST(still_alive)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(7);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(7, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
