/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_io_afpacket: packet I/O through an AF_PACKET socket per device,
 * with PACKET_VNET_HDR so that checksum-offload and GSO state come with
 * each packet (a 64 KB TCP segment crosses the switch whole), batched with
 * recvmmsg and sendmmsg: one system call per port per batch each way.
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
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "coverage.h"
#include "log.h"

LOG_MODULE(io_afpacket);

COVERAGE_DEFINE(afpacket_rx_trunc);
COVERAGE_DEFINE(afpacket_tx_drop);

static struct log_rl io_rl = LOG_RL_INIT(5, 20);

int
io_afpacket_open(int ifindex)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			htons(ETH_P_ALL));
	int one = 1, rcvbuf = 4 << 20;
	struct sockaddr_ll sll = { 0 };
	struct packet_mreq mr = { 0 };

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0)
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
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0)
		goto fail;
	mr.mr_ifindex = ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) <
	    0)
		goto fail;
	return fd;
fail:;
	int err = -errno;
	close(fd);
	return err;
}

static int
afpacket_recv(struct uport *port, struct dp_batch *b, unsigned max)
{
	struct dev_port *d = dev_port_cast(port);
	struct mmsghdr msgs[DP_BATCH_MAX];
	struct iovec iov[DP_BATCH_MAX][2];
	struct virtio_net_hdr vh[DP_BATCH_MAX];
	struct dp_packet *pk[DP_BATCH_MAX];
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
	}
	n = recvmmsg(port->fd, msgs, max, MSG_DONTWAIT, NULL);
	int err = n < 0 ? -errno : 0;
	for (int i = 0; i < n; i++) {
		struct dp_packet *p = pk[i];
		size_t len = msgs[i].msg_len;

		if (len < sizeof vh[i] ||
		    (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)) {
			coverage_inc(afpacket_rx_trunc);
			port->stats.rx_dropped++;
			dp_packet_free(p);
			continue;
		}
		p->len = (uint32_t)(len - sizeof vh[i]);
		io_vnet_to_offload(&vh[i], &p->offload);
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
		int n = sendmmsg(port->fd, msgs + done, b->n - done,
				 MSG_DONTWAIT);
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
			port->stats.tx_dropped += b->n - done;
			break;
		}
		log_warn_rl(&io_rl, "%s: send: %s", port->name,
			    strerror(errno));
		coverage_inc(afpacket_tx_drop);
		port->stats.tx_errors++;
		done++;
	}
	for (unsigned i = 0; i < b->n; i++) {
		if (msgs[i].msg_len) {
			port->stats.tx_packets++;
			port->stats.tx_bytes += b->pkts[i]->len;
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
		port->stats.rx_dropped += st.tp_drops;
}

static void
afpacket_close(struct uport *port, bool destroy)
{
	struct dev_port *d = dev_port_cast(port);

	/* Closing the socket drops its promiscuous membership. */
	close(port->fd);
	dp_packet_pool_release(d->pool);
	free(d);
}

const struct uport_ops io_afpacket_ops = {
	afpacket_recv,
	afpacket_send,
	afpacket_query,
	afpacket_close,
};
