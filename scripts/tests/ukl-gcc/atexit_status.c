// SPDX-License-Identifier: GPL-2.0
/* exit(): atexit handlers run, stdio is flushed, the status arrives. */
#include <stdio.h>
#include <stdlib.h>

static void bye(void)
{
	printf("atexit ran\n");
}

int main(int argc, char **argv)
{
	atexit(bye);
	printf("argc=%d arg1=%s\n", argc, argc > 1 ? argv[1] : "-");
	exit(23);
}
