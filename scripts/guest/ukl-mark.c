// SPDX-License-Identifier: GPL-2.0
/*
 * ukl-mark: delimit one row of an application benchmark (scripts/ukl-app
 * bench) in the guest. "ukl-mark open" prints the guest's CLOCK_MONOTONIC
 * time in nanoseconds and then opens a window of the instruction-class
 * plugin (qemu-plugin/ukl_cycles.c, slot A); "ukl-mark close" closes the
 * window, ends the row (the plugin prints it) and prints the time again.
 * Under -icount shift=0 the guest clock is the instruction count, with
 * idle time added, so the two times give requests per guest second.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "open")) {
		printf("%llu\n", now_ns());
		fflush(stdout);
		asm volatile(".byte 0x66, 0x87, 0xdb" ::: "memory");	/* open slot A */
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "close")) {
		asm volatile(".byte 0x66, 0x87, 0xc9" ::: "memory");	/* close */
		asm volatile(".byte 0x66, 0x87, 0xd2" ::: "memory");	/* end row A */
		printf("%llu\n", now_ns());
		return 0;
	}
	fprintf(stderr, "usage: ukl-mark open|close\n");
	return 2;
}
