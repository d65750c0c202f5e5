// SPDX-License-Identifier: GPL-2.0
/* UKL vDSO: the image generator of the ordinary vDSO, built here too. */
#include "../../entry/vdso/vdso2c.c"
