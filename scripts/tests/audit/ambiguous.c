// SPDX-License-Identifier: GPL-2.0
/*
 * Operands below %rsp that gcc emits without the red zone too: a lea that
 * only computes an address, and an indexed store whose displacement is a
 * stack array's offset with the index folded in (the address is at or
 * above %rsp whenever the index is). ukl-audit must accept them in code
 * that records -mno-red-zone, and report them in code that does not say
 * how it was built, where they may be red-zone accesses.
 */
unsigned long ambiguous_lea(void)
{
	unsigned long v;

	asm volatile("lea -0x1(%%rsp), %0" : "=r" (v));
	return v;
}

void ambiguous_indexed(unsigned long i, unsigned short x)
{
	asm volatile("movw %w1, -0x2(%%rsp,%0,1)" : : "r" (i), "r" (x) : "memory");
}
