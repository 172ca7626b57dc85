/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vtepd.h: vtepd's private interfaces (STYLE.md rule 1):
 *
 *   vtepd.c        the two replicas (hardware_vtep, Open_vSwitch), the
 *                  1 s refresh, the flows and the learned MACs over the
 *                  bus (BUS_MSG_VTEP_FLOWS)
 *   vtepd_model.c  what the hardware_vtep rows ask for: logical switch
 *                  bridges, patch and VXLAN ports, flows, and the
 *                  Open_vSwitch and hardware_vtep transactions that get
 *                  there
 *
 * Everything runs on vtepd's one event-loop thread.
 */
#ifndef MICROVS_VTEPD_H
#define MICROVS_VTEPD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "replica.h"

struct vtepd;
struct ev_loop;
struct bus;

/* vtepd.c */
/* A vtepd, zeroed; vtepd_start() starts it. */
struct vtepd *vtepd_new(void);
/* Opens the replicas of hardware_vtep and Open_vSwitch and the 1 s
 * refresh.  Exits on error (start-up). */
void vtepd_start(struct vtepd *v, struct ev_loop *loop, struct bus *bus);

/* vtepd_model.c */
/* One bridge vtepd wants, with its ports and flows. */
struct vtepd_port {
	char *name;
	char *type;	  /* "patch", "vxlan" */
	char *opt_key[3]; /* options (NULL-ended) */
	char *opt_value[3];
};

struct vtepd_bridge {
	char *name;
	char *ls;      /* logical switch name; NULL: the physical switch */
	char *dp_type; /* datapath_type */
	struct vtepd_port *ports;
	size_t n_ports;
	char **flows;
	size_t n_flows;
	char **learn; /* ports whose source MACs are learned */
	size_t n_learn;
	const struct ovsdb_row *ls_row; /* hardware_vtep Logical_Switch */
};

struct vtepd_model {
	struct vtepd_bridge *bridges;
	size_t n_bridges;
	/* hardware_vtep: Physical_Port rows to add ("PS PORT"). */
	char **new_pports;
	size_t n_new_pports;
	char *local_ip; /* the physical switch's tunnel_ips[0] */
	char *ps_name;	/* that physical switch */
	/* The remotes its logical switches tunnel to: one Tunnel row each
	 * in the physical switch's tunnels, as Open vSwitch's VTEP
	 * emulator keeps them. */
	char **remote_ips;
	size_t n_remote_ips;
};

/* Computes what @vtep (hardware_vtep) asks of @ovs (Open_vSwitch) with
 * the MACs learned so far (@learned: "BRIDGE MAC" strings). */
void vtepd_model_build(struct replica *vtep, struct replica *ovs,
		       struct vtepd_model *m);
void vtepd_model_free(struct vtepd_model *m);
/* The Open_vSwitch operations that bring @ovs to @m (an empty array
 * when nothing differs). */
json_t *vtepd_ovs_ops(struct replica *ovs, const struct vtepd_model *m);
/* The hardware_vtep operations: the new Physical_Port rows,
 * Ucast_Macs_Local as @learned ("LSNAME MAC" strings) says, and the
 * physical switch's Tunnel rows (local and remote locators, BFD off:
 * bfd_status:enabled=false and bfd_config_local's defaults) for
 * @m->remote_ips. */
json_t *vtepd_vtep_ops(struct replica *vtep, const struct vtepd_model *m,
		       char **learned, size_t n_learned);

#endif
