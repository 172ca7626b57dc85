/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swgen: the traffic generator of bench_switch.py.  Sends Ethernet/IPv4/UDP
 * frames on an AF_PACKET socket with sendmmsg(), in batches, so that the
 * switch, not the generator, is what gets measured.
 *
 *   swgen [OPTIONS] IFACE DST_MAC SRC_IP DST_IP SECONDS
 *	-r RATE   frames per second (default 0: as fast as possible)
 *	-f        a new flow per frame: frame i has UDP source port
 *		  1024 + i % 64512 and destination port PORT + i / 64512 %
 *NPORTS -s SIZE   frame size without the FCS (default 60, the minimum) -p PORT
 *UDP destination port (default 9000) -n NPORTS with -f: destination ports
 *PORT..PORT+NPORTS-1 (default 16) -i INDEX  with -f: the first frame's flow
 *index (default 0) -c COUNT  stop after COUNT frames (default: no limit) -b
 *BATCH  frames per sendmmsg() (default 64)
 *
 * Without -f and -M every frame is the same flow (source port 1024).  The
 *source MAC is IFACE's.  UDP checksums are 0 (allowed for IPv4).  Paced sending
 * keeps at most one millisecond's worth of frames in a burst.  Ends after
 * SECONDS (or COUNT frames) and prints one line:
 *	sent=N secs=T pps=R failed=F next=I
 * (F frames the kernel refused, I the next flow index).  Exit 1 with a
 * message on stderr when the socket cannot be set up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROG "swgen"
#include "swcommon.h"

#define MAX_BATCH 256
#define MAX_SIZE 9000
#define SPORT_BASE 1024
#define NSPORTS 64512

struct opts {
	const char *iface;
	uint8_t dst_mac[6];
	struct in_addr src_ip, dst_ip;
	double seconds;
	double rate;
	int flows;
	int macs;
	int size;
	int port;
	int nports;
	unsigned long long index;
	unsigned long long count;
	int batch;
};

static void
usage(void)
{
	fprintf(stderr, "usage: swgen [-r RATE] [-f] [-M] [-s SIZE] [-p PORT] "
			"[-n NPORTS] [-i INDEX] [-c COUNT] [-b BATCH]\n"
			"             IFACE DST_MAC SRC_IP DST_IP SECONDS\n");
	exit(2);
}

static void
sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
		       EINTR &&
	       !stop)
		;
}

static uint16_t
ip_checksum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t sum = 0;

	for (; n > 1; n -= 2)
		sum += *w++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->size = 60;
	o->port = 9000;
	o->nports = 16;
	o->batch = 64;
	while ((c = getopt(argc, argv, "r:fMs:p:n:i:c:b:")) != -1) {
		switch (c) {
		case 'r':
			o->rate = atof(optarg);
			break;
		case 'f':
			o->flows = 1;
			break;
		case 'M':
			o->macs = 1;
			break;
		case 's':
			o->size = atoi(optarg);
			break;
		case 'p':
			o->port = atoi(optarg);
			break;
		case 'n':
			o->nports = atoi(optarg);
			break;
		case 'i':
			o->index = strtoull(optarg, NULL, 10);
			break;
		case 'c':
			o->count = strtoull(optarg, NULL, 10);
			break;
		case 'b':
			o->batch = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 5)
		usage();
	o->iface = argv[optind];
	o->seconds = atof(argv[optind + 4]);
	if (parse_mac(argv[optind + 1], o->dst_mac) ||
	    !inet_aton(argv[optind + 2], &o->src_ip) ||
	    !inet_aton(argv[optind + 3], &o->dst_ip) || o->seconds <= 0 ||
	    o->size < 42 || o->size > MAX_SIZE || o->port < 1 ||
	    o->port > 65535 || o->nports < 1 || o->port + o->nports > 65536 ||
	    o->batch < 1 || o->batch > MAX_BATCH || o->rate < 0)
		usage();
}

/* Opens the AF_PACKET socket bound to o->iface; fills the source MAC. */
static int
open_socket(const struct opts *o, uint8_t src_mac[6])
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int one = 1, sndbuf = 4 << 20;
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0)
		die("socket(AF_PACKET)");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->iface);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
		die(o->iface);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind");
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		die("SIOCGIFHWADDR");
	memcpy(src_mac, ifr.ifr_hwaddr.sa_data, 6);
	/* Not every kernel has these; sending works without them. */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf));
	return fd;
}

/* Writes the frame template (flow index 0) into buf. */
static void
build_frame(const struct opts *o, const uint8_t src_mac[6], uint8_t *buf)
{
	struct ether_header *eth = (struct ether_header *)buf;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	size_t l3 = (size_t)o->size - sizeof(*eth);
	size_t i;

	memset(buf, 0, (size_t)o->size);
	memcpy(eth->ether_dhost, o->dst_mac, 6);
	memcpy(eth->ether_shost, src_mac, 6);
	eth->ether_type = htons(ETHERTYPE_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)l3);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = o->src_ip.s_addr;
	ip->daddr = o->dst_ip.s_addr;
	ip->check = ip_checksum(ip, sizeof(*ip));
	udp->source = htons(SPORT_BASE);
	udp->dest = htons((uint16_t)o->port);
	udp->len = htons((uint16_t)(l3 - sizeof(*ip)));
	for (i = sizeof(*eth) + sizeof(*ip) + sizeof(*udp); i < (size_t)o->size;
	     i++)
		buf[i] = (uint8_t)i;
}

static void
set_flow(const struct opts *o, uint8_t *frame, unsigned long long idx)
{
	struct udphdr *udp =
		(struct udphdr *)(frame + sizeof(struct ether_header) +
				  sizeof(struct iphdr));

	if (o->flows) {
		udp->source = htons((uint16_t)(SPORT_BASE + idx % NSPORTS));
		udp->dest = htons(
			(uint16_t)(o->port +
				   (idx / NSPORTS) % (unsigned)o->nports));
	}
	if (o->macs) {
		frame[0] = 0x02;
		frame[1] = 0xb8;
		frame[2] = (uint8_t)(idx >> 24);
		frame[3] = (uint8_t)(idx >> 16);
		frame[4] = (uint8_t)(idx >> 8);
		frame[5] = (uint8_t)idx;
	}
}

int
main(int argc, char **argv)
{
	static uint8_t frames[MAX_BATCH][MAX_SIZE];
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	unsigned long long sent = 0, failed = 0, idx;
	uint8_t src_mac[6];
	struct opts o;
	double t0, t, deadline;
	int fd, i, burst;

	parse_args(argc, argv, &o);
	catch_stop_signals();
	fd = open_socket(&o, src_mac);
	build_frame(&o, src_mac, frames[0]);
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < o.batch; i++) {
		if (i)
			memcpy(frames[i], frames[0], (size_t)o.size);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = (size_t)o.size;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	burst = o.batch;
	if (o.rate > 0 && o.rate / 1000 < burst)
		burst = o.rate / 1000 < 1 ? 1 : (int)(o.rate / 1000);
	idx = o.index;
	t0 = now();
	deadline = t0 + o.seconds;
	for (t = t0; t < deadline && !stop; t = now()) {
		int n = burst, r;

		if (o.count && sent + failed + (unsigned)n > o.count)
			n = (int)(o.count - sent - failed);
		if (n <= 0)
			break;
		if (o.rate > 0) {
			double due = t0 + (double)(sent + failed) / o.rate;

			if (due > t) {
				sleep_until(due < deadline ? due : deadline);
				continue;
			}
		}
		if (o.flows || o.macs)
			for (i = 0; i < n; i++)
				set_flow(&o, frames[i], idx + (unsigned)i);
		r = sendmmsg(fd, msgs, (unsigned)n, 0);
		if (r < 0) {
			if (errno != ENOBUFS && errno != EAGAIN &&
			    errno != EINTR)
				die("sendmmsg");
			r = 0;
		}
		sent += (unsigned)r;
		failed += (unsigned)(n - r);
		idx += (unsigned)n;
	}
	t = now() - t0;
	printf("sent=%llu secs=%.3f pps=%.0f failed=%llu next=%llu\n", sent, t,
	       t > 0 ? (double)sent / t : 0.0, failed, idx);
	close(fd);
	return 0;
}
