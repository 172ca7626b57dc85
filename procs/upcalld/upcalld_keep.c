/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_keep: what the "netdev" datapath keeps across upcalld's own
 * restart, in the service manager's descriptor store (lib/fdstore.h,
 * systemd's FDSTORE protocol, which microvs-ctl speaks too): each port's
 * descriptor (its AF_PACKET socket, with its receive ring and promiscuous
 * membership, or its tap fd, which keeps an internal device alive) and
 * each datapath's state memfd (megaflow table and statistics,
 * upcalld_dp_state.c).
 *
 * The name of a stored descriptor says what it is, so that the next
 * upcalld knows which datapath and port it belongs to:
 *
 *	dp1/netdev/DP/state
 *	dp1/netdev/DP/port/PORT_NO/VPORT_TYPE/IO/DEVICE
 *
 * IO is 'r' (AF_PACKET with the receive ring of upcalld_io_afpacket.c),
 * 'a' (AF_PACKET without a ring), 't' (a tap device attached) or 'T' (a
 * tap device the datapath created).  Neither a device nor a datapath name
 * holds '/' (Linux refuses it), so the fields cannot run together.  "dp1"
 * is the version of this naming: what a newer or older upcalld stored
 * under another is closed, logged, and the datapath starts empty.
 *
 * MICROVS_DP_KEEP=0 in the environment turns it off (nothing stored,
 * whatever was given back closed): the datapath then starts empty after a
 * restart, as Open vSwitch's does.
 */
#include "upcalld.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdstore.h"
#include "log.h"
#include "util.h"

LOG_MODULE(keep);

#define KEEP_PREFIX "dp1/netdev/"

static struct keep_port *kept; /* parsed at keep_init, not yet taken */
static size_t n_kept;
static char **kept_dps; /* datapaths with a state memfd */
static size_t n_kept_dps;
static bool enabled = true;

/* Remembers datapath @dp as one to restore (once). */
static void
add_dp(const char *dp)
{
	for (size_t i = 0; i < n_kept_dps; i++)
		if (!strcmp(kept_dps[i], dp))
			return;
	kept_dps = xrealloc(kept_dps, (n_kept_dps + 1) * sizeof *kept_dps);
	kept_dps[n_kept_dps++] = xstrdup(dp);
}

/* Splits "DP/port/NO/TYPE/IO/DEV" (after the prefix) into @kp; false if
 * it is not that. */
static bool
parse_port(const char *rest, struct keep_port *kp)
{
	char dp[IFNAMSIZ], dev[IFNAMSIZ];
	unsigned long no, type;
	char io, tail;

	if (sscanf(rest, "%15[^/]/port/%lu/%lu/%c/%15[^/]%c", dp, &no, &type,
		   &io, dev, &tail) != 5)
		return false;
	if (no > MVS_PORT_MAX || !type || type >= __MVS_VPORT_TYPE_MAX ||
	    !strchr("ratT", io))
		return false;
	memset(kp, 0, sizeof *kp);
	snprintf(kp->dp, sizeof kp->dp, "%s", dp);
	snprintf(kp->name, sizeof kp->name, "%s", dev);
	kp->port_no = (uint32_t)no;
	kp->type = (enum mvs_vport_type)type;
	kp->io = io;
	kp->fd = -1;
	return true;
}

/* The datapath @rest names if it is "DP/state", else NULL (static). */
static const char *
parse_state(const char *rest)
{
	static char dp[IFNAMSIZ];
	char tail;

	if (sscanf(rest, "%15[^/]/state%c", dp, &tail) != 1)
		return NULL;
	return strlen(rest) == strlen(dp) + strlen("/state") ? dp : NULL;
}

void
keep_init(void)
{
	const char *env = getenv("MICROVS_DP_KEEP");
	char **names = fdstore_names();
	size_t n_names = 0, n_bad = 0;

	enabled = !(env && !strcmp(env, "0"));
	for (char **p = names; *p; p++) {
		const char *name = *p;
		struct keep_port kp;
		const char *dp;
		int fd;

		n_names++;
		if (!enabled ||
		    strncmp(name, KEEP_PREFIX, strlen(KEEP_PREFIX))) {
			/* Gone from the store too: a device must not stay
			 * alive or promiscuous for nobody. */
			fdstore_remove(*p);
			n_bad++;
			continue;
		}
		name += strlen(KEEP_PREFIX);
		if ((dp = parse_state(name))) {
			add_dp(dp);
		} else if (parse_port(name, &kp) &&
			   fdstore_take(*p, &fd, 1) == 1) {
			kp.fd = fd;
			kept = xrealloc(kept, (n_kept + 1) * sizeof *kept);
			kept[n_kept++] = kp;
			add_dp(kp.dp);
		} else {
			fdstore_remove(*p);
			n_bad++;
		}
	}
	if (n_bad)
		log_warn("%zu of %zu kept descriptors dropped (%s): those "
			 "datapaths start empty",
			 n_bad, n_names,
			 enabled ? "not of this version" : "MICROVS_DP_KEEP=0");
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

size_t
keep_datapaths(char *const **dps)
{
	*dps = kept_dps;
	return n_kept_dps;
}

size_t
keep_ports(const char *dp, struct keep_port *v, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < n_kept && (!v || n < max); i++)
		if (kept[i].fd >= 0 && !strcmp(kept[i].dp, dp)) {
			if (v)
				v[n] = kept[i];
			n++;
		}
	return n;
}

int
keep_port_take(const char *dp, const char *name, enum mvs_vport_type type,
	       uint32_t port_no, struct keep_port *kp)
{
	for (size_t i = 0; i < n_kept; i++) {
		struct keep_port *k = &kept[i];

		if (k->fd < 0 || strcmp(k->dp, dp) || strcmp(k->name, name) ||
		    k->type != type)
			continue;
		if (port_no != MVS_PORT_NONE && port_no != k->port_no)
			continue;
		*kp = *k;
		k->fd = -1;
		return kp->fd;
	}
	return -ENOENT;
}

/* The store's name of @kp into @buf. */
static void
port_name(const struct keep_port *kp, char *buf, size_t size)
{
	snprintf(buf, size, KEEP_PREFIX "%s/port/%u/%u/%c/%s", kp->dp,
		 kp->port_no, (unsigned)kp->type, kp->io, kp->name);
}

int
keep_port_put(const struct keep_port *kp)
{
	char name[FDSTORE_NAME_MAX + 1];
	int r;

	if (!enabled)
		return 0;
	port_name(kp, name, sizeof name);
	r = fdstore_put(name, &kp->fd, 1);
	if (r && r != -ENOTSUP)
		log_warn("%s: not kept across a restart: %s", kp->name,
			 strerror(-r));
	return r == -ENOTSUP ? 0 : r;
}

void
keep_port_remove(const struct keep_port *kp)
{
	char name[FDSTORE_NAME_MAX + 1];

	if (!enabled)
		return;
	port_name(kp, name, sizeof name);
	fdstore_remove(name);
}

/* The store's name of @dp's state into @buf. */
static void
state_name(const char *dp, char *buf, size_t size)
{
	snprintf(buf, size, KEEP_PREFIX "%s/state", dp);
}

int
keep_state_take(const char *dp)
{
	char name[FDSTORE_NAME_MAX + 1];
	int fd;

	state_name(dp, name, sizeof name);
	return fdstore_take(name, &fd, 1) == 1 ? fd : -ENOENT;
}

int
keep_state_put(const char *dp, int fd)
{
	char name[FDSTORE_NAME_MAX + 1];
	int r;

	if (!enabled)
		return 0;
	state_name(dp, name, sizeof name);
	r = fdstore_put(name, &fd, 1);
	return r == -ENOTSUP ? 0 : r;
}

void
keep_remove_state(const char *dp)
{
	char name[FDSTORE_NAME_MAX + 1];

	state_name(dp, name, sizeof name);
	fdstore_remove(name);
}

void
keep_done(void)
{
	/* A kept port no datapath took (its datapath's state was lost, or
	 * it was not restored) is released: its device must not stay
	 * promiscuous or alive for nobody. */
	for (size_t i = 0; i < n_kept; i++) {
		if (kept[i].fd < 0)
			continue;
		log_info("%s: kept port %s of %s not restored: released",
			 kept[i].dp, kept[i].name, kept[i].dp);
		keep_port_remove(&kept[i]);
		close(kept[i].fd);
	}
	free(kept);
	kept = NULL;
	n_kept = 0;
	for (size_t i = 0; i < n_kept_dps; i++)
		free(kept_dps[i]);
	free(kept_dps);
	kept_dps = NULL;
	n_kept_dps = 0;
	fdstore_close_untaken();
}
