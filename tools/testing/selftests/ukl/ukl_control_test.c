// SPDX-License-Identifier: GPL-2.0
/*
 * Who may control a UKL application: attaching to it, writing its memory
 * or its registers needs CAP_SYS_RAWIO, as starting it does, and a locked
 * down kernel does not start it (Documentation/ukl/ukl.rst, "Who may
 * control the application").
 *
 * The cases with a ring-0 process in them run when this program is the
 * UKL application (its forked children are ring-0 processes too) and skip
 * as an ordinary process; the others hold for both. Ordinary processes
 * are this program's normal build run in a helper mode:
 *
 *   --target FD                     write the address of a word on the
 *                                   stack to FD, then wait for signals
 *   --attack PID ADDR allow|deny    try to control PID (ADDR is on its
 *                                   stack); exit with the number of
 *                                   results other than expected
 *   --exec-ukl FD                   say so on FD, wait for a byte on it,
 *                                   exec the application; exit 0 if that
 *                                   failed with EPERM
 *
 * In a ring-0 run the normal build is /ukl/bin/ukl_control_test (make
 * check puts it there); as an ordinary process it is /proc/self/exe.
 * Unless told otherwise, everything runs as root with all capabilities.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "../kselftest_harness.h"
#include "ukl_app.h"

#define NOBODY		65534
#define MARKER		0x5ca1ab1e0ddba11UL
#define SCRIBBLE	0xdeadbeefcafef00dUL
#define KERNEL_CS	0x10ULL		/* the application's CS and SS */
#define KERNEL_DS	0x18ULL

/* Which one is the ordinary build of this program. */
static const char *helper_path(void)
{
	return in_ring0() ? "/ukl/bin/ukl_control_test" : "/proc/self/exe";
}

/* An unprivileged user that has made itself debuggable. */
static int become_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return -1;
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/* Never outlive the test that started us (must follow become_nobody()). */
static void die_with_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(9);
}

/* A process to be controlled: a word on its stack, then nothing. */
static void run_target(int fd)
{
	unsigned long marker = MARKER;
	unsigned long addr = (unsigned long)&marker;

	asm volatile("" : : "r" (addr) : "memory");
	if (write(fd, &addr, sizeof(addr)) != sizeof(addr))
		_exit(2);
	close(fd);
	for (;;)
		pause();
}

/*
 * Start a process to be controlled, as nobody unless @root: a forked copy
 * of this process (in ring 0 when it is the application), or an ordinary
 * process. *@addr is the address of a word on its stack.
 */
static pid_t start_target(bool ordinary, bool root, unsigned long *addr)
{
	pid_t pid, parent = getpid();
	char arg[16];
	int p[2];

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (!root && become_nobody())
			_exit(3);
		die_with_parent(parent);
		if (!ordinary)
			run_target(p[1]);
		snprintf(arg, sizeof(arg), "%d", p[1]);
		execl(helper_path(), "ukl_control_test", "--target", arg, NULL);
		_exit(127);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], addr, sizeof(*addr)) != sizeof(*addr)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

static void stop_target(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * start_target() as root, a forked copy of this process, attached by us
 * and stopped; its pid, or -1.
 */
static pid_t start_stopped_target(unsigned long *addr)
{
	pid_t pid = start_target(false, true, addr);
	int status;

	if (pid < 0)
		return -1;
	if (ptrace(PTRACE_ATTACH, pid, 0, 0) ||
	    waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status)) {
		stop_target(pid);
		return -1;
	}
	return pid;
}

/* Did one attempt to control a process come out as expected? */
static int expect(const char *what, long ret, bool allow)
{
	int err = errno;

	if (allow ? ret >= 0 : (ret < 0 && (err == EPERM || err == EACCES)))
		return 0;
	fprintf(stderr, "# %s: %s, expected %s\n", what,
		ret < 0 ? strerror(err) : "succeeded",
		allow ? "success" : "EPERM or EACCES");
	return 1;
}

/*
 * Every way of controlling @pid that ptrace access checks guard: attach,
 * seize, write its memory through /proc/pid/mem and process_vm_writev(),
 * read it with process_vm_readv(). Returns how many of them did not do
 * what @allow says they must.
 */
static int attack(pid_t pid, unsigned long addr, bool allow)
{
	unsigned long val = SCRIBBLE;
	struct iovec local = { &val, sizeof(val) };
	struct iovec remote = { (void *)addr, sizeof(val) };
	char path[64];
	int bad = 0, fd;
	long ret;

	ret = ptrace(PTRACE_ATTACH, pid, 0, 0);
	bad += expect("PTRACE_ATTACH", ret, allow);
	if (!ret) {
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	}

	ret = ptrace(PTRACE_SEIZE, pid, 0, 0);
	bad += expect("PTRACE_SEIZE", ret, allow);
	if (!ret) {
		ptrace(PTRACE_INTERRUPT, pid, 0, 0);
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	}

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		bad += expect("open(/proc/PID/mem, O_RDWR)", -1, allow);
	} else {
		ret = pwrite(fd, &val, sizeof(val), addr);
		if (ret >= 0 && ret != sizeof(val))
			ret = -1;
		bad += expect("pwrite(/proc/PID/mem)", ret, allow);
		close(fd);
	}

	ret = process_vm_writev(pid, &local, 1, &remote, 1, 0);
	bad += expect("process_vm_writev", ret, allow);
	ret = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	bad += expect("process_vm_readv", ret, allow);
	return bad;
}

/* Run attack() in an ordinary process (nobody, unless @root). */
static int ordinary_attack(pid_t target, unsigned long addr, bool allow,
			   bool root)
{
	char spid[16], saddr[32];
	int status;
	pid_t pid;

	snprintf(spid, sizeof(spid), "%d", target);
	snprintf(saddr, sizeof(saddr), "%#lx", addr);
	pid = fork();
	if (pid == 0) {
		if (!root && become_nobody())
			_exit(100);
		execl(helper_path(), "ukl_control_test", "--attack", spid,
		      saddr, allow ? "allow" : "deny", NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Take CAP_SYS_RAWIO out of every capability set of this process. */
static int drop_cap_sys_rawio(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	unsigned int bit = CAP_TO_MASK(CAP_SYS_RAWIO);
	int i = CAP_TO_INDEX(CAP_SYS_RAWIO);

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[i].effective &= ~bit;
	data[i].permitted &= ~bit;
	data[i].inheritable &= ~bit;
	return syscall(SYS_capset, &hdr, data);
}

/* ------------------------------------------------------------------------ */
/* Unprivileged users                                                       */
/* ------------------------------------------------------------------------ */

/*
 * The reference: an ordinary process of nobody controls another ordinary
 * process of nobody in every way attack() tries. (So what the next case
 * sees is not a limit of the attacker.)
 */
TEST(nobody_controls_ordinary_process)
{
	unsigned long addr;
	pid_t target;

	if (geteuid())
		SKIP(return, "needs root");
	target = start_target(true, false, &addr);
	ASSERT_LT(0, target);
	EXPECT_EQ(0, ordinary_attack(target, addr, true, false));
	stop_target(target);
}

/*
 * The application forks a child; both drop to nobody and the child makes
 * itself dumpable. An ordinary process of nobody must not be able to
 * attach to that ring-0 child, nor read or write its memory.
 */
TEST(nobody_cannot_control_ring0_process)
{
	unsigned long addr;
	pid_t target;

	if (!in_ring0())
		SKIP(return, "only as the UKL application");
	if (geteuid())
		SKIP(return, "needs root");
	target = start_target(false, false, &addr);
	ASSERT_LT(0, target);
	EXPECT_EQ(0, ordinary_attack(target, addr, false, false));
	stop_target(target);
}

/* ------------------------------------------------------------------------ */
/* A privileged debugger                                                    */
/* ------------------------------------------------------------------------ */

/*
 * A debugger (root) reads and writes the globals and the code of a stopped
 * child, a forked copy of this process (in ring 0 when this is the
 * application: then they are in the application slot), with PEEK/POKE and
 * through /proc/PID/mem: initialised data, a .bss page never touched, a
 * function; writes (a breakpoint into code included) are the child's
 * alone.
 */
#define __noipa	__attribute__((__noipa__))

static unsigned long dbg_data = 0x1122334455667788UL;
static unsigned long dbg_bss[1024];

static __noipa int dbg_func(int x)
{
	return x * 3 + 1;
}

TEST(debugger_reads_and_writes_globals)
{
	unsigned long data = (unsigned long)&dbg_data;
	unsigned long bss = (unsigned long)&dbg_bss[700];
	unsigned long text = (unsigned long)&dbg_func;
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
	unsigned long addr, code, v = 0;
	char path[64];
	int status, fd;
	pid_t pid;
	long word;

	if (geteuid())
		SKIP(return, "needs root");
	memcpy(&code, (void *)text, sizeof(code));
	pid = start_stopped_target(&addr);
	ASSERT_LT(0, pid);

	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, data, 0);
	EXPECT_EQ(0, errno);
	EXPECT_EQ(0x1122334455667788UL, (unsigned long)word);
	word = ptrace(PTRACE_PEEKDATA, pid, bss, 0);
	EXPECT_EQ(0, errno);
	EXPECT_EQ(0, word);
	word = ptrace(PTRACE_PEEKTEXT, pid, text, 0);
	EXPECT_EQ(0, errno);
	EXPECT_EQ(code, (unsigned long)word);

	EXPECT_EQ(0, ptrace(PTRACE_POKEDATA, pid, bss, 0xdeadUL));
	EXPECT_EQ(0, ptrace(PTRACE_POKEDATA, pid, data, 7UL));
	EXPECT_EQ(0xdeadUL, (unsigned long)ptrace(PTRACE_PEEKDATA, pid, bss, 0));
	EXPECT_EQ(7UL, (unsigned long)ptrace(PTRACE_PEEKDATA, pid, data, 0));
	/* A breakpoint, then the original code back. */
	EXPECT_EQ(0, ptrace(PTRACE_POKETEXT, pid, text, (code & ~0xffUL) | 0xcc));
	EXPECT_EQ((code & ~0xffUL) | 0xcc,
		  (unsigned long)ptrace(PTRACE_PEEKTEXT, pid, text, 0));
	EXPECT_EQ(0, ptrace(PTRACE_POKETEXT, pid, text, code));
	/* The vDSO (forked, so at the same address) starts with its ELF header. */
	if (vdso) {
		word = ptrace(PTRACE_PEEKDATA, pid, vdso, 0);
		EXPECT_EQ(0, errno);
		EXPECT_EQ(0, memcmp(&word, ELFMAG, SELFMAG));
	}

	/* /proc/PID/mem: lseek() takes the address as an unsigned offset. */
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ((off_t)data, lseek(fd, (off_t)data, SEEK_SET));
	EXPECT_EQ((ssize_t)sizeof(v), read(fd, &v, sizeof(v)));
	EXPECT_EQ(7UL, v);
	v = 9;
	EXPECT_EQ((off_t)bss, lseek(fd, (off_t)bss, SEEK_SET));
	EXPECT_EQ((ssize_t)sizeof(v), write(fd, &v, sizeof(v)));
	/* pread() and pwrite() at the address, which is how gdb uses it. */
	v = 0;
	EXPECT_EQ((ssize_t)sizeof(v), pread(fd, &v, sizeof(v), (off_t)bss));
	EXPECT_EQ(9UL, v);
	v = 0;
	EXPECT_EQ((ssize_t)sizeof(v), pread(fd, &v, sizeof(v), (off_t)data));
	EXPECT_EQ(7UL, v);
	v = 10;
	EXPECT_EQ((ssize_t)sizeof(v), pwrite(fd, &v, sizeof(v), (off_t)bss));
	close(fd);
	EXPECT_EQ(10UL, (unsigned long)ptrace(PTRACE_PEEKDATA, pid, bss, 0));

	/* None of it is ours. */
	EXPECT_EQ(0x1122334455667788UL, dbg_data);
	EXPECT_EQ(0, dbg_bss[700]);
	EXPECT_EQ(0, memcmp(&code, (void *)text, sizeof(code)));
	EXPECT_EQ(4, dbg_func(1));

	ASSERT_EQ(0, ptrace(PTRACE_DETACH, pid, 0, 0));
	ASSERT_EQ(0, kill(pid, SIGTERM));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
}

/*
 * Root with CAP_SYS_RAWIO debugs a child (in ring 0 as the application):
 * it reads the child's stack, and writes back the registers it read, as a
 * whole and one by one, and a change of RAX alone is applied completely.
 * For a ring-0 child, a register set with one invalid value is refused
 * without anything of it applied.
 */
TEST(debugger_reads_and_writes_registers)
{
	struct user_regs_struct orig, regs, now;
	struct iovec iov = { &orig, sizeof(orig) };
	unsigned long addr;
	bool ring0 = in_ring0();
	int status;
	pid_t pid;
	long word;

	if (geteuid())
		SKIP(return, "needs root");
	pid = start_stopped_target(&addr);
	ASSERT_LT(0, pid);

	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, addr, 0);
	ASSERT_EQ(0, errno);
	EXPECT_EQ(MARKER, (unsigned long)word);

	ASSERT_EQ(0, ptrace(PTRACE_GETREGS, pid, 0, &orig));
	if (ring0) {
		EXPECT_EQ(KERNEL_CS, orig.cs);
		EXPECT_EQ(KERNEL_DS, orig.ss);
	} else {
		EXPECT_EQ(3ULL, orig.cs & 3);
	}
	EXPECT_EQ(0, ptrace(PTRACE_SETREGS, pid, 0, &orig));
	EXPECT_EQ(0, ptrace(PTRACE_SETREGSET, pid, NT_PRSTATUS, &iov));
	EXPECT_EQ(0, ptrace(PTRACE_POKEUSER, pid,
			    offsetof(struct user_regs_struct, cs), orig.cs));
	EXPECT_EQ(0, ptrace(PTRACE_POKEUSER, pid,
			    offsetof(struct user_regs_struct, ss), orig.ss));
	ASSERT_EQ(0, ptrace(PTRACE_GETREGS, pid, 0, &now));
	EXPECT_EQ(0, memcmp(&orig, &now, sizeof(now)));

	regs = orig;
	regs.rax = orig.rax ^ 0x5a5a5a5a5a5aULL;
	EXPECT_EQ(0, ptrace(PTRACE_SETREGS, pid, 0, &regs));
	ASSERT_EQ(0, ptrace(PTRACE_GETREGS, pid, 0, &now));
	EXPECT_EQ(0, memcmp(&regs, &now, sizeof(now)));
	ASSERT_EQ(0, ptrace(PTRACE_SETREGS, pid, 0, &orig));

	if (ring0) {
		/* RAX comes before FS_BASE, which is refused. */
		regs.fs_base = 0xffff888000000000ULL;
		errno = 0;
		EXPECT_EQ(-1, ptrace(PTRACE_SETREGS, pid, 0, &regs));
		EXPECT_EQ(EIO, errno);
		ASSERT_EQ(0, ptrace(PTRACE_GETREGS, pid, 0, &now));
		EXPECT_EQ(0, memcmp(&orig, &now, sizeof(now)));
	}

	/* The child carries on as it was. */
	ASSERT_EQ(0, ptrace(PTRACE_SETREGS, pid, 0, &orig));
	ASSERT_EQ(0, ptrace(PTRACE_DETACH, pid, 0, 0));
	ASSERT_EQ(0, kill(pid, SIGTERM));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(SIGTERM, WTERMSIG(status));
}

/*
 * Root without CAP_SYS_RAWIO (but with CAP_SYS_PTRACE) still controls an
 * ordinary process of nobody, but not a ring-0 one.
 */
TEST(control_needs_cap_sys_rawio)
{
	unsigned long addr, raddr;
	pid_t target, rtarget = 0;

	if (geteuid())
		SKIP(return, "needs root");
	target = start_target(true, false, &addr);
	ASSERT_LT(0, target);
	if (in_ring0()) {
		rtarget = start_target(false, false, &raddr);
		ASSERT_LT(0, rtarget);
	}
	ASSERT_EQ(0, drop_cap_sys_rawio());
	EXPECT_EQ(0, attack(target, addr, true));
	if (rtarget) {
		EXPECT_EQ(0, attack(rtarget, raddr, false));
		stop_target(rtarget);
	}
	stop_target(target);
}

/*
 * A task that is traced when it execs the application keeps its tracer:
 * the exec fails with EPERM unless the tracer has CAP_SYS_RAWIO.
 */
static int traced_exec(bool tracer_rawio)
{
	int sv[2], status;
	char arg[16], c;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		snprintf(arg, sizeof(arg), "%d", sv[1]);
		execl(helper_path(), "ukl_control_test", "--exec-ukl", arg,
		      NULL);
		_exit(127);
	}
	close(sv[1]);
	/* An ordinary process by now, traced from here on. */
	if (pid < 0 || read(sv[0], &c, 1) != 1)
		return -1;
	if (!tracer_rawio && drop_cap_sys_rawio())
		return -1;
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) || write(sv[0], "x", 1) != 1)
		return -1;
	for (;;) {
		if (waitpid(pid, &status, __WALL) != pid)
			return -1;
		if (!WIFSTOPPED(status))
			break;
		ptrace(PTRACE_CONT, pid, 0,
		       WSTOPSIG(status) == SIGTRAP ? 0 : WSTOPSIG(status));
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(traced_exec_needs_tracer_with_cap_sys_rawio)
{
	if (!in_ring0())
		SKIP(return, "only as the UKL application");
	if (geteuid())
		SKIP(return, "needs root");
	/* The application started, traced: UKL_TEST=fresh exits with 100. */
	EXPECT_EQ(100, traced_exec(true));
	/* Its exec failed with EPERM. */
	EXPECT_EQ(0, traced_exec(false));
}

/* ------------------------------------------------------------------------ */
/* Lockdown                                                                 */
/* ------------------------------------------------------------------------ */

static bool locked_down(void)
{
	char buf[4096] = "";
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	return strstr(buf, "lockdown=integrity") ||
	       strstr(buf, "lockdown=confidentiality");
}

/*
 * A kernel booted with lockdown=integrity refuses to start the
 * application, with EPERM, and says why in the kernel log.
 */
TEST(lockdown_refuses_start)
{
	static const char reason[] =
		"running the UKL application in ring 0 is restricted";
	char *const argv[] = { "UKL", NULL };
	char *const envp[] = { "UKL_TEST=fresh", NULL };
	int status, len;
	char *log;
	pid_t pid;

	if (!locked_down())
		SKIP(return, "only with lockdown= on the kernel command line");
	if (geteuid())
		SKIP(return, "needs root");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execve("/UKL", argv, envp);
		_exit(errno == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	len = klogctl(10, NULL, 0);		/* SYSLOG_ACTION_SIZE_BUFFER */
	ASSERT_LT(0, len);
	log = calloc(1, len + 1);
	ASSERT_NE(NULL, log);
	len = klogctl(3, log, len);		/* SYSLOG_ACTION_READ_ALL */
	ASSERT_LT(0, len);
	EXPECT_NE(NULL, strstr(log, reason)) {
		TH_LOG("no \"%s\" in the kernel log", reason);
	}
	free(log);
}

/* ------------------------------------------------------------------------ */
/* Helper modes                                                             */
/* ------------------------------------------------------------------------ */

static int exec_ukl(int fd)
{
	char *const argv[] = { "UKL", NULL };
	char *const envp[] = { "UKL_TEST=fresh", NULL };
	char c;

	if (write(fd, "r", 1) != 1 || read(fd, &c, 1) != 1)
		return 3;
	execve("/UKL", argv, envp);
	return errno == EPERM ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode = getenv("UKL_EXPECT_MODE");

	if (argc == 3 && !strcmp(argv[1], "--target")) {
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		run_target(atoi(argv[2]));
	}
	if (argc == 5 && !strcmp(argv[1], "--attack"))
		return attack(atoi(argv[2]), strtoul(argv[3], NULL, 0),
			      !strcmp(argv[4], "allow"));
	if (argc == 3 && !strcmp(argv[1], "--exec-ukl"))
		return exec_ukl(atoi(argv[2]));
	/* Its ring-0 cases would all skip: say so instead. */
	if (mode && !strcmp(mode, "ring0") && !in_ring0()) {
		ksft_print_msg("UKL_EXPECT_MODE=ring0, but not running in ring 0\n");
		return KSFT_FAIL;
	}
	return test_harness_run(argc, argv);
}
