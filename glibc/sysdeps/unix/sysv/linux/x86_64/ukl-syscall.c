// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UKL system call entry pointer.
 *
 * A UKL application runs in ring 0 inside the Linux kernel image, where
 * the syscall instruction must never execute. Every system call site in
 * this libc instead does "call *__ukl_syscall_ptr(%rip)" (UKL_SYSCALL in
 * sysdep.h). The callee, ukl_syscall_entry, is provided by the kernel
 * (CONFIG_UKL) or, for hosted testing as an ordinary process, by the UKL
 * toolchain's hosted runtime. It takes and returns registers exactly as
 * the syscall instruction does. See Documentation/ukl/toolchain.rst.
 *
 * The pointer lives in libc's read-only data: the kernel entry is far
 * outside the +-2 GiB reach of a direct call from the application image,
 * and an absolute 64-bit pointer reaches it from any address.
 */

#include <sysdep.h>

extern void ukl_syscall_entry(void);

void *const __ukl_syscall_ptr attribute_hidden = ukl_syscall_entry;
