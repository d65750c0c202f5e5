// SPDX-License-Identifier: GPL-2.0
/*
 * A program for debugging tools to work on (scripts/guest/ukl-tools):
 * gdb attaches to it, breaks in its functions, steps, reads and watches
 * its globals and unwinds through libc; strace decodes its system calls;
 * perf samples it. It runs as an ordinary process and, as UKL_TEST=debuggee
 * of the UKL application, in ring 0, where the same session must give the
 * same answers.
 *
 * Its first line says it is ready; then it ticks until killed: every tick
 * sorts an array through a comparison function that qsort() (libc) calls,
 * counts in a global, spins a while, asks access() about a path in
 * .rodata and writes a message in .data to /dev/null; SIGUSR1 makes it
 * skip the sleep between ticks for a while.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define __noipa	__attribute__((__noipa__))

static const char dbg_probe[] = "/ukl/ring-zero-probe";	/* .rodata */
char dbg_message[] = "ring zero\n";	/* .data */
int dbg_values[8] = { 8, 3, 5, 1, 7, 2, 6, 4 };	/* .data */
int dbg_ticks;	/* .bss, the watched global */
unsigned long dbg_spins;

__noipa int dbg_compare(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

__noipa int dbg_tick(int n)
{
	int next = n + 1;

	qsort(dbg_values, 8, sizeof(int), dbg_compare);
	dbg_values[next % 8] = 100 - next % 100;
	dbg_ticks = next;
	return next;
}

__noipa void dbg_account(unsigned long v)
{
	dbg_spins += v;
}

/*
 * Busy work in application code, for the sampling profiler. It calls a
 * function, so that it has a frame of its own (gcc gives a leaf none,
 * even with -fno-omit-frame-pointer) and perf's frame-pointer walk
 * finds main above it.
 */
__noipa unsigned long dbg_spin(unsigned long n)
{
	unsigned long i, v = 0;

	for (i = 0; i < n; i++)
		v = (v ^ (v >> 7)) * 3 + i;
	dbg_account(v);
	return v;
}

/*
 * SIGUSR1: spin without sleeping for the next four seconds, so that a
 * sampling profiler finds the program busy even where its timer is as
 * coarse as the scheduler tick (a guest whose TSC could not be
 * calibrated falls back to jiffies and low-resolution timers).
 */
static int dbg_busy;

static void dbg_busy_handler(int sig)
{
	__atomic_store_n(&dbg_busy, 1, __ATOMIC_RELAXED);
}

static long dbg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	const struct timespec ts = { 0, 20 * 1000 * 1000 };
	int n = 0, null = open("/dev/null", O_WRONLY);
	long busy_until = 0;

	signal(SIGUSR1, dbg_busy_handler);
	printf("debuggee %d ready\n", (int)getpid());
	fflush(stdout);
	for (;;) {
		n = dbg_tick(n);
		dbg_spin(500000);
		if (access(dbg_probe, F_OK) == 0 ||
		    write(null, dbg_message, strlen(dbg_message)) < 0)
			return 1;
		if (__atomic_exchange_n(&dbg_busy, 0, __ATOMIC_RELAXED))
			busy_until = dbg_now_ms() + 4000;
		if (dbg_now_ms() >= busy_until)
			nanosleep(&ts, NULL);
	}
}
