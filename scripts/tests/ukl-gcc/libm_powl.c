// SPDX-License-Identifier: GPL-2.0
/* Uses powl(), whose x87 assembly still uses the red zone: refused. */
#include <math.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("%Lf\n", powl((long double)argc + 0.5L, (long double)argc / 3));
	return 0;
}
