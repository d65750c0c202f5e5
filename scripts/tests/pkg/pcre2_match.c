// SPDX-License-Identifier: GPL-2.0
/*
 * PCRE2 from the UKL sysroot: a pattern with numbered and named captures
 * must match and capture the right substrings, and a subject without a
 * match must give PCRE2_ERROR_NOMATCH.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

static int capture(pcre2_match_data *md, const char *subj, int n,
		   const char *want)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	int len = (int)(ov[2 * n + 1] - ov[2 * n]);

	if (len != (int)strlen(want) || memcmp(subj + ov[2 * n], want, len)) {
		printf("group %d is '%.*s', not '%s'\n", n, len, subj + ov[2 * n], want);
		return 1;
	}
	return 0;
}

int main(void)
{
	const char *pat = "(?<user>[a-z]+)@(?<host>[a-z.]+)\\s+port\\s+(\\d+)";
	const char *subj = "connect bob@ukl.example.org port 8080 now";
	PCRE2_UCHAR host[64];
	PCRE2_SIZE hlen = sizeof(host), erroff;
	pcre2_match_data *md;
	pcre2_code *re;
	int err, rc;

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &err, &erroff, NULL);
	if (!re) {
		printf("pcre2_compile failed at %zu: error %d\n", erroff, err);
		return 1;
	}
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = pcre2_match(re, (PCRE2_SPTR)subj, strlen(subj), 0, 0, md, NULL);
	if (rc != 4) {
		printf("pcre2_match returned %d, wanted 4 (3 groups)\n", rc);
		return 1;
	}
	if (capture(md, subj, 0, "bob@ukl.example.org port 8080") ||
	    capture(md, subj, 1, "bob") || capture(md, subj, 2, "ukl.example.org") ||
	    capture(md, subj, 3, "8080"))
		return 1;
	if (pcre2_substring_copy_byname(md, (PCRE2_SPTR)"host", host, &hlen) ||
	    strcmp((char *)host, "ukl.example.org")) {
		printf("named group 'host' is wrong\n");
		return 1;
	}
	rc = pcre2_match(re, (PCRE2_SPTR)"no address here", 15, 0, 0, md, NULL);
	if (rc != PCRE2_ERROR_NOMATCH) {
		printf("a subject without a match gave %d\n", rc);
		return 1;
	}
	printf("pcre2 ok: user=bob host=%s port=8080, no match where none\n", (char *)host);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return 0;
}
