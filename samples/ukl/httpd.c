// SPDX-License-Identifier: GPL-2.0
/*
 * The default UKL application: a small HTTP server.
 *
 * Linked into a CONFIG_UKL kernel (make run) it runs at CPL0; built as an
 * ordinary static program it runs at CPL3. Every page says which, and
 * counts the requests served. QEMU forwards host port 8080 to it:
 *
 *	curl http://localhost:8080/		a page
 *	curl http://localhost:8080/quit		the last page; the server exits
 *
 * Options: -p PORT (default 8080), -n N (exit after N requests), -t SECONDS
 * (exit when idle that long, default 120; 0 waits forever).
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

static unsigned int current_cpl(void)
{
	unsigned short cs;

	asm volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

static int listen_on(int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 16)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Answer one request; returns 1 if it asked the server to quit. */
static int serve(int c, unsigned long nr, const struct utsname *u)
{
	char req[2048], body[512], head[256];
	ssize_t n = read(c, req, sizeof(req) - 1);
	int quit, blen, hlen;

	if (n <= 0)
		return 0;
	req[n] = '\0';
	quit = !strncmp(req, "GET /quit", 9);
	blen = snprintf(body, sizeof(body),
			"Hello from UKL!\n"
			"This page was served by pid %d running in ring %u on Linux %s,\n"
			"request #%lu.%s\n",
			getpid(), current_cpl(), u->release, nr,
			quit ? " Goodbye." : "");
	hlen = snprintf(head, sizeof(head),
			"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
			"Content-Length: %d\r\nConnection: close\r\n\r\n", blen);
	if (write(c, head, hlen) != hlen || write(c, body, blen) != blen)
		perror("httpd: write");
	return quit;
}

int main(int argc, char **argv)
{
	unsigned long served = 0, limit = 0;
	int port = 8080, idle = 120, opt, fd;
	struct utsname u;

	while ((opt = getopt(argc, argv, "p:n:t:")) != -1) {
		switch (opt) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'n':
			limit = strtoul(optarg, NULL, 0);
			break;
		case 't':
			idle = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-p PORT] [-n REQUESTS] [-t IDLE_SECONDS]\n",
				argv[0]);
			return 2;
		}
	}
	if (uname(&u)) {
		perror("httpd: uname");
		return 1;
	}
	fd = listen_on(port);
	if (fd < 0) {
		fprintf(stderr, "httpd: cannot listen on port %d: %s\n", port, strerror(errno));
		return 1;
	}
	printf("httpd: pid %d, ring %u, listening on port %d\n", getpid(), current_cpl(), port);
	printf("httpd: from the host: curl http://localhost:%d/ ; curl http://localhost:%d/quit ends it\n",
	       port, port);
	fflush(stdout);

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, idle > 0 ? idle * 1000 : -1);
		int c = -1, quit;

		if (r == 0) {
			printf("httpd: idle for %d s, exiting after %lu request(s)\n",
			       idle, served);
			break;
		}
		if (r > 0)
			c = accept(fd, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("httpd: accept");
			return 1;
		}
		quit = serve(c, ++served, &u);
		close(c);
		printf("httpd: served request #%lu\n", served);
		fflush(stdout);
		if (quit || (limit && served >= limit))
			break;
	}
	close(fd);
	return 0;
}
