/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_vport: the ports of the "netdev" datapath and what they are
 * made of: "system" (an existing device, read through AF_PACKET in
 * promiscuous mode), "internal" (a tap device the datapath creates; the
 * local port carries the datapath's name), "tap" (an existing tap device,
 * attached with TUNSETIFF, or through AF_PACKET when another process such
 * as qemu holds it); tunnels have no device (upcalld_tunnel.c).
 */
#include "upcalld.h"

#include <errno.h>
#include <stdio.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

LOG_MODULE(vport);

/* A socket for the interface ioctls on device @name, with @ifr named
 * after it; -errno if none.  Any socket answers them; AF_UNIX is one
 * upcalld's seccomp filter allows (AF_INET is not among its families). */
static int
dev_ioctl_open(const char *name, struct ifreq *ifr)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memset(ifr, 0, sizeof *ifr);
	snprintf(ifr->ifr_name, sizeof ifr->ifr_name, "%s", name);
	return fd;
}

int
vport_dev_query(const char *name, struct dp_port_info *info)
{
	struct ifreq ifr;
	int fd = dev_ioctl_open(name, &ifr);
	int r = 0;

	if (fd < 0)
		return fd;
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		r = -ENODEV;
		goto out;
	}
	info->ifindex = ifr.ifr_ifindex;
	if (!ioctl(fd, SIOCGIFHWADDR, &ifr))
		memcpy(info->mac, ifr.ifr_hwaddr.sa_data, 6);
	if (!ioctl(fd, SIOCGIFMTU, &ifr))
		info->mtu = ifr.ifr_mtu;
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		info->admin_up = ifr.ifr_flags & IFF_UP;
		info->carrier = ifr.ifr_flags & IFF_RUNNING;
	}
	struct ethtool_cmd ecmd = { .cmd = ETHTOOL_GSET };
	ifr.ifr_data = (void *)&ecmd;
	if (!ioctl(fd, SIOCETHTOOL, &ifr)) {
		uint32_t speed = ethtool_cmd_speed(&ecmd);

		info->speed_mbps = speed == (uint32_t)SPEED_UNKNOWN ? 0 : speed;
	}
out:
	close(fd);
	return r;
}

bool
vport_dev_exists(const char *name)
{
	struct ifreq ifr;
	int fd = dev_ioctl_open(name, &ifr);
	bool r;

	if (fd < 0)
		return false;
	r = !ioctl(fd, SIOCGIFINDEX, &ifr);
	close(fd);
	return r;
}

int
vport_dev_set_up(const char *name, bool up)
{
	struct ifreq ifr;
	int fd = dev_ioctl_open(name, &ifr);
	int r = 0;

	if (fd < 0)
		return fd;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		r = -ENODEV;
		goto out;
	}
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
out:
	close(fd);
	return r;
}

int
vport_dev_set_mac(const char *name, const uint8_t mac[6])
{
	struct ifreq ifr;
	int fd = dev_ioctl_open(name, &ifr);
	int r = 0;

	if (fd < 0)
		return fd;
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	if (ioctl(fd, SIOCSIFHWADDR, &ifr) < 0)
		r = -errno;
	close(fd);
	return r;
}

void
io_vnet_to_offload(const struct virtio_net_hdr *v, struct mvs_offload *o)
{
	o->flags = v->flags &
		   (MVS_OFFLOAD_F_NEEDS_CSUM | MVS_OFFLOAD_F_DATA_VALID);
	o->gso_type = v->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	o->hdr_len = v->hdr_len;
	o->gso_size = v->gso_size;
	o->csum_start = v->csum_start;
	o->csum_offset = v->csum_offset;
	o->pad = 0;
}

void
io_offload_to_vnet(const struct mvs_offload *o, struct virtio_net_hdr *v)
{
	/* DATA_VALID is a receive-side promise; a sender passes none. */
	v->flags = o->flags & MVS_OFFLOAD_F_NEEDS_CSUM;
	v->gso_type = o->gso_type;
	v->hdr_len = o->hdr_len;
	v->gso_size = o->gso_size;
	v->csum_start = o->csum_start;
	v->csum_offset = o->csum_offset;
}

static int
open_system(struct dev_port *d, const char *name)
{
	d->ifindex = (int)if_nametoindex(name);
	if (!d->ifindex)
		return -ENODEV;
	return io_afpacket_open(d);
}

static int
open_tap(struct dev_port *d, const char *name, bool create)
{
	int fd;

	if (!create && !if_nametoindex(name))
		return -ENODEV;
	fd = io_tap_open(name, create);
	if (fd == -EBUSY && !create) {
		/* qemu (or another process) holds the tap: read and write
		 * its other side through AF_PACKET, as a system port. */
		log_info("%s: tap in use by another process, using AF_PACKET",
			 name);
		return open_system(d, name);
	}
	if (fd < 0)
		return fd;
	d->up.fd = fd;
	d->up.ops = &io_tap_ops;
	d->created = create;
	d->ifindex = (int)if_nametoindex(name);
	return 0;
}

/* The keep record of port @d of @dp, numbered @port_no. */
static void
keep_record(const struct udp_dp *dp, const struct dev_port *d, uint32_t port_no,
	    struct keep_port *kp)
{
	memset(kp, 0, sizeof *kp);
	snprintf(kp->dp, sizeof kp->dp, "%s", dp->up.name);
	memcpy(kp->name, d->up.name, sizeof kp->name);
	kp->port_no = port_no;
	kp->type = d->up.type;
	kp->io = d->keep_io;
	kp->fd = d->up.fd;
}

/* Takes over the descriptor a previous upcalld kept for this port. */
static int
adopt(struct dev_port *d, const struct keep_port *kp)
{
	int r = 0;

	switch (kp->io) {
	case 'r':
	case 'a':
		r = io_afpacket_adopt(d, kp->fd, kp->io == 'r');
		break;
	default:
		d->up.fd = kp->fd;
		d->up.ops = &io_tap_ops;
		d->created = kp->io == 'T';
		d->ifindex = (int)if_nametoindex(kp->name);
		break;
	}
	if (r) {
		log_warn("%s: kept descriptor unusable (%s): opening anew",
			 kp->name, strerror(-r));
		keep_port_remove(kp);
		close(kp->fd);
		return r;
	}
	d->keep_io = kp->io;
	d->up.kept = true;
	log_info("%s: port %u taken over from the previous upcalld", kp->name,
		 kp->port_no);
	return 0;
}

/* How the port's descriptor is kept: see upcalld_keep.c. */
static char
io_kind(const struct dev_port *d)
{
	if (d->up.ops == &io_tap_ops)
		return d->created ? 'T' : 't';
	return d->ring ? 'r' : 'a';
}

static int
netdev_port_open(struct udp_dp *dp, const struct dp_port_spec *spec,
		 struct uport **portp)
{
	struct dev_port *d = xzalloc(sizeof *d);
	struct dp_port_info info;
	struct keep_port kp;
	int r;

	d->up.fd = -1;
	d->up.type = spec->type;
	snprintf(d->up.name, sizeof d->up.name, "%s", spec->name);
	if (keep_port_take(dp->up.name, spec->name, spec->type, spec->port_no,
			   &kp) >= 0 &&
	    !adopt(d, &kp))
		goto opened;
	switch (spec->type) {
	case MVS_VPORT_TYPE_NETDEV:
		r = open_system(d, spec->name);
		break;
	case MVS_VPORT_TYPE_INTERNAL:
		r = open_tap(d, spec->name, true);
		break;
	case MVS_VPORT_TYPE_TAP:
		r = open_tap(d, spec->name, false);
		break;
	default:
		free(d);
		return tnl_port_open(spec, portp); /* upcalld_tunnel.c */
	}
	if (r) {
		free(d);
		return r;
	}
	d->keep_io = io_kind(d);
	keep_record(dp, d, spec->port_no, &kp);
	keep_port_put(&kp);
opened:
	memset(&info, 0, sizeof info);
	vport_dev_query(spec->name, &info);
	d->up.mtu = info.mtu;
	d->up.offload = true; /* both I/O paths carry a vnet header */
	d->pool = dp_packet_pool_new(DEV_RX_SIZE, 2 * DP_BATCH_MAX);
	*portp = &d->up;
	return 0;
}

void
vport_unkeep(struct dev_port *d)
{
	struct keep_port kp;

	if (!d->keep_io || !d->up.dp)
		return;
	keep_record(d->up.dp, d, d->up.port_no, &kp);
	keep_port_remove(&kp);
}

const struct uport_factory netdev_port_factory = { netdev_port_open, true };
