/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Placeholder for the UKL system call entry, so that the application
 * image links (step S1 of Documentation/ukl/base-model-plan.rst). Nothing
 * can reach it yet: applications are started by the exec support of step
 * S4, and step S3 replaces this with the real entry.
 */
#include <linux/linkage.h>

SYM_FUNC_START(ukl_syscall_entry)
	ud2
SYM_FUNC_END(ukl_syscall_entry)
