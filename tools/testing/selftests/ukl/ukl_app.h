/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test programs linked into the one UKL application (ukl_app_main.c):
 * each program's main(), renamed when it is built for that; and what the
 * programs share.
 */
#ifndef UKL_SELFTESTS_APP_H
#define UKL_SELFTESTS_APP_H

#include <stdbool.h>

/* Running as the UKL application, at CPL0 (else an ordinary process). */
static inline bool in_ring0(void)
{
	unsigned short cs;

	asm volatile("mov %%cs, %0" : "=r" (cs));
	return (cs & 3) == 0;
}

int ukl_basic_main(int argc, char **argv);
int ukl_proc_main(int argc, char **argv);
int ukl_errno_main(int argc, char **argv);
int ukl_control_main(int argc, char **argv);
int ukl_fresh_main(int argc, char **argv);
int ukl_fault_main(int argc, char **argv);
int ukl_stress_main(int argc, char **argv);
int ukl_socket_main(int argc, char **argv);
int ukl_memory_main(int argc, char **argv);
int ukl_module_main(int argc, char **argv);
int ukl_debuggee_main(int argc, char **argv);

#endif
