/* SPDX-License-Identifier: GPL-2.0 */
/* UKL vDSO: the ordinary 64-bit vDSO's layout and symbol versions. */
#include "../../entry/vdso/vdso.lds.S"
