/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tapvm: plays qemu for the tap scenarios.  It creates tap device TAP
 * (TUNSETIFF, IFF_TAP | IFF_NO_PI) and holds its file descriptor, as qemu
 * does for a VM's NIC, and copies frames between that descriptor and
 * interface NIC (an AF_PACKET socket, typically a veth whose other end is
 * the "VM" namespace's eth0).  So the VM's frames come out of the tap
 * device, where the switch attaches (ovs-ifup), and the switch's frames
 * for the VM go in.  Runs until killed, until its parent (the test's
 * shell) dies, or until either device goes away (the namespace holding it
 * was deleted): an error on a descriptor ends it rather than spinning.
 *
 *	tapvm TAP NIC
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static unsigned char buf[65536];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	struct ifreq ifr;
	int tap, pk;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (argc != 3) {
		fprintf(stderr, "usage: tapvm TAP NIC\n");
		return 2;
	}
	tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", argv[1]);
	if (tap < 0 || ioctl(tap, TUNSETIFF, &ifr) < 0) {
		perror("tapvm: TUNSETIFF");
		return 1;
	}
	sll.sll_ifindex = (int)if_nametoindex(argv[2]);
	pk = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (!sll.sll_ifindex || pk < 0 ||
	    bind(pk, (struct sockaddr *)&sll, sizeof sll) < 0) {
		perror("tapvm: AF_PACKET");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = { { tap, POLLIN, 0 }, { pk, POLLIN, 0 } };
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		/* A detached tap stays in error; a socket error (ENETDOWN
		 * while a link is down) is cleared, unless NIC is gone. */
		if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			return 0;
		if (p[1].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			int err;
			socklen_t elen = sizeof err;

			if (!if_nametoindex(argv[2]))
				return 0;
			getsockopt(pk, SOL_SOCKET, SO_ERROR, &err, &elen);
		}
		if (p[0].revents & POLLIN) {
			n = read(tap, buf, sizeof buf);
			if (n > 0)
				send(pk, buf, (size_t)n, 0);
		}
		if (p[1].revents & POLLIN) {
			struct sockaddr_ll from;
			socklen_t len = sizeof from;

			n = recvfrom(pk, buf, sizeof buf, 0,
				     (struct sockaddr *)&from, &len);
			/* Only what the VM sent, not our own writes. */
			if (n > 0 && from.sll_pkttype != PACKET_OUTGOING)
				if (write(tap, buf, (size_t)n) < 0)
					perror("tapvm: write");
		}
	}
}
