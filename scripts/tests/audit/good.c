// SPDX-License-Identifier: GPL-2.0
/* Control input: ordinary code built the UKL way has no findings. */
static int table[64];

int good_sum(int n)
{
	int buf[16];
	int i, sum = 0;

	for (i = 0; i < 16; i++)
		buf[i] = n + i + table[i];
	asm("" : : "r"(buf) : "memory");
	for (i = 0; i < 16; i++)
		sum += buf[i];
	return sum;
}
