/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vsctl_priv: the bridge/port/interface model ovs-vsctl builds from the
 * cache before each command: real bridges, fake (VLAN) bridges made of a
 * Port with fake_bridge=true on a parent, the ports of each and their
 * interfaces.
 */
#ifndef MICROVS_VSCTL_PRIV_H
#define MICROVS_VSCTL_PRIV_H

#include "vsctl.h"

struct vsctl_bridge {
	const char *name;
	struct dbctl_row *br_cfg;    /* the Bridge row (parent's for fake) */
	struct dbctl_row *fake_port; /* the Port row of a fake bridge */
	struct vsctl_bridge *parent; /* NULL for real bridges */
	int vlan;
};

struct vsctl_port {
	struct dbctl_row *row;
	struct vsctl_bridge *bridge;
};

struct vsctl_iface {
	struct dbctl_row *row;
	struct vsctl_port *port;
};

struct vsctl_model {
	struct dbctl_row *ovs;
	struct vsctl_bridge *bridges;
	size_t n_bridges;
	struct vsctl_port *ports;
	size_t n_ports;
	struct vsctl_iface *ifaces;
	size_t n_ifaces;
};

static inline struct vsctl_model *
vsctl_model(struct dbctl_ctx *ctx)
{
	return ctx->tool_data;
}

/* Lookups by name in the model.  A bridge's local port and interface
 * (named like the bridge) are not found as ports or interfaces.  NULL if
 * absent, unless @must_exist, which makes absence fatal ("no bridge named
 * X", "no port named X", "no interface named X"). */
struct vsctl_bridge *vsctl_find_bridge(struct dbctl_ctx *ctx, const char *name,
				       bool must_exist);
struct vsctl_port *vsctl_find_port(struct dbctl_ctx *ctx, const char *name,
				   bool must_exist);
struct vsctl_iface *vsctl_find_iface(struct dbctl_ctx *ctx, const char *name,
				     bool must_exist);
/* Real bridge for @br (itself or its parent). */
static inline struct vsctl_bridge *
vsctl_real(struct vsctl_bridge *br)
{
	return br->parent ? br->parent : br;
}

/* Prints @names (n) sorted, one per line, into ctx->out. */
void vsctl_print_sorted(struct dbctl_ctx *ctx, const char **names, size_t n);

/* Table lookup by exact name (loads it). */
struct dbctl_table *vsctl_table(struct dbctl_ctx *ctx, const char *name);

extern const struct dbctl_command vsctl_bridge_commands[];

#endif
