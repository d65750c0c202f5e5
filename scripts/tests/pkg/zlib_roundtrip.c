// SPDX-License-Identifier: GPL-2.0
/*
 * zlib from the UKL sysroot: compress a buffer that is part text, part
 * noise, uncompress it, and compare; check crc32() against the standard
 * check value of "123456789".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define LEN 100000

int main(void)
{
	static unsigned char in[LEN], out[LEN];
	static unsigned char packed[LEN + LEN / 100 + 64];
	uLongf plen = sizeof(packed), olen = sizeof(out);
	unsigned int seed = 12345;
	uLong crc;
	int i, rc;

	for (i = 0; i < LEN; i++) {
		if ((i / 4096) % 2) {
			seed = seed * 1103515245u + 12345u;
			in[i] = seed >> 24;
		} else {
			in[i] = "ring zero "[i % 10];
		}
	}
	rc = compress2(packed, &plen, in, LEN, 9);
	if (rc != Z_OK) {
		printf("compress2 failed: %d\n", rc);
		return 1;
	}
	rc = uncompress(out, &olen, packed, plen);
	if (rc != Z_OK || olen != LEN || memcmp(in, out, LEN)) {
		printf("uncompress failed: rc %d, %lu bytes, %s\n", rc,
		       (unsigned long)olen, memcmp(in, out, LEN) ? "differ" : "same");
		return 1;
	}
	if (plen >= LEN * 3 / 4) {
		printf("did not compress: %d -> %lu bytes\n", LEN, (unsigned long)plen);
		return 1;
	}
	crc = crc32(0L, (const Bytef *)"123456789", 9);
	if (crc != 0xcbf43926UL) {
		printf("crc32 is %08lx, not cbf43926\n", crc);
		return 1;
	}
	printf("zlib %s ok: %d -> %lu -> %lu bytes, crc32 %08lx\n", zlibVersion(),
	       LEN, (unsigned long)plen, (unsigned long)olen, crc);
	return 0;
}
