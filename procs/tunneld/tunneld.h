/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tunneld.h: tunneld's private interfaces (STYLE.md rule 1):
 *
 *   tunneld.c          the replica of the tunnel Interfaces, their
 *                      underlay, what it publishes to vswitchd, the
 *                      status it writes, its appctl commands
 *   tunneld_netlink.c  the host's routing, neighbour and link tables
 *                      over rtnetlink: lookups and change notifications
 *
 * Everything runs on tunneld's one event-loop thread.
 */
#ifndef MICROVS_TUNNELD_H
#define MICROVS_TUNNELD_H

#include <stdbool.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "ev.h"

/* Addresses are IPv6, an IPv4 one IPv4-mapped (::ffff:a.b.c.d). */

/* The underlay of one remote address, as the kernel would send to it. */
struct tnld_underlay {
	int ifindex;		 /* egress device; 0: no route */
	char dev[16];		 /* its name */
	struct in6_addr src;	 /* source address */
	struct in6_addr nexthop; /* gateway or the remote itself */
	uint8_t smac[6];	 /* the egress device's address */
	uint8_t dmac[6];	 /* the next hop's, if resolved */
	bool resolved;		 /* dmac is valid */
	bool carrier;		 /* the egress device is running */
};

struct tnld_nl;
struct tnld;
struct bus;
struct bus_req;

/* tunneld.c */
/* A tunneld, zeroed; tnld_start() starts it. */
struct tnld *tnld_new(void);
/* Opens rtnetlink and the replica of Interface, registers the appctl
 * commands (tnl/neigh/show, tnl/arp/show, tnl/neigh/flush,
 * tnl/arp/flush, tnl/ports/show).  Exits on error (start-up). */
void tnld_start(struct tnld *t, struct ev_loop *loop, struct bus *bus);
/* The handler of BUS_MSG_TNL_ROUTES_GET: the table as last published. */
void tnld_on_routes_get(struct bus_req *req, const void *msg, void *aux);
/* The handler of BUS_MSG_TNL_REMOTES_WANT: adds the remotes (kept while
 * a remote_ip=flow tunnel exists, at most 256, the oldest dropped
 * first), resolves, replies with the table; -EINVAL if one is no IP
 * address (the others are taken). */
void tnld_on_remotes_want(struct bus_req *req, const void *msg, void *aux);

/* tunneld_netlink.c */

/* Opens the rtnetlink sockets: one for lookups, one subscribed to link,
 * address, IPv4 route and neighbour changes, polled on @loop; @changed
 * runs (on the loop) after each burst of notifications.  0 or -errno. */
int tnld_nl_open(struct ev_loop *loop, void (*changed)(void *aux), void *aux,
		 struct tnld_nl **nlp);
void tnld_nl_close(struct tnld_nl *nl);

/* Resolves @remote through the routing table, the device and the
 * neighbour table (ARP or ND) into *@u.  0 (u->resolved says whether the
 * next hop's MAC is known), -ENETUNREACH (no route) or -errno.  Blocks
 * only for the kernel's immediate answers. */
int tnld_nl_resolve(struct tnld_nl *nl, const struct in6_addr *remote,
		    struct tnld_underlay *u);

/* Makes the kernel resolve the next hop towards @remote (an empty UDP
 * datagram to the discard port: no capability needed); the neighbour
 * notification follows when it answers. */
void tnld_nl_solicit(const struct in6_addr *remote);

/* True if @a is an IPv4 address (IPv4-mapped). */
bool tnld_ip_is_v4(const struct in6_addr *a);
/* Parses an IPv4 or IPv6 address into *@a; false if @s is neither, or
 * the unspecified address. */
bool tnld_ip_parse(const char *s, struct in6_addr *a);
/* @a as text (dotted quad for IPv4) in @buf; returns @buf. */
const char *tnld_ip_text(const struct in6_addr *a, char buf[INET6_ADDRSTRLEN]);

#endif
