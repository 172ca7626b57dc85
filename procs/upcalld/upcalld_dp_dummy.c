/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_dp_dummy: the "dummy" datapath class: the userspace engine with
 * in-memory ports.  Tests inject packets with dp_dummy_receive() and read
 * what the datapath sent with dp_dummy_take_output(); no device, no
 * privilege.
 */
#include "upcalld.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct dummy_port {
	struct uport up;
	uint8_t mac[6]; /* aa:55:aa:55:00:NN, as Open vSwitch's dummy ports */
	bool admin_down;
	struct dp_packet **out; /* captured output, oldest first */
	size_t n_out, cap_out, head;
};

static struct dummy_port *
dummy_port_cast(struct uport *port)
{
	return (struct dummy_port *)(void *)port;
}

static int
dummy_recv(struct uport *port, struct dp_batch *b, unsigned max)
{
	return 0; /* packets come from dp_dummy_receive() */
}

static void
dummy_send(struct uport *port, struct dp_batch *b)
{
	struct dummy_port *d = dummy_port_cast(port);

	for (unsigned i = 0; i < b->n; i++) {
		if (d->n_out == d->cap_out) {
			d->cap_out = d->cap_out ? d->cap_out * 2 : 16;
			d->out = xrealloc(d->out, d->cap_out * sizeof *d->out);
		}
		port->stats->tx_packets++;
		port->stats->tx_bytes += b->pkts[i]->len;
		d->out[d->n_out++] = b->pkts[i];
	}
	b->n = 0;
}

static void
dummy_query(struct uport *port, struct dp_port_info *info)
{
	struct dummy_port *d = dummy_port_cast(port);

	info->carrier = true;
	info->admin_up = !d->admin_down;
	memcpy(info->mac, d->mac, sizeof d->mac);
}

static int
dummy_set(struct uport *port, bool admin_up, const uint8_t *mac)
{
	struct dummy_port *d = dummy_port_cast(port);

	d->admin_down = !admin_up;
	if (mac)
		memcpy(d->mac, mac, sizeof d->mac);
	return 0;
}

static void
dummy_close(struct uport *port, bool destroy)
{
	struct dummy_port *d = dummy_port_cast(port);

	for (size_t i = d->head; i < d->n_out; i++)
		dp_packet_free(d->out[i]);
	free(d->out);
	free(d);
}

static const struct uport_ops dummy_port_ops = {
	.recv = dummy_recv,
	.send = dummy_send,
	.query = dummy_query,
	.close = dummy_close,
	.set = dummy_set,
};

static int
dummy_port_open(struct udp_dp *dp, const struct dp_port_spec *spec,
		struct uport **portp)
{
	static uint8_t next_mac; /* per process, as Open vSwitch numbers them */
	struct dummy_port *d = xzalloc(sizeof *d);

	memcpy(d->mac, "\xaa\x55\xaa\x55\x00", 5);
	d->mac[5] = next_mac++;

	d->up.ops = &dummy_port_ops;
	d->up.fd = -1;
	d->up.type = spec->type;
	d->up.mtu = 1500;
	d->up.offload = true;
	snprintf(d->up.name, sizeof d->up.name, "%s", spec->name);
	*portp = &d->up;
	return 0;
}

static const struct uport_factory dummy_factory = { dummy_port_open, false };

static struct dummy_port *
dummy_get(struct dp *dp_, uint32_t port_no)
{
	struct udp_dp *dp = udp_dp_cast(dp_);

	if (dp->up.cls != &dp_dummy_class || port_no >= dp->n_ports ||
	    !dp->ports[port_no])
		return NULL;
	return dummy_port_cast(dp->ports[port_no]);
}

int
dp_dummy_receive(struct dp *dp, uint32_t port_no, struct dp_packet *p)
{
	struct dummy_port *d = dummy_get(dp, port_no);
	struct dp_batch b = { 1, { p } };

	if (!d) {
		dp_packet_free(p);
		return -ENOENT;
	}
	udp_receive(udp_dp_cast(dp), &d->up, &b);
	return 0;
}

struct dp_packet *
dp_dummy_take_output(struct dp *dp, uint32_t port_no)
{
	struct dummy_port *d = dummy_get(dp, port_no);

	if (d)
		udp_flush_tx(udp_dp_cast(dp)); /* what execute left queued */
	if (!d || d->head == d->n_out)
		return NULL;
	struct dp_packet *p = d->out[d->head++];
	if (d->head == d->n_out)
		d->head = d->n_out = 0;
	return p;
}

int
dp_dummy_set_offload(struct dp *dp, uint32_t port_no, bool offload)
{
	struct dummy_port *d = dummy_get(dp, port_no);

	if (!d)
		return -ENOENT;
	d->up.offload = offload;
	return 0;
}

static int
dummy_open(const struct dp_class *cls, const char *name, struct ev_loop *loop,
	   const struct dp_upcall_ops *ops, void *aux, struct dp **dpp)
{
	return udp_open(cls, name, loop, ops, aux, &dummy_factory, dpp);
}

const struct dp_class dp_dummy_class = UDP_DP_CLASS("dummy", dummy_open);
