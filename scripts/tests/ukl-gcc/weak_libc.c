// SPDX-License-Identifier: GPL-2.0
/*
 * A weak reference to a function the UKL libc.a defines (OpenSSL does
 * this with getentropy): nothing pulls the archive member in, so the
 * symbol would stay undefined at address 0, out of reach of the kernel
 * half. ukl-gcc links the function in instead, and it must work.
 */
#include <stddef.h>
#include <stdio.h>

#include <unistd.h>

#pragma weak getentropy

int main(void)
{
	unsigned char b[16];

	if (!getentropy)
		return 2;
	printf("getentropy present %d\n", getentropy(b, sizeof(b)));
	return 0;
}
