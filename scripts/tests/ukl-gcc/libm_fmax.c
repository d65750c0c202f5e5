// SPDX-License-Identifier: GPL-2.0
/* Uses fmax(), whose x86-64 assembly still uses the red zone: refused. */
#include <math.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("%f\n", fmax((double)argc, 1.5));
	return 0;
}
