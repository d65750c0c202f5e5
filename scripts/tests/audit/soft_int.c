// SPDX-License-Identifier: GPL-2.0
/*
 * Planted bad input for ukl-audit: INT n other than INT3. At CPL0 it
 * reaches any gate of the IDT, here the double-fault handler, which
 * expects an error code the CPU pushes and INT does not.
 */
void soft_int_df(void)
{
	asm volatile("int $0x8");
}

/* Allowed: a breakpoint, as in an ordinary process. */
void soft_int_bp(void)
{
	asm volatile("int3");
}
