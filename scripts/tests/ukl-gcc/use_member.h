/* SPDX-License-Identifier: GPL-2.0 */
/* The two functions of the ukl-gcc tests' archive (scripts/tests/audit). */
#ifndef USE_MEMBER_H
#define USE_MEMBER_H

int good_sum(int n);
int redzone_leaf(int n);

#endif
