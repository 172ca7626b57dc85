/* SPDX-License-Identifier: Apache-2.0 */
/* roles: the process table.  Keep it on one screen. */
#include "roles.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

#define NO_CAPS    \
	{          \
		-1 \
	}
#define UNIX_ONLY "AF_UNIX"

#define RESTART                                         \
	.restart_burst = 5, .restart_window_ms = 10000, \
	.restart_backoff_ms = 1000

const struct role roles[ROLE_N_IDS] = {
	[ROLE_DBSERVER] = { "dbserver", "microvs-dbserver", "microvs-db",
			    NO_CAPS, "configuration database (OVSDB on SQLite)",
			    RESTART,
			    .address_families = "AF_UNIX AF_INET AF_INET6",
			    .writes_dbdir = true },
	[ROLE_UPCALLD] = { "upcalld",
			   "microvs-upcalld",
			   "microvs-dp",
			   { CAP_NET_ADMIN, CAP_NET_RAW, -1 },
			   "datapath owner: vports, upcalls, megaflows",
			   RESTART,
			   .address_families =
				   "AF_UNIX AF_NETLINK AF_PACKET AF_XDP" },
	[ROLE_VSWITCHD] = { "vswitchd", "microvs-vswitchd", "microvs-sw",
			    NO_CAPS,
			    "OpenFlow switch: bridges, flow tables, "
			    "translation",
			    RESTART,
			    .address_families = "AF_UNIX AF_INET AF_INET6" },
	[ROLE_TUNNELD] = { "tunneld",
			   "microvs-tunneld",
			   "microvs-tnl",
			   { CAP_NET_ADMIN, -1 },
			   "tunnel ports: VXLAN, GRE, Geneve endpoints and "
			   "underlay",
			   RESTART,
			   .address_families =
				   "AF_UNIX AF_NETLINK AF_INET AF_INET6" },
	[ROLE_VTEPD] = { "vtepd", "microvs-vtepd", "microvs-vtep", NO_CAPS,
			 "VTEP emulator: hardware_vtep to bridges and flows",
			 RESTART, .address_families = UNIX_ONLY },
	/* No process: uid 0 calling with the operator's tools. */
	[ROLE_ADMIN] = { "admin", NULL, "root", NO_CAPS, "the operator" },
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
	const char *name = NULL;

	for (size_t i = 0; i < n_role_families; i++)
		if (role_families[i].af == af)
			name = role_families[i].name;
	if (!name)
		return false;
	/* A whole word of the space-separated list. */
	size_t n = strlen(name);
	for (const char *p = r->address_families; (p = strstr(p, name)); p += n)
		if ((p == r->address_families || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
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

unsigned long long
role_cap_mask(const struct role *r)
{
	unsigned long long mask = 0;

	for (int i = 0; i < ROLE_MAX_CAPS && r->caps[i] >= 0; i++)
		mask |= 1ull << r->caps[i];
	return mask;
}

int
role_uid(const struct role *r, uid_t *uid)
{
	struct passwd *pw;

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
