// SPDX-License-Identifier: GPL-2.0
/*
 * UKL vDSO: clock_gettime(), gettimeofday(), time() and clock_getres(),
 * the ordinary vDSO's code, with system call fallbacks that call the
 * application's trampoline: SYSCALL raises #UD at CPL0 (EFER.SCE is clear
 * while an application mm is loaded). The call follows the SYSCALL
 * register convention, and the vDSO is built without a red zone.
 */
#define VDSO_SYSCALL	"call *__ukl_vdso_entry(%%rip)"

#include "../../entry/vdso/vclock_gettime.c"
