// SPDX-License-Identifier: GPL-2.0
/* fork: the child gets its own copy of globals; its exit status arrives. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int counter = 1;

int main(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return 10;
	if (pid == 0) {
		counter = 42;
		_exit(counter == 42 ? 7 : 8);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 11;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 7)
		return 12;
	printf("fork ok counter=%d\n", counter);
	return counter == 1 ? 0 : 13;
}
