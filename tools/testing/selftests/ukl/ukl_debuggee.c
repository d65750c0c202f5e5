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
 * .rodata and writes a message in .data to /dev/null.
 */
#include <fcntl.h>
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

/* Busy work in application code, for the sampling profiler. */
__noipa unsigned long dbg_spin(unsigned long n)
{
	unsigned long i, v = 0;

	for (i = 0; i < n; i++)
		v = (v ^ (v >> 7)) * 3 + i;
	dbg_spins += v;
	return v;
}

int main(int argc, char **argv)
{
	const struct timespec ts = { 0, 20 * 1000 * 1000 };
	int n = 0, null = open("/dev/null", O_WRONLY);

	printf("debuggee %d ready\n", (int)getpid());
	fflush(stdout);
	for (;;) {
		n = dbg_tick(n);
		dbg_spin(500000);
		if (access(dbg_probe, F_OK) == 0 ||
		    write(null, dbg_message, strlen(dbg_message)) < 0)
			return 1;
		nanosleep(&ts, NULL);
	}
}
