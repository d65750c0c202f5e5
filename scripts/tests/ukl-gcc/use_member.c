// SPDX-License-Identifier: GPL-2.0
/*
 * Calls one function of a test archive: good_sum (built without the red
 * zone), or with -DUSE_BAD also redzone_leaf (built with it). The audit
 * must judge the archive members that are linked, and only those.
 */
#include <stdio.h>

#include "use_member.h"

int main(void)
{
	int v = good_sum(1);

#ifdef USE_BAD
	v += redzone_leaf(1);
#endif
	printf("member sum %d\n", v);
	return 0;
}
