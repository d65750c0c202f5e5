// SPDX-License-Identifier: GPL-2.0
/* Planted bad input: non-PIE code taking an absolute 32-bit address. */
static int counter;

int *abs32_address(void)
{
	return &counter;
}
