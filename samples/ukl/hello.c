// SPDX-License-Identifier: GPL-2.0
/*
 * The default UKL application: say where we run and exit.
 *
 * Built as an ordinary static program it runs at CPL3 on the stock
 * kernel; linked into a CONFIG_UKL kernel it runs at CPL0. It prints the
 * privilege level it finds itself at, which kernel it runs on, and the
 * arguments it was given, then exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

static unsigned int current_cpl(void)
{
	unsigned short cs;

	asm volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

int main(int argc, char **argv)
{
	struct utsname u;
	int i;

	if (uname(&u)) {
		perror("uname");
		return 1;
	}
	printf("Hello from %s (pid %d) on %s %s, running at CPL%u\n",
	       argv[0], (int)getpid(), u.sysname, u.release, current_cpl());
	for (i = 1; i < argc; i++)
		printf("  argv[%d] = %s\n", i, argv[i]);
	return 0;
}
