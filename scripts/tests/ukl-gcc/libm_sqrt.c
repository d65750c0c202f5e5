// SPDX-License-Identifier: GPL-2.0
/* libm from the UKL sysroot: results computed at run time. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	double x = 2.0 + (argc - 1);
	double r = sqrt(x) * sqrt(x);

	printf("sqrt ok: %.6f\n", r);
	return fabs(r - x) < 16 * DBL_EPSILON && fabs(sin(0.0)) < DBL_EPSILON ? 0 : 1;
}
