// SPDX-License-Identifier: GPL-2.0
/* Planted bad input: a raw system call instruction in application code. */
long raw_getpid(void)
{
	long ret;

	asm volatile("syscall" : "=a"(ret) : "0"(39L) : "rcx", "r11", "memory");
	return ret;
}
