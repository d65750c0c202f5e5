// SPDX-License-Identifier: GPL-2.0
/* UKL vDSO: getcpu(), the ordinary vDSO's code (it makes no system call). */
#include "../../entry/vdso/vgetcpu.c"
