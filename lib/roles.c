/* SPDX-License-Identifier: Apache-2.0 */
/* roles: the role table.  Keep it on one screen. */
#include "roles.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

#define RESTART_POLICY                                  \
	.restart_burst = 5, .restart_window_ms = 10000, \
	.restart_backoff_ms = 1000

const struct role roles[ROLE_N_IDS] = {
	[ROLE_DBSERVER] = { "dbserver", "microvs-dbserver", "microvs-db",
			    "configuration database (OVSDB on SQLite)",
			    .families = { AF_UNIX, AF_INET, AF_INET6 },
			    .writes_dbdir = true, RESTART_POLICY },
	[ROLE_UPCALLD] = { "upcalld", "microvs-upcalld", "microvs-dp",
			   "datapath owner: vports, upcalls, megaflows",
			   .caps = ROLE_CAP(CAP_NET_ADMIN) |
				   ROLE_CAP(CAP_NET_RAW),
			   .families = { AF_UNIX, AF_NETLINK, AF_PACKET,
					 AF_XDP },
			   .syscalls = { "bpf",		   /* AF_XDP sockets */
					 "memfd_create" }, /* flow table */
			   /* its ports' sockets and the flow table survive
			    * its restart */
			   .fd_store_max = 4096, RESTART_POLICY },
	[ROLE_VSWITCHD] = { "vswitchd", "microvs-vswitchd", "microvs-sw",
			    "OpenFlow switch: bridges, flow tables, "
			    "translation",
			    .families = { AF_UNIX, AF_INET, AF_INET6 },
			    RESTART_POLICY },
	[ROLE_TUNNELD] = { "tunneld", "microvs-tunneld", "microvs-tnl",
			   "tunnel ports: VXLAN, GRE, Geneve endpoints and "
			   "underlay",
			   /* No capability: reading routes, neighbours and
			    * links needs none, and the userspace datapath
			    * pushes the outer headers itself.  CAP_NET_ADMIN
			    * comes back with the kernel datapath's tunnel
			    * devices. */
			   .families = { AF_UNIX, AF_NETLINK, AF_INET,
					 AF_INET6 },
			   RESTART_POLICY },
	[ROLE_VTEPD] = { "vtepd", "microvs-vtepd", "microvs-vtep",
			 "VTEP emulator: hardware_vtep to bridges and flows",
			 .families = { AF_UNIX }, RESTART_POLICY },
	/* Not processes of their own.  admin: uid 0, calling with the
	 * operator's tools.  supervisor: microvs-ctl's supervisor, serving
	 * on the bus; it runs as root, so as a caller it is admin. */
	[ROLE_ADMIN] = { "admin", NULL, "root", "the operator" },
	[ROLE_SUPERVISOR] = { "supervisor", "microvs-ctl", NULL,
			      "the supervisor of microvs-ctl start" },
};
const size_t n_roles = ROLE_N_PROCS;

const struct role_family role_families[] = {
	{ AF_UNIX, "AF_UNIX" },	    { AF_INET, "AF_INET" },
	{ AF_INET6, "AF_INET6" },   { AF_NETLINK, "AF_NETLINK" },
	{ AF_PACKET, "AF_PACKET" }, { AF_XDP, "AF_XDP" },
};
const size_t n_role_families = ARRAY_SIZE(role_families);

bool
role_allows_family(const struct role *r, int af)
{
	for (int i = 0; i < ROLE_MAX_FAMILIES && r->families[i]; i++)
		if (r->families[i] == af)
			return true;
	return false;
}

const char *
role_family_name(int af)
{
	for (size_t i = 0; i < n_role_families; i++)
		if (role_families[i].af == af)
			return role_families[i].name;
	return NULL;
}

const struct role *
role_find(const char *name)
{
	static const struct {
		const char *alias, *role;
	} aliases[] = {
		{ "ovsdb-server", "dbserver" },
		{ "ovs-vswitchd", "vswitchd" },
		{ "ovs-vtep", "vtepd" },
	};

	if (!strncmp(name, "microvs-", 8))
		name += 8;
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(name, aliases[i].alias))
			name = aliases[i].role;
	for (size_t i = 0; i < n_roles; i++)
		if (!strcmp(roles[i].name, name))
			return &roles[i];
	return NULL;
}

enum role_id
role_index(const struct role *r)
{
	return (enum role_id)(r - roles);
}

int
role_uid(const struct role *r, uid_t *uid)
{
	struct passwd *pw;

	if (!r->user)
		return -ENOENT;
	errno = 0;
	pw = getpwnam(r->user);
	if (!pw)
		return errno ? -errno : -ENOENT;
	*uid = pw->pw_uid;
	return 0;
}

int
role_ids(const struct role *r, uid_t *uid, gid_t *gid)
{
	struct group *gr;
	int err = role_uid(r, uid);

	if (err)
		return err;
	errno = 0;
	gr = getgrnam(ROLE_GROUP);
	if (!gr)
		return errno ? -errno : -ENOENT;
	*gid = gr->gr_gid;
	return 0;
}
