// SPDX-License-Identifier: GPL-2.0
/* Planted bad input: a leaf function whose locals live in the red zone. */
int redzone_leaf(int n)
{
	int buf[16];
	int i, sum = 0;

	for (i = 0; i < 16; i++)
		buf[i] = n + i;
	/* Keep buf in memory: the compiler must not fold it away. */
	asm("" : : "r"(buf) : "memory");
	for (i = 0; i < 16; i++)
		sum += buf[i];
	return sum;
}
