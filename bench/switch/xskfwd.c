/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xskfwd: a bare two-port forwarder for comparing packet I/O methods on
 * veth (issue 8: "AF_XDP for small packets ... measure it").  Every frame
 * received on IFACE_A is sent on IFACE_B and back, with no lookup at all,
 * so the figures are the I/O method's cost alone.  Woken by poll(), never
 * busy-polling: idle, it uses no CPU.
 *
 *   xskfwd MODE IFACE_A IFACE_B
 *	MODE afpacket  AF_PACKET sockets, recvmmsg/sendmmsg batches of 64
 *		       (PACKET_QDISC_BYPASS, PACKET_IGNORE_OUTGOING, 4 MB
 *		       receive buffer)
 *	     ring      as upcalld's ports: a TPACKET_V2 receive ring and a
 *		       send-only socket, PACKET_VNET_HDR on both (the header
 *		       goes through with each frame), sendmmsg batches
 *	     xdp-skb   AF_XDP sockets in copy mode, the libxdp default
 *		       program attached with XDP_FLAGS_SKB_MODE (generic)
 *	     xdp-drv   the same with XDP_FLAGS_DRV_MODE (veth's native XDP)
 *
 * Runs until SIGINT or SIGTERM, then prints one line:
 *	rx=N tx=N drop=N wakeups=N
 * (drop: frames with no free transmit slot).  Exit 1 with a message when
 * a socket or the XDP program cannot be set up (e.g. no CAP_BPF).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef HAVE_LIBXDP
#include <xdp/xsk.h>
#endif

#define BATCH 64
#define FRAME_SIZE 2048
#define NUM_FRAMES 4096
#define RING_SIZE 2048

static volatile sig_atomic_t stop;
static unsigned long long n_rx, n_tx, n_drop, n_wake;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
die(const char *what, int err)
{
	fprintf(stderr, "xskfwd: %s: %s\n", what, strerror(err));
	exit(1);
}

/* Until a signal: waits in poll() for fd0 or fd1 to be readable, then
 * forwards what is there, fwd(p0, p1) and fwd(p1, p0). */
static void
fwd_loop(int fd0, int fd1, void (*fwd)(void *in, void *out), void *p0, void *p1)
{
	while (!stop) {
		struct pollfd f[2] = { { fd0, POLLIN, 0 }, { fd1, POLLIN, 0 } };

		if (poll(f, 2, 500) <= 0)
			continue;
		n_wake++;
		if (f[0].revents & POLLIN)
			fwd(p0, p1);
		if (f[1].revents & POLLIN)
			fwd(p1, p0);
	}
}

/* ---- AF_PACKET ---- */

static int
pkt_open(const char *ifname)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	int one = 1, rcvbuf = 4 << 20;

	if (fd < 0)
		die("socket", errno);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		die(ifname, ENODEV);
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
	/* As upcalld's sockets: 4 MB, else the socket drops bursts. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0)
		die("bind", errno);
	return fd;
}

/* Sends the @n frames of @msgs on @fd, counting what went and what the
 * kernel refused. */
static void
send_all(int fd, struct mmsghdr *msgs, int n)
{
	int done = 0;

	while (done < n) {
		int m = sendmmsg(fd, msgs + done, (unsigned)(n - done),
				 MSG_DONTWAIT);
		if (m <= 0) {
			n_drop += (unsigned)(n - done);
			break;
		}
		done += m;
	}
	n_tx += (unsigned)done;
}

static void
pkt_fwd(void *inp, void *outp)
{
	int in = *(int *)inp, out = *(int *)outp;
	static char bufs[BATCH][FRAME_SIZE];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	int n, i;

	memset(msgs, 0, sizeof msgs);
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = FRAME_SIZE;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(in, msgs, BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;
	n_rx += (unsigned)n;
	for (i = 0; i < n; i++)
		iov[i].iov_len = msgs[i].msg_len;
	send_all(out, msgs, n);
}

static void
run_afpacket(const char *a, const char *b)
{
	int fd[2] = { pkt_open(a), pkt_open(b) };

	fwd_loop(fd[0], fd[1], pkt_fwd, &fd[0], &fd[1]);
}

/* ---- AF_PACKET, TPACKET_V2 ring and vnet headers (upcalld's way) ---- */

#define RING_BLOCK (64 * 1024)
#define RING_BLOCKS 64
#define RING_FRAMES (RING_BLOCKS * (RING_BLOCK / FRAME_SIZE))
#define VNET_LEN 10 /* struct virtio_net_hdr */

struct rport {
	int fd, tx_fd;
	char *ring;
	unsigned head;
};

static void
rport_open(struct rport *p, const char *ifname)
{
	struct tpacket_req req = { .tp_block_size = RING_BLOCK,
				   .tp_block_nr = RING_BLOCKS,
				   .tp_frame_size = FRAME_SIZE,
				   .tp_frame_nr = RING_FRAMES };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int v2 = TPACKET_V2, one = 1;

	p->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, 0);
	if (p->fd < 0)
		die("socket", errno);
	p->tx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, 0);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (p->tx_fd < 0 ||
	    setsockopt(p->tx_fd, SOL_PACKET, PACKET_VNET_HDR, &one,
		       sizeof one) ||
	    setsockopt(p->tx_fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
		       sizeof one) ||
	    bind(p->tx_fd, (struct sockaddr *)&sll, sizeof sll))
		die("send socket", errno);
	if (setsockopt(p->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) ||
	    setsockopt(p->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof one) ||
	    setsockopt(p->fd, SOL_PACKET, PACKET_VERSION, &v2, sizeof v2) ||
	    setsockopt(p->fd, SOL_PACKET, PACKET_COPY_THRESH, &one,
		       sizeof one) ||
	    setsockopt(p->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req))
		die("ring", errno);
	p->ring = mmap(NULL, (size_t)RING_BLOCK * RING_BLOCKS,
		       PROT_READ | PROT_WRITE, MAP_SHARED, p->fd, 0);
	if (p->ring == MAP_FAILED)
		die("mmap", errno);
	sll.sll_protocol = htons(ETH_P_ALL);
	if (bind(p->fd, (struct sockaddr *)&sll, sizeof sll))
		die("bind", errno);
}

static void
ring_fwd(void *inp, void *outp)
{
	struct rport *in = inp, *out = outp;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct tpacket2_hdr *h[BATCH];
	int n = 0, i;

	memset(msgs, 0, sizeof msgs);
	while (n < BATCH) {
		struct tpacket2_hdr *f =
			(void *)(in->ring + (size_t)in->head * FRAME_SIZE);

		unsigned st = __atomic_load_n(&f->tp_status, __ATOMIC_ACQUIRE);

		if (!(st & TP_STATUS_USER))
			break;
		if (st & TP_STATUS_COPY) {
			/* Too big for a slot (a GSO segment): upcalld reads
			 * it with recvmsg; this 64-byte benchmark drops it,
			 * so that it does not stay readable forever. */
			static char big[65536 + VNET_LEN];

			recv(in->fd, big, sizeof big, MSG_DONTWAIT);
			n_drop++;
			__atomic_store_n(&f->tp_status, TP_STATUS_KERNEL,
					 __ATOMIC_RELEASE);
			in->head = (in->head + 1) % RING_FRAMES;
			continue;
		}
		h[n] = f;
		iov[n].iov_base = (char *)f + f->tp_mac - VNET_LEN;
		iov[n].iov_len = f->tp_snaplen + VNET_LEN;
		msgs[n].msg_hdr.msg_iov = &iov[n];
		msgs[n].msg_hdr.msg_iovlen = 1;
		n++;
		in->head = (in->head + 1) % RING_FRAMES;
	}
	if (!n)
		return;
	n_rx += (unsigned)n;
	send_all(out->tx_fd, msgs, n);
	for (i = 0; i < n; i++)
		__atomic_store_n(&h[i]->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
}

static void
run_ring(const char *a, const char *b)
{
	static struct rport p[2];

	rport_open(&p[0], a);
	rport_open(&p[1], b);
	fwd_loop(p[0].fd, p[1].fd, ring_fwd, &p[0], &p[1]);
}

/* ---- AF_XDP ---- */

#ifdef HAVE_LIBXDP
struct xport {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	char *buf;
	uint64_t free[NUM_FRAMES];
	unsigned nfree;
	uint64_t refill[NUM_FRAMES]; /* received, not yet back in fq */
	unsigned nrefill;
	unsigned tx_pending;
	int fd;
};

static void
xport_open(struct xport *p, const char *ifname, uint32_t xdp_flags)
{
	struct xsk_umem_config ucfg = { .fill_size = RING_SIZE,
					.comp_size = RING_SIZE,
					.frame_size = FRAME_SIZE,
					.frame_headroom = 0 };
	struct xsk_socket_config scfg = { .rx_size = RING_SIZE,
					  .tx_size = RING_SIZE,
					  .xdp_flags = xdp_flags,
					  .bind_flags = XDP_COPY |
							XDP_USE_NEED_WAKEUP };
	size_t len = (size_t)NUM_FRAMES * FRAME_SIZE;
	uint32_t idx;
	unsigned i;
	int err;

	p->buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->buf == MAP_FAILED)
		die("mmap", errno);
	err = xsk_umem__create(&p->umem, p->buf, len, &p->fq, &p->cq, &ucfg);
	if (err)
		die("xsk_umem__create", -err);
	err = xsk_socket__create(&p->xsk, ifname, 0, p->umem, &p->rx, &p->tx,
				 &scfg);
	if (err)
		die("xsk_socket__create", -err);
	p->fd = xsk_socket__fd(p->xsk);
	/* The first half of the frames receive, the second half transmit. */
	if (xsk_ring_prod__reserve(&p->fq, NUM_FRAMES / 2, &idx) !=
	    NUM_FRAMES / 2)
		die("fill ring", ENOSPC);
	for (i = 0; i < NUM_FRAMES / 2; i++)
		*xsk_ring_prod__fill_addr(&p->fq, idx++) =
			(uint64_t)i * FRAME_SIZE;
	xsk_ring_prod__submit(&p->fq, NUM_FRAMES / 2);
	for (i = NUM_FRAMES / 2; i < NUM_FRAMES; i++)
		p->free[p->nfree++] = (uint64_t)i * FRAME_SIZE;
}

/* Takes back @p's transmitted frames. */
static void
xport_complete(struct xport *p)
{
	uint32_t idx;
	unsigned n = xsk_ring_cons__peek(&p->cq, RING_SIZE, &idx), i;

	for (i = 0; i < n; i++)
		p->free[p->nfree++] = *xsk_ring_cons__comp_addr(&p->cq, idx++);
	xsk_ring_cons__release(&p->cq, n);
	p->tx_pending -= n;
}

/* Kicks @p's transmit ring: in copy mode each sendto() sends a bounded
 * batch (32 frames), so kick until the kernel says it is done. */
static void
xport_kick(struct xport *p)
{
	int tries = RING_SIZE / 32;

	if (!p->tx_pending || !xsk_ring_prod__needs_wakeup(&p->tx))
		return;
	while (tries-- > 0 &&
	       sendto(p->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
	       (errno == EAGAIN || errno == EBUSY))
		;
}

/* Gives @p's received frames back to the kernel, as many as the fill
 * ring takes now (the kernel publishes its consumer index lazily). */
static void
xport_refill(struct xport *p)
{
	unsigned n = xsk_prod_nb_free(&p->fq, p->nrefill), i;
	uint32_t idx;

	if (n > p->nrefill)
		n = p->nrefill;
	if (!n || xsk_ring_prod__reserve(&p->fq, n, &idx) != n)
		return;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&p->fq, idx + i) =
			p->refill[--p->nrefill];
	xsk_ring_prod__submit(&p->fq, n);
}

static void
xsk_fwd(void *inp, void *outp)
{
	struct xport *in = inp, *out = outp;
	uint32_t ridx, tidx = 0;
	unsigned n, ntx, i;

	xport_complete(out);
	xport_refill(in);
	n = xsk_ring_cons__peek(&in->rx, BATCH, &ridx);
	if (!n)
		return;
	n_rx += n;
	ntx = n < out->nfree ? n : out->nfree;
	if (ntx && xsk_ring_prod__reserve(&out->tx, ntx, &tidx) != ntx)
		ntx = 0;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d =
			xsk_ring_cons__rx_desc(&in->rx, ridx + i);
		uint64_t addr = xsk_umem__extract_addr(d->addr);

		if (i < ntx) {
			uint64_t f = out->free[--out->nfree];
			struct xdp_desc *t =
				xsk_ring_prod__tx_desc(&out->tx, tidx + i);

			memcpy(out->buf + f,
			       xsk_umem__get_data(in->buf, d->addr), d->len);
			t->addr = f;
			t->len = d->len;
		}
		in->refill[in->nrefill++] = addr - addr % FRAME_SIZE;
	}
	xsk_ring_cons__release(&in->rx, n);
	xport_refill(in);
	if (ntx) {
		xsk_ring_prod__submit(&out->tx, ntx);
		out->tx_pending += ntx;
	}
	n_tx += ntx;
	n_drop += n - ntx;
	xport_kick(out);
}

static void
run_xdp(const char *a, const char *b, uint32_t xdp_flags)
{
	static struct xport p[2];

	xport_open(&p[0], a, xdp_flags);
	xport_open(&p[1], b, xdp_flags);
	fwd_loop(p[0].fd, p[1].fd, xsk_fwd, &p[0], &p[1]);
	xsk_socket__delete(p[0].xsk);
	xsk_socket__delete(p[1].xsk);
	xsk_umem__delete(p[0].umem);
	xsk_umem__delete(p[1].umem);
}
#endif

int
main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (argc != 4) {
		fprintf(stderr, "usage: xskfwd afpacket|ring|xdp-skb|xdp-drv "
				"IFACE_A IFACE_B\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!strcmp(argv[1], "afpacket"))
		run_afpacket(argv[2], argv[3]);
	else if (!strcmp(argv[1], "ring"))
		run_ring(argv[2], argv[3]);
#ifdef HAVE_LIBXDP
	else if (!strcmp(argv[1], "xdp-skb"))
		run_xdp(argv[2], argv[3], XDP_FLAGS_SKB_MODE);
	else if (!strcmp(argv[1], "xdp-drv"))
		run_xdp(argv[2], argv[3], XDP_FLAGS_DRV_MODE);
#endif
	else {
		fprintf(stderr, "xskfwd: mode %s not available\n", argv[1]);
		return 2;
	}
	printf("rx=%llu tx=%llu drop=%llu wakeups=%llu\n", n_rx, n_tx, n_drop,
	       n_wake);
	return 0;
}
