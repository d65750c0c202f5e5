// SPDX-License-Identifier: GPL-2.0
/*
 * libevent from the UKL sysroot: a 50 ms timer writes to one end of a
 * socketpair, a persistent read event on the other end receives it and
 * ends the loop. The order (timer first, then the read), the elapsed time
 * and the data are checked; a 5 s guard timer fails the test if the loop
 * hangs.
 */
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int sv[2];
static int timer_fired, got_data, guard_fired;
static char buf[16];
static struct event_base *base;

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	timer_fired = 1;
	if (write(sv[1], "ping", 4) != 4)
		perror("write");
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n > 0)
		buf[n] = 0;
	got_data = timer_fired ? 1 : -1;
	event_base_loopexit(base, NULL);
}

static void on_guard(evutil_socket_t fd, short what, void *arg)
{
	guard_fired = 1;
	event_base_loopbreak(base);
}

int main(void)
{
	struct timeval t50 = { 0, 50000 }, t5s = { 5, 0 }, t0, t1;
	struct event *rd, *tm, *guard;
	long ms;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		perror("socketpair");
		return 1;
	}
	base = event_base_new();
	if (!base) {
		printf("event_base_new failed\n");
		return 1;
	}
	rd = event_new(base, sv[0], EV_READ | EV_PERSIST, on_read, NULL);
	tm = evtimer_new(base, on_timer, NULL);
	guard = evtimer_new(base, on_guard, NULL);
	event_add(rd, NULL);
	event_add(tm, &t50);
	event_add(guard, &t5s);
	gettimeofday(&t0, NULL);
	event_base_dispatch(base);
	gettimeofday(&t1, NULL);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_usec - t0.tv_usec) / 1000;

	if (guard_fired || got_data != 1 || strcmp(buf, "ping") || ms < 45) {
		printf("libevent failed: guard %d, read %d, data '%s', %ld ms\n",
		       guard_fired, got_data, buf, ms);
		return 1;
	}
	printf("libevent %s ok: timer then read event, '%s' after %ld ms (%s)\n",
	       event_get_version(), buf, ms, event_base_get_method(base));
	event_free(rd);
	event_free(tm);
	event_free(guard);
	event_base_free(base);
	return 0;
}
