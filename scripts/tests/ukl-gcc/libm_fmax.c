// SPDX-License-Identifier: GPL-2.0
/* fmax/fmin with a quiet NaN operand: the hand-fixed assembly paths. */
#include <math.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	/* Run-time values: the compiler must not fold the calls away. */
	double one = argc, qnan = argc > 1000 ? 0.0 : NAN;
	float onef = argc, qnanf = argc > 1000 ? 0.0f : NAN;

	printf("fmax %g fmin %g fmaxf %g fminf %g\n", fmax(qnan, one),
	       fmin(one, qnan), (double)fmaxf(qnanf, onef),
	       (double)fminf(onef, qnanf));
	return fmax(2.0, one) == 2.0 && fmin(2.0, one) == 1.0 ? 0 : 1;
}
