// SPDX-License-Identifier: GPL-2.0
/*
 * Linked with the flags build systems pass gcc for a program (-rdynamic,
 * -Wl,-E, -Wl,-rpath, -ldl, -lpthread, ...): a static link ignores what
 * only a dynamic link needs, and the program must run all the same.
 */
#include <pthread.h>
#include <stdio.h>

static void *worker(void *arg)
{
	*(int *)arg = 42;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	int v = 0;

	if (pthread_create(&t, NULL, worker, &v) || pthread_join(t, NULL))
		return 1;
	printf("driver flags ok: thread said %d, argv[1]=%s\n", v, argc > 1 ? argv[1] : "-");
	return 0;
}
