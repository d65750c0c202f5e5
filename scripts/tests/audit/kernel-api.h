/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel functions a planted bad input calls directly. */
#ifndef _UKL_AUDIT_KERNEL_API_H
#define _UKL_AUDIT_KERNEL_API_H

void schedule(void);

#endif
