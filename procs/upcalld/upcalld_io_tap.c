/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_io_tap: packet I/O on a tap fd (internal ports, and existing
 * tap devices nobody else holds), with IFF_VNET_HDR and the checksum and
 * TSO offloads on, so large segments and partial checksums pass through
 * as with AF_PACKET.  A tap fd has no recvmmsg: it is read until empty or
 * the port's budget is spent.
 */
#include "upcalld.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "coverage.h"
#include "log.h"

LOG_MODULE(io_tap);

COVERAGE_DEFINE(tap_tx_drop);

static struct log_rl io_rl = LOG_RL_INIT(5, 20);

int
io_tap_open(const char *name, bool create)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	int hdr = sizeof(struct virtio_net_hdr), err;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 ||
	    ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) <
		    0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int
tap_recv(struct uport *port, struct dp_batch *b, unsigned max)
{
	struct dev_port *d = dev_port_cast(port);
	unsigned got = 0;

	while (got < max && b->n < DP_BATCH_MAX) {
		struct dp_packet *p = dp_packet_pool_get(d->pool);
		struct virtio_net_hdr vh;
		struct iovec iov[2] = { { &vh, sizeof vh },
					{ p->data, DEV_RX_SIZE } };
		ssize_t n = readv(port->fd, iov, 2);

		if (n < (ssize_t)sizeof vh) {
			int err = n < 0 ? -errno : -EAGAIN;

			dp_packet_free(p);
			if (err == -EAGAIN || err == -EINTR)
				break;
			log_warn_rl(&io_rl, "%s: read: %s", port->name,
				    strerror(-err));
			return err;
		}
		p->len = (uint32_t)((size_t)n - sizeof vh);
		io_vnet_to_offload(&vh, &p->offload);
		b->pkts[b->n++] = p;
		got++;
	}
	return (int)got;
}

static void
tap_send(struct uport *port, struct dp_batch *b)
{
	for (unsigned i = 0; i < b->n; i++) {
		struct dp_packet *p = b->pkts[i];
		struct virtio_net_hdr vh;
		struct iovec iov[2] = { { &vh, sizeof vh },
					{ p->data, p->len } };

		io_offload_to_vnet(&p->offload, &vh);
		if (writev(port->fd, iov, 2) < 0) {
			/* EIO: the device is down; EAGAIN: its queue is
			 * full.  Either way the packet is dropped. */
			coverage_inc(tap_tx_drop);
			port->stats->tx_dropped++;
		} else {
			port->stats->tx_packets++;
			port->stats->tx_bytes += p->len;
		}
		dp_packet_free(p);
	}
	b->n = 0;
}

static void
tap_query(struct uport *port, struct dp_port_info *info)
{
	vport_dev_query(port->name, info);
}

static void
tap_close(struct uport *port, bool destroy)
{
	struct dev_port *d = dev_port_cast(port);

	/* A tap we created is not persistent: it goes with its fd, and
	 * with the store's copy. */
	if (destroy)
		vport_unkeep(d);
	close(port->fd);
	dp_packet_pool_release(d->pool);
	free(d);
}

const struct uport_ops io_tap_ops = {
	.recv = tap_recv,
	.send = tap_send,
	.query = tap_query,
	.close = tap_close,
};
