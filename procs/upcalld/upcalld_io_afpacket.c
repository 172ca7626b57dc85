/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_io_afpacket: packet I/O through an AF_PACKET socket per device,
 * with PACKET_VNET_HDR so that checksum-offload and GSO state come with
 * each packet (a 64 KB TCP segment crosses the switch whole), batched with
 * sendmmsg, and received through a TPACKET_V2 ring: the kernel writes each
 * frame into memory shared with us, and a frame too large for a ring slot
 * (a GSO segment, a jumbo frame) is marked TP_STATUS_COPY and read with
 * recvmsg.  Without a ring (MICROVS_AFPACKET_RING=0, or a kernel that
 * refuses one), recvmmsg: one system call per port per batch.
 */
#include "upcalld.h"

#include <errno.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "coverage.h"
#include "flow.h"
#include "log.h"

LOG_MODULE(io_afpacket);

COVERAGE_DEFINE(afpacket_rx_trunc);
COVERAGE_DEFINE(afpacket_tx_drop);

static struct log_rl io_rl = LOG_RL_INIT(5, 20);

/* Ring geometry: 2 KB slots (a 1500-byte frame and its headers), 64 KB
 * blocks, 4 MB in all. */
#define RING_FRAME_SIZE 2048
#define RING_BLOCK_SIZE (64 * 1024)
#define RING_BLOCKS 64

/* Maps the ring of geometry @req that socket @fd has into @d. */
static int
ring_map(int fd, const struct tpacket_req *req, struct dev_port *d)
{
	size_t len = (size_t)req->tp_block_size * req->tp_block_nr;
	void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (map == MAP_FAILED)
		return -errno;
	d->ring = map;
	d->ring_len = len;
	d->ring_frames = req->tp_frame_nr;
	d->ring_frame_size = req->tp_frame_size;
	d->ring_head = 0;
	return 0;
}

static const struct tpacket_req ring_req = {
	.tp_block_size = RING_BLOCK_SIZE,
	.tp_block_nr = RING_BLOCKS,
	.tp_frame_size = RING_FRAME_SIZE,
	.tp_frame_nr = RING_BLOCKS * (RING_BLOCK_SIZE / RING_FRAME_SIZE),
};

static int
ring_setup(int fd, struct dev_port *d)
{
	const char *env = getenv("MICROVS_AFPACKET_RING");
	int v2 = TPACKET_V2, one = 1;
	struct tpacket_req req = ring_req;

	if (env && !strcmp(env, "0"))
		return 0;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v2, sizeof v2) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_COPY_THRESH, &one, sizeof one) <
		    0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0)
		return -errno;
	return ring_map(fd, &req, d);
}

static struct tpacket2_hdr *
ring_frame(const struct dev_port *d, unsigned i)
{
	return (void *)(d->ring + (size_t)i * d->ring_frame_size);
}

static bool
frame_user(const struct dev_port *d, unsigned i)
{
	return __atomic_load_n(&ring_frame(d, i)->tp_status, __ATOMIC_ACQUIRE) &
	       TP_STATUS_USER;
}

/* Where reading resumes in a ring a previous upcalld read: the kernel
 * fills frames in order, so the oldest frame it filled and nobody took
 * is the first of the run of TP_STATUS_USER frames; with none (or all of
 * them), the frame after the one written last (the kernel stamps each
 * with its time, which stays after the frame is given back). */
static unsigned
ring_find_head(const struct dev_port *d)
{
	unsigned n = d->ring_frames, newest = n - 1, users = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct tpacket2_hdr *h = ring_frame(d, i);
		const struct tpacket2_hdr *b = ring_frame(d, newest);

		if (frame_user(d, i))
			users++;
		if (h->tp_sec > b->tp_sec ||
		    (h->tp_sec == b->tp_sec && h->tp_nsec > b->tp_nsec))
			newest = i;
	}
	if (users && users < n)
		for (unsigned i = 0; i < n; i++)
			if (frame_user(d, i) && !frame_user(d, (i + n - 1) % n))
				return i;
	return (newest + 1) % n;
}

/* A socket that only sends to device @ifindex (protocol 0: it receives
 * nothing), with the receive socket's sending options; -errno if the
 * kernel refuses. */
static int
tx_open(int ifindex)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_ifindex = ifindex };
	int one = 1;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
	return fd;
}

/* Gives @d its send-only socket; without one it sends on its receive
 * socket, as before. */
static void
tx_setup(struct dev_port *d)
{
	int fd = tx_open(d->ifindex);

	if (fd < 0)
		log_info("%s: no send-only socket (%s): sending on the "
			 "receive socket",
			 d->up.name, strerror(-fd));
	d->tx_fd = fd < 0 ? -1 : fd;
}

int
io_afpacket_adopt(struct dev_port *d, int fd, bool ring)
{
	struct sockaddr_ll sll;
	socklen_t len = sizeof sll;
	int r;

	if (getsockname(fd, (struct sockaddr *)&sll, &len) < 0)
		return -errno;
	if (sll.sll_family != AF_PACKET || !sll.sll_ifindex)
		return -EINVAL;
	d->ifindex = sll.sll_ifindex;
	if (ring) {
		r = ring_map(fd, &ring_req, d);
		if (r)
			return r;
		d->ring_head = ring_find_head(d);
	}
	d->up.fd = fd;
	d->up.ops = &io_afpacket_ops;
	tx_setup(d);
	return 0;
}

int
io_afpacket_open(struct dev_port *d)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			htons(ETH_P_ALL));
	int one = 1, rcvbuf = 4 << 20, r;
	struct sockaddr_ll sll = { 0 };
	struct packet_mreq mr = { 0 };

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0)
		goto fail;
	/* A tag the device's VLAN offload took out comes beside the frame
	 * (vlan_reinsert). */
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) < 0)
		goto fail;
	/* Our own output must not come back as input. */
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof one) < 0)
		goto fail;
	/* Straight to the driver: the qdisc only costs here. */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) <
	    0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	r = ring_setup(fd, d);
	if (r)
		log_info("receive ring refused (%s): using recvmmsg",
			 strerror(-r));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = d->ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0)
		goto fail;
	mr.mr_ifindex = d->ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) <
	    0)
		goto fail;
	d->up.fd = fd;
	d->up.ops = &io_afpacket_ops;
	tx_setup(d);
	return 0;
fail:;
	int err = -errno;
	if (d->ring)
		munmap(d->ring, d->ring_len);
	d->ring = NULL;
	close(fd);
	return err;
}

/* Puts back the 802.1Q tag a device's VLAN offload took out of @p (the
 * kernel hands it to AF_PACKET beside the frame, in the ring header or
 * PACKET_AUXDATA): the switch must see the frame as it was on the wire.
 * The offload offsets move with the headers. */
static void
vlan_reinsert(struct dp_packet *p, uint32_t status, uint16_t tci, uint16_t tpid)
{
	uint8_t *h;

	if (!(status & TP_STATUS_VLAN_VALID) || p->len < 2 * ETH_ALEN)
		return;
	if (!(status & TP_STATUS_VLAN_TPID_VALID) || !tpid)
		tpid = ETH_P_8021Q;
	h = dp_packet_push(p, VLAN_HDR_LEN);
	memmove(h, h + VLAN_HDR_LEN, 2 * ETH_ALEN);
	flow_put16(h + 2 * ETH_ALEN, tpid);
	flow_put16(h + 2 * ETH_ALEN + 2, tci);
	if (p->offload.flags & MVS_OFFLOAD_F_NEEDS_CSUM)
		p->offload.csum_start += VLAN_HDR_LEN;
	if (p->offload.hdr_len)
		p->offload.hdr_len += VLAN_HDR_LEN;
}

/* The VLAN tag in PACKET_AUXDATA control data @m, if any, put back. */
static void
vlan_from_cmsg(struct dp_packet *p, struct msghdr *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		struct tpacket_auxdata aux;

		if (c->cmsg_level != SOL_PACKET ||
		    c->cmsg_type != PACKET_AUXDATA ||
		    c->cmsg_len < CMSG_LEN(sizeof aux))
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof aux);
		vlan_reinsert(p, aux.tp_status, aux.tp_vlan_tci,
			      aux.tp_vlan_tpid);
	}
}

#define AUX_SPACE CMSG_SPACE(sizeof(struct tpacket_auxdata))

/* One packet from the socket's queue (a ring frame marked COPY, or every
 * packet without a ring) into @p; its length, or -errno. */
static ssize_t
recv_one(int fd, struct dp_packet *p)
{
	struct virtio_net_hdr vh;
	struct iovec iov[2] = { { &vh, sizeof vh }, { p->data, DEV_RX_SIZE } };
	union {
		char buf[AUX_SPACE];
		struct cmsghdr align;
	} ctl;
	struct msghdr m = { .msg_iov = iov,
			    .msg_iovlen = 2,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof ctl.buf };
	ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);

	if (n < 0)
		return -errno;
	if (n < (ssize_t)sizeof vh || (m.msg_flags & MSG_TRUNC))
		return -EMSGSIZE;
	p->len = (uint32_t)((size_t)n - sizeof vh);
	io_vnet_to_offload(&vh, &p->offload);
	vlan_from_cmsg(p, &m);
	return n;
}

/* Takes up to @max frames the kernel has filled, oldest first, copying
 * each into a pool packet and giving the slot back at once. */
static int
ring_recv(struct uport *port, struct dp_batch *b, unsigned max)
{
	struct dev_port *d = dev_port_cast(port);
	unsigned got = 0;

	while (got < max && b->n < DP_BATCH_MAX) {
		struct tpacket2_hdr *h =
			(void *)(d->ring +
				 (size_t)d->ring_head * d->ring_frame_size);
		uint32_t status =
			__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

		if (!(status & TP_STATUS_USER))
			break;
		struct dp_packet *p = dp_packet_pool_get(d->pool);
		if (status & TP_STATUS_COPY) {
			/* Too large for a slot: the whole packet waits in the
			 * socket's queue. */
			ssize_t n = recv_one(port->fd, p);
			if (n < 0) {
				port->stats->rx_dropped++;
				dp_packet_free(p);
				p = NULL;
			}
		} else if (h->tp_snaplen < h->tp_len ||
			   h->tp_mac < sizeof(struct virtio_net_hdr)) {
			port->stats->rx_dropped++;
			dp_packet_free(p);
			p = NULL;
		} else {
			const uint8_t *mac = (const uint8_t *)h + h->tp_mac;

			memcpy(p->data, mac, h->tp_snaplen);
			p->len = h->tp_snaplen;
			io_vnet_to_offload(
				(const void *)(mac -
					       sizeof(struct virtio_net_hdr)),
				&p->offload);
			vlan_reinsert(p, status, h->tp_vlan_tci,
				      h->tp_vlan_tpid);
		}
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		d->ring_head = (d->ring_head + 1) % d->ring_frames;
		if (p)
			b->pkts[b->n++] = p;
		got++;
	}
	return (int)got;
}

static int
afpacket_recv(struct uport *port, struct dp_batch *b, unsigned max)
{
	struct dev_port *d = dev_port_cast(port);

	if (d->ring) {
		int n = ring_recv(port, b, max);
		int err;
		socklen_t len = sizeof err;

		/* A deleted device shows as a socket error, not in the
		 * ring. */
		if (!n &&
		    !getsockopt(port->fd, SOL_SOCKET, SO_ERROR, &err, &len) &&
		    err)
			return -err;
		return n;
	}
	struct mmsghdr msgs[DP_BATCH_MAX];
	struct iovec iov[DP_BATCH_MAX][2];
	struct virtio_net_hdr vh[DP_BATCH_MAX];
	struct dp_packet *pk[DP_BATCH_MAX];
	union {
		char buf[AUX_SPACE];
		struct cmsghdr align;
	} ctl[DP_BATCH_MAX];
	int n;

	if (max > DP_BATCH_MAX - b->n)
		max = DP_BATCH_MAX - b->n;
	for (unsigned i = 0; i < max; i++) {
		pk[i] = dp_packet_pool_get(d->pool);
		iov[i][0] = (struct iovec){ &vh[i], sizeof vh[i] };
		iov[i][1] = (struct iovec){ pk[i]->data, DEV_RX_SIZE };
		memset(&msgs[i], 0, sizeof msgs[i]);
		msgs[i].msg_hdr.msg_iov = iov[i];
		msgs[i].msg_hdr.msg_iovlen = 2;
		msgs[i].msg_hdr.msg_control = ctl[i].buf;
		msgs[i].msg_hdr.msg_controllen = sizeof ctl[i].buf;
	}
	n = recvmmsg(port->fd, msgs, max, MSG_DONTWAIT, NULL);
	int err = n < 0 ? -errno : 0;
	for (int i = 0; i < n; i++) {
		struct dp_packet *p = pk[i];
		size_t len = msgs[i].msg_len;

		if (len < sizeof vh[i] ||
		    (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)) {
			coverage_inc(afpacket_rx_trunc);
			port->stats->rx_dropped++;
			dp_packet_free(p);
			continue;
		}
		p->len = (uint32_t)(len - sizeof vh[i]);
		io_vnet_to_offload(&vh[i], &p->offload);
		vlan_from_cmsg(p, &msgs[i].msg_hdr);
		b->pkts[b->n++] = p;
	}
	for (unsigned i = n > 0 ? (unsigned)n : 0; i < max; i++)
		dp_packet_free(pk[i]);
	if (err && err != -EAGAIN && err != -EINTR) {
		log_warn_rl(&io_rl, "%s: receive: %s", port->name,
			    strerror(-err));
		return err;
	}
	return n > 0 ? n : 0;
}

static void
afpacket_send(struct uport *port, struct dp_batch *b)
{
	const struct dev_port *d = dev_port_cast(port);
	int fd = d->tx_fd >= 0 ? d->tx_fd : port->fd;
	struct mmsghdr msgs[DP_BATCH_MAX];
	struct iovec iov[DP_BATCH_MAX][2];
	struct virtio_net_hdr vh[DP_BATCH_MAX];
	unsigned done = 0;

	for (unsigned i = 0; i < b->n; i++) {
		io_offload_to_vnet(&b->pkts[i]->offload, &vh[i]);
		iov[i][0] = (struct iovec){ &vh[i], sizeof vh[i] };
		iov[i][1] = (struct iovec){ b->pkts[i]->data, b->pkts[i]->len };
		memset(&msgs[i], 0, sizeof msgs[i]);
		msgs[i].msg_hdr.msg_iov = iov[i];
		msgs[i].msg_hdr.msg_iovlen = 2;
	}
	while (done < b->n) {
		int n = sendmmsg(fd, msgs + done, b->n - done, MSG_DONTWAIT);
		if (n > 0) {
			done += (unsigned)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		/* A full queue: drop the rest (never block the loop).  A
		 * refused packet: drop it and go on. */
		if (n < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
			coverage_add(afpacket_tx_drop, b->n - done);
			port->stats->tx_dropped += b->n - done;
			break;
		}
		log_warn_rl(&io_rl, "%s: send: %s", port->name,
			    strerror(errno));
		coverage_inc(afpacket_tx_drop);
		port->stats->tx_errors++;
		done++;
	}
	for (unsigned i = 0; i < b->n; i++) {
		if (msgs[i].msg_len) {
			port->stats->tx_packets++;
			port->stats->tx_bytes += b->pkts[i]->len;
		}
		dp_packet_free(b->pkts[i]);
	}
	b->n = 0;
}

static void
afpacket_query(struct uport *port, struct dp_port_info *info)
{
	struct tpacket_stats st;
	socklen_t len = sizeof st;

	vport_dev_query(port->name, info);
	/* The socket's drops (its queue was full): reading resets them. */
	if (!getsockopt(port->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		port->stats->rx_dropped += st.tp_drops;
}

static void
afpacket_close(struct uport *port, bool destroy)
{
	struct dev_port *d = dev_port_cast(port);

	/* Closing the socket drops its promiscuous membership (once the
	 * store has dropped its copy too). */
	if (destroy)
		vport_unkeep(d);
	if (d->ring)
		munmap(d->ring, d->ring_len);
	if (d->tx_fd >= 0)
		close(d->tx_fd);
	close(port->fd);
	dp_packet_pool_release(d->pool);
	free(d);
}

const struct uport_ops io_afpacket_ops = {
	.recv = afpacket_recv,
	.send = afpacket_send,
	.query = afpacket_query,
	.close = afpacket_close,
};
