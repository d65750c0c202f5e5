// SPDX-License-Identifier: GPL-2.0
/*
 * Planted bad input: a stack-protector canary read from %gs:40, as
 * -mcmodel=kernel code gets it. In a UKL application %gs is the kernel's
 * per-CPU base.
 */
void fill(char *p, int n)
{
	while (n-- > 0)
		p[n] = (char)n;
}

int gs_canary_user(int n)
{
	char buf[64];

	fill(buf, n & 63);
	return buf[n & 31];
}
