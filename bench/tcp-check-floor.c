/*
 * The kernel floor of TCP_CHECK, for bench:checks: the same system calls keepalived's checker
 * makes for each TCP check (socket, SO_LINGER {1, 0}, non-blocking connect, wait for writable
 * in epoll, getsockopt SO_ERROR, close), at the same rate against the same listeners, with no
 * other work. keepalived's own checker cannot run on a kernel without IPVS (it exits at start),
 * so this is the closest peer this machine can measure: what any checker, in any language,
 * pays for these checks here.
 *
 *   tcp-check-floor PORT SECONDS < addresses   (one IPv4 address per line)
 * Each address is checked once per second, the checks spread evenly over the second.
 * Prints one JSON line: checks, failures, wall, user and system CPU in ms.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
	if (argc != 3) {
		fprintf(stderr, "usage: %s PORT SECONDS < addresses\n", argv[0]);
		return 2;
	}
	int port = atoi(argv[1]);
	double seconds = atof(argv[2]);
	size_t cap = 1024, n = 0;
	struct in_addr *addrs = malloc(cap * sizeof *addrs);
	char line[64];
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!*line) continue;
		if (n == cap) addrs = realloc(addrs, (cap *= 2) * sizeof *addrs);
		if (inet_pton(AF_INET, line, &addrs[n]) == 1) n++;
	}
	if (!n) {
		fprintf(stderr, "no addresses\n");
		return 2;
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event evs[256];
	long checks = 0, failures = 0;
	size_t next = 0;
	double start = now_ms(), end = start + seconds * 1e3;
	double interval = 1e3 / (double)n; /* ms between check starts */
	double due = start;
	for (;;) {
		double t = now_ms();
		if (t >= end) break;
		while (due <= t) {
			int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
			if (fd < 0) { failures++; due += interval; continue; }
			struct linger li = { 1, 0 };
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &li, sizeof li);
			struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = addrs[next] };
			next = (next + 1) % n;
			checks++;
			if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 || errno == EINPROGRESS) {
				struct epoll_event ev = { .events = EPOLLOUT, .data.fd = fd };
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			} else {
				failures++;
				close(fd);
			}
			due += interval;
		}
		/* Sleep at least 1 ms (a timer tick, as keepalived's scheduler): at 5,000 checks/s the
		 * next start is 0.2 ms away, and a 0 timeout would spin in epoll_wait. */
		int wait = (int)(due - now_ms() + 0.999);
		int k = epoll_wait(ep, evs, 256, wait < 1 ? 1 : wait);
		for (int i = 0; i < k; i++) {
			int fd = evs[i].data.fd, err = 0;
			socklen_t len = sizeof err;
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) failures++;
			epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
			close(fd);
		}
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"checks\":%ld,\"failures\":%ld,\"wallMs\":%.0f,\"userMs\":%.1f,\"systemMs\":%.1f}\n", checks, failures, now_ms() - start,
	       ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3, ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3);
	return 0;
}
