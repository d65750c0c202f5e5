// SPDX-License-Identifier: GPL-2.0
/* Planted bad input: a direct call to a kernel function. */
#include "kernel-api.h"

void kernel_call(void)
{
	schedule();
}
