// SPDX-License-Identifier: GPL-2.0
/* Planted bad input: a direct call to a kernel function. */
int printk(const char *fmt, ...);

int kernel_call(void)
{
	return printk("hello\n");
}
