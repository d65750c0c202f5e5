// SPDX-License-Identifier: GPL-2.0
/*
 * A UKL kernel links exactly one application, so the UKL build of the
 * selftests links every test program into one: each program's main() is
 * renamed (-Dmain=ukl_<name>_main) and UKL_TEST picks the one to run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ukl_app.h"

int main(int argc, char **argv)
{
	const char *test = getenv("UKL_TEST");

	if (!test || !strcmp(test, "basic"))
		return ukl_basic_main(argc, argv);
	if (!strcmp(test, "proc"))
		return ukl_proc_main(argc, argv);
	if (!strcmp(test, "errno"))
		return ukl_errno_main(argc, argv);
	if (!strcmp(test, "control"))
		return ukl_control_main(argc, argv);
	if (!strcmp(test, "fresh"))
		return ukl_fresh_main(argc, argv);
	if (!strcmp(test, "fault"))
		return ukl_fault_main(argc, argv);
	if (!strcmp(test, "stress"))
		return ukl_stress_main(argc, argv);
	if (!strcmp(test, "socket"))
		return ukl_socket_main(argc, argv);
	if (!strcmp(test, "memory"))
		return ukl_memory_main(argc, argv);
	if (!strcmp(test, "module"))
		return ukl_module_main(argc, argv);
	if (!strcmp(test, "debuggee"))
		return ukl_debuggee_main(argc, argv);
	if (!strcmp(test, "layout")) {
		/* Where this start's stack, mmap area and heap are. */
		void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		printf("%p %p %p\n", (void *)&test, m, sbrk(0));
		return m == MAP_FAILED;
	}
	if (!strcmp(test, "segv")) {
		/* Die of SIGSEGV with no handler: the runner must see it. */
		int *p = NULL;

		asm("" : "+r" (p));
		*p = 1;
	}
	if (!strcmp(test, "double-fault")) {
		/*
		 * Point the stack into an unmapped kernel hole and trap: the
		 * #UD cannot be delivered, nor the #PF for that, and the CPU
		 * raises #DF. That is not the application's stack growing, so
		 * the kernel must report it as its own double fault.
		 */
		asm volatile("mov %0, %%rsp\n\tud2" : : "r" (0xffffc88000001000UL));
	}
	fprintf(stderr, "UKL_TEST=%s: no such test program (%s)\n", test,
		"basic, proc, errno, fault, control, stress, socket, memory, debuggee, fresh, layout, segv");
	return 2;
}
