// SPDX-License-Identifier: GPL-2.0
/*
 * The x87 long double functions whose assembly UKL patched to keep its
 * scratch data at or above %rsp: print every result, the exception flags
 * it raised and the rounding mode it left, for a table of inputs under
 * each rounding mode. The output of a host gcc build and of a ukl-gcc
 * build must be identical.
 */
#define _GNU_SOURCE	/* exp10l */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Negative powers of two are written 1 / 2^n, and the smallest subnormal
 * is LDBL_TRUE_MIN: all exact.
 */
static long double in[] = {
	0.0L, -0.0L, 0.5L, -0.5L, 1.0L, -1.0L, 1.5L, -1.5L, 2.5L, -2.5L,
	3.0L, -7.25L, 0.5L - LDBL_EPSILON / 4, 0.00001L, -1 / 1e20L, 100.0L,
	-100.0L, 64.5L, -64.5L, 200.0L, 4932.0L, -4950.0L, 11356.0L,
	11357.0L, -11355.0L, -11400.0L, 20000.0L, -20000.0L,
	0x1p62L + 0.5L, -0x1p63L, 0x1.2p63L, 0x1p70L, -0x1.8p80L,
	LDBL_MIN, LDBL_TRUE_MIN, -42 * LDBL_TRUE_MIN, LDBL_MAX, -LDBL_MAX,
	INFINITY, -INFINITY, NAN, -NAN, __builtin_nansl(""),
};

/* Pairs for powl: every branch of its assembly. */
static long double pw[][2] = {
	{ 2, 10 }, { 2, -10 }, { -2, 3 }, { -2, 0.5L }, { 1.5L, -3 },
	{ -3, 2 }, { 10, -1 }, { -0.5L, 3 }, { 0.5L, 2.5L }, { 3, 1.5L },
	{ -8, 1.0L / 3 }, { 10, 4931 }, { 2, 16384 }, { 2, -16446 },
	{ -1.5L, 0x1p62L + 1 }, { -1.5L, -(0x1p62L + 1) }, { 2, 1e30L },
	{ 0.5L, -1e30L }, { 1.0000001L, 1 / 0x1p80L }, { 5, -1 / 0x1p90L },
	{ -0.0L, -3 }, { 0.0L, -3 }, { -0.0L, 3 }, { -0.0L, 4 },
	{ -0.0L, -0.5L }, { -0.0L, 0x1p63L + 1 }, { -0.0L, -(0x1p63L + 1) },
	{ -0.0L, 0x1p64L }, { 0.0L, 0x1p64L }, { -0.0L, -0x1p65L },
	{ -INFINITY, 3 }, { -INFINITY, 2 }, { -INFINITY, -3 },
	{ -INFINITY, 0x1p63L + 1 }, { -INFINITY, -(0x1p63L + 1) },
	{ -INFINITY, 0x1p65L }, { -INFINITY, 0.5L }, { INFINITY, -1 },
	{ INFINITY, 2 }, { 0.5L, INFINITY }, { 0.5L, -INFINITY },
	{ 2, INFINITY }, { -1, INFINITY }, { -1, -INFINITY },
	{ 1, NAN }, { NAN, 0 }, { NAN, -0.0L }, { NAN, 2 }, { 2, NAN },
	{ -1, 0 }, { LDBL_MAX, 0.5L }, { LDBL_TRUE_MIN, 0.5L },
	{ LDBL_TRUE_MIN, -1 }, { LDBL_MIN, 2 },
	{ 1, __builtin_nansl("") }, { __builtin_nansl(""), 0 },
};

static const struct {
	int mode;
	const char *name;
} modes[] = {
	{ FE_TONEAREST, "nearest" }, { FE_DOWNWARD, "down" },
	{ FE_UPWARD, "up" }, { FE_TOWARDZERO, "zero" },
};

/* The compiler must not fold any call at build time. */
static long double opaque(long double x)
{
	asm("" : "+m"(x));
	return x;
}

/* The flags raised since the last call, and whether the mode survived. */
static void flags(int mode)
{
	int e = fetestexcept(FE_ALL_EXCEPT);

	printf(" [%s%s%s%s%s]%s\n", e & FE_INVALID ? "i" : "",
	       e & FE_DIVBYZERO ? "z" : "", e & FE_OVERFLOW ? "o" : "",
	       e & FE_UNDERFLOW ? "u" : "", e & FE_INEXACT ? "x" : "",
	       fegetround() == mode ? "" : " ROUNDING MODE CHANGED");
	feclearexcept(FE_ALL_EXCEPT);
}

static void one(const char *name, long double (*fn)(long double),
		long double x, int mode)
{
	long double r = fn(x);

	printf("%s(%La) = %La %.21Lg", name, x, r, r);
	flags(mode);
}

int main(void)
{
	unsigned int m, i;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		int mode = modes[m].mode;

		printf("== rounding mode %s\n", modes[m].name);
		fesetround(mode);
		feclearexcept(FE_ALL_EXCEPT);
		for (i = 0; i < ARRAY_SIZE(in); i++) {
			long double x = opaque(in[i]);

			one("ceill", ceill, x, mode);
			one("floorl", floorl, x, mode);
			one("truncl", truncl, x, mode);
			one("nearbyintl", nearbyintl, x, mode);
			one("expl", expl, x, mode);
			one("exp10l", exp10l, x, mode);
			one("expm1l", expm1l, x, mode);
			printf("llrintl(%La) = %lld", x, llrintl(x));
			flags(mode);
			printf("lrintl(%La) = %ld", x, lrintl(x));
			flags(mode);
			printf("ilogbl(%La) = %d", x, ilogbl(x));
			flags(mode);
		}
		for (i = 0; i < ARRAY_SIZE(pw); i++) {
			long double x = opaque(pw[i][0]), y = opaque(pw[i][1]);
			long double r = powl(x, y);

			printf("powl(%La, %La) = %La %.21Lg", x, y, r, r);
			flags(mode);
		}
	}
	return 0;
}
