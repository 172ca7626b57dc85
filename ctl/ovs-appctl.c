/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovs-appctl: Open vSwitch's syntax, over the microvs bus.
 *	ovs-appctl [-t TARGET] [-T SECS] [--rundir DIR] COMMAND [ARG...]
 * TARGET is a role (vswitchd), its binary (microvs-vswitchd) or Open
 * vSwitch's name (ovs-vswitchd, ovsdb-server); without -t, the process
 * that serves COMMAND: upcalld for dpctl/, upcall/ and revalidator/
 * (which Open vSwitch's ovs-vswitchd serves), vswitchd for the rest.  The
 * instance is --rundir, else $MICROVS_RUNDIR, else $OVS_RUNDIR.
 * Exit status: 0 ok, 1 cannot reach the target, 2 the command failed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "client.h"
#include "config.h"
#include "roles.h"
#include "util.h"

static void NORETURN
usage(void)
{
	printf("ovs-appctl, for querying and controlling microvs daemons\n"
	       "usage: ovs-appctl [TARGET] COMMAND [ARG...]\n"
	       "Targets:\n"
	       "  -t, --target=TARGET  vswitchd, dbserver, upcalld, tunneld,\n"
	       "                       vtepd (or microvs-X, ovs-vswitchd,\n"
	       "                       ovsdb-server); default: the process\n"
	       "                       that serves COMMAND (dpctl/, upcall/,\n"
	       "                       revalidator/: upcalld; else vswitchd)\n"
	       "  --rundir=DIR         instance run directory\n"
	       "Other options:\n"
	       "  -T, --timeout=SECS   wait at most SECS seconds for a reply\n"
	       "  -h, --help           print this help message\n"
	       "  -V, --version        print version information\n");
	exit(0);
}

/* Without -t, a command goes where it is served, as real ovs-appctl
 * reaches ovs-vswitchd, which serves all of these in Open vSwitch: the
 * datapath's commands are upcalld's here. */
static const struct {
	const char *prefix;
	enum role_id role;
} routes[] = {
	{ "dpctl/", ROLE_UPCALLD },
	{ "upcall/", ROLE_UPCALLD },
	{ "revalidator/", ROLE_UPCALLD },
};

static const struct role *
route(const char *cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(routes); i++)
		if (!strncmp(cmd, routes[i].prefix, strlen(routes[i].prefix)))
			return &roles[routes[i].role];
	return role_find("ovs-vswitchd");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "rundir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *target = NULL, *rundir = NULL;
	const struct role *role;
	unsigned timeout_ms = 30000;
	char *output;
	int opt, err, status;

	while ((opt = getopt_long(argc, argv, "+t:T:hV", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 't':
			target = optarg;
			break;
		case 'T':
			timeout_ms = (unsigned)atoi(optarg) * 1000u;
			if (!timeout_ms)
				timeout_ms = 30000;
			break;
		case 'r':
			rundir = optarg;
			break;
		case 'h':
			usage();
		case 'V':
			printf("ovs-appctl (microvs) %s\n", MICROVS_VERSION);
			return 0;
		default:
			return 1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "ovs-appctl: at least one non-option argument "
				"is required (use --help for help)\n");
		return 1;
	}
	rundir = rundir_resolve(rundir);
	role = target ? role_find(target) : route(argv[optind]);
	if (!target)
		target = role_index(role) == ROLE_VSWITCHD ? "ovs-vswitchd"
							   : role->name;
	if (!role) {
		fprintf(stderr, "ovs-appctl: unknown target \"%s\"\n", target);
		return 1;
	}
	err = client_appctl(rundir, role, argv[optind],
			    (const char *const *)(argv + optind + 1),
			    (size_t)(argc - optind - 1), timeout_ms, &status,
			    &output);
	if (err && !output) { /* transport: never reached the process */
		char *path = bus_endpoint_path(rundir, role, "rpc");
		fprintf(stderr, "ovs-appctl: cannot connect to \"%s\" (%s)\n",
			path, strerror(-err));
		free(path);
		return 1;
	}
	if (err) {
		fprintf(stderr, "ovs-appctl: %s: %s\n", target,
			output ? output : strerror(-err));
		free(output);
		return 2;
	}
	if (status) {
		fputs(output, stderr);
		fprintf(stderr, "ovs-appctl: %s: server returned an error\n",
			target);
		free(output);
		return 2;
	}
	fputs(output, stdout);
	free(output);
	return 0;
}
