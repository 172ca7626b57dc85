/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swsink: the receiving end of bench_switch.py's UDP tests.  Binds UDP
 * sockets to IP:PORT..PORT+NPORTS-1 (so no ICMP "port unreachable" goes
 * back through the switch) and counts the datagrams that reach them, with
 * recvmmsg() in batches.
 *
 *   swsink IP PORT [NPORTS [TIMEOUT_S]]
 *
 * Prints "ready" once the sockets are bound.  On SIGTERM or SIGINT, or
 * after TIMEOUT_S seconds (default 600), prints one line and exits 0:
 *	received=N bytes=B span=S
 * (S seconds between the first and the last datagram).  Exit 1 with a
 * message on stderr when a socket cannot be set up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROG "swsink"
#include "swcommon.h"

#define BATCH 64
#define BUF 2048
#define MAX_PORTS 1024

static int
open_port(const struct in_addr *ip, int port)
{
	struct sockaddr_in sin;
	int rcvbuf = 16 << 20;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		die("socket");
	/* SO_RCVBUFFORCE needs CAP_NET_ADMIN; the plain one caps at rmem_max.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = *ip;
	sin.sin_port = htons((unsigned short)port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("bind");
	return fd;
}

int
main(int argc, char **argv)
{
	static char bufs[BATCH][BUF];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned long long received = 0, bytes = 0;
	double first = 0, last = 0, deadline;
	struct in_addr ip;
	int port, nports = 1, i, ep;
	double timeout = 600;

	if (argc < 3 || argc > 5 || !inet_aton(argv[1], &ip)) {
		fprintf(stderr, "usage: swsink IP PORT [NPORTS [TIMEOUT_S]]\n");
		return 2;
	}
	port = atoi(argv[2]);
	if (argc > 3)
		nports = atoi(argv[3]);
	if (argc > 4)
		timeout = atof(argv[4]);
	if (port < 1 || nports < 1 || nports > MAX_PORTS ||
	    port + nports > 65536 || timeout <= 0) {
		fprintf(stderr, "swsink: bad port range or timeout\n");
		return 2;
	}
	catch_stop_signals();
	ep = epoll_create1(0);
	if (ep < 0)
		die("epoll_create1");
	for (i = 0; i < nports; i++) {
		struct epoll_event ev = { .events = EPOLLIN };

		ev.data.fd = open_port(&ip, port + i);
		if (epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
			die("epoll_ctl");
	}
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = BUF;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	printf("ready\n");
	fflush(stdout);
	deadline = now() + timeout;
	while (!stop && now() < deadline) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, 100);

		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (i = 0; i < n; i++) {
			int r, k;

			while ((r = recvmmsg(evs[i].data.fd, msgs, BATCH,
					     MSG_DONTWAIT, NULL)) > 0) {
				received += (unsigned)r;
				for (k = 0; k < r; k++)
					bytes += msgs[k].msg_len;
				last = now();
				if (!first)
					first = last;
			}
		}
	}
	printf("received=%llu bytes=%llu span=%.3f\n", received, bytes,
	       last - first);
	return 0;
}
