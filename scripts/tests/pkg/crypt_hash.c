// SPDX-License-Identifier: GPL-2.0
/*
 * crypt() for several hashing methods: one line per case on stdout, the
 * setting made by crypt_gensalt() from fixed random bytes and the hash
 * crypt() gives for it. run-pkg-tests builds this once with ukl-gcc
 * against the sysroot's libxcrypt and once with the host's gcc -lcrypt,
 * and the two outputs must be the same. The SHA-512 case is also checked
 * against the published test vector of the SHA-crypt specification.
 */
#include <crypt.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SHA512_VECTOR_HASH \
	"svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"

static const char sha512_vector[] = "$6$saltstring$" SHA512_VECTOR_HASH;

int main(void)
{
	static const struct { const char *prefix; unsigned long count; } m[] = {
		{ "$y$", 5 }, { "$gy$", 5 }, { "$2b$", 5 }, { "$6$", 5000 },
		{ "$5$", 5000 }, { "$1$", 0 },
	};
	const char *phrase = "correct horse battery staple";
	char rbytes[32], setting[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *h;
	unsigned int i;
	int bad = 0;

	for (i = 0; i < sizeof(rbytes); i++)
		rbytes[i] = (char)(i * 37 + 11);
	for (i = 0; i < ARRAY_SIZE(m); i++) {
		if (!crypt_gensalt_rn(m[i].prefix, m[i].count, rbytes, sizeof(rbytes),
				      setting, sizeof(setting))) {
			printf("%s: crypt_gensalt failed\n", m[i].prefix);
			bad = 1;
			continue;
		}
		h = crypt(phrase, setting);
		if (!h || h[0] == '*' || strncmp(h, setting, strlen(m[i].prefix))) {
			printf("%s: crypt failed: %s\n", setting, h ? h : "NULL");
			bad = 1;
			continue;
		}
		printf("%s %s\n", setting, h);
	}
	h = crypt("Hello world!", "$6$saltstring");
	if (!h || strcmp(h, sha512_vector)) {
		printf("SHA-crypt test vector: got %s\n", h ? h : "NULL");
		bad = 1;
	} else {
		printf("SHA-crypt test vector ok\n");
	}
	return bad;
}
