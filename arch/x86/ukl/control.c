// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): who may start and control the application.
 *
 * The application runs at CPL0, with the whole machine at hand. Starting
 * it needs CAP_SYS_RAWIO in the initial user namespace, the privilege of
 * ioperm() and iopl(), and is refused under kernel lockdown.
 *
 * See "Who may control the application" in Documentation/ukl/ukl.rst.
 */
#include <linux/capability.h>
#include <linux/security.h>

#include "ukl.h"

/* Exec of the trigger path, before anything else happens (exec.c). */
int ukl_may_start(void)
{
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	return security_locked_down(LOCKDOWN_UKL);
}
