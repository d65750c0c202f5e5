// SPDX-License-Identifier: GPL-2.0
/*
 * A deliberately broken selftest: the runner's own test input.
 *
 * "make check" boots this in the guest and expects the run to be judged
 * a failure that names the case "deliberately_broken". If the runner ever
 * reports this program as passing, the runner itself is broken.
 */
#include <stdlib.h>
#include "kselftest.h"	/* from the base tree, see scripts/ukl-selftests */

static int add(int a, int b)
{
	return a + b;
}

int main(int argc, char **argv)
{
	/* Computed at run time so that no compiler can fold the result. */
	int two = argc + 1;

	(void)argv;
	ksft_print_header();
	ksft_set_plan(2);
	ksft_test_result(add(two, two) == 4, "arithmetic_works\n");
	ksft_test_result(add(two, two) == 5, "deliberately_broken\n");
	ksft_finished();
}
