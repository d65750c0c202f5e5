// SPDX-License-Identifier: GPL-2.0
/*
 * OpenSSL from the UKL sysroot: SHA-256 of "abc" and of the empty string
 * against the FIPS 180 test vectors, random bytes from the default
 * provider, and a TLS client context (libssl links and initialises).
 */
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>

static int sha256_is(const char *msg, const char *want)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len, i;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	if (!EVP_Digest(msg, strlen(msg), md, &len, EVP_sha256(), NULL)) {
		printf("EVP_Digest failed\n");
		return 0;
	}
	for (i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	if (strcmp(hex, want)) {
		printf("sha256(\"%s\") = %s, not %s\n", msg, hex, want);
		return 0;
	}
	return 1;
}

int main(void)
{
	unsigned char r1[32], r2[32];
	SSL_CTX *ctx;

	if (!sha256_is("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") ||
	    !sha256_is("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
		return 1;
	if (RAND_bytes(r1, sizeof(r1)) != 1 || RAND_bytes(r2, sizeof(r2)) != 1 ||
	    !memcmp(r1, r2, sizeof(r1))) {
		printf("RAND_bytes failed\n");
		return 1;
	}
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
		printf("SSL_CTX_new failed\n");
		return 1;
	}
	SSL_CTX_free(ctx);
	printf("%s ok: sha256 test vectors, RAND_bytes, TLS context\n",
	       OpenSSL_version(OPENSSL_VERSION));
	return 0;
}
