/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovs-dpctl: Open vSwitch's datapath tool, for microvs: each command is
 * upcalld's appctl command dpctl/COMMAND (upcalld owns the datapaths), so
 * `ovs-dpctl show -s` prints what `ovs-appctl dpctl/show -s` does.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "config.h"
#include "util.h"

static void
usage(void)
{
	printf("ovs-dpctl: datapath management utility (microvs)\n"
	       "usage: ovs-dpctl [OPTIONS] COMMAND [ARG...]\n"
	       "  show [-s] [DP...]            show basic info on datapaths\n"
	       "  dump-dps                     display names of datapaths\n"
	       "  dump-flows [-m] [DP]         display flows in DP\n"
	       "  add-flow [DP] FLOW ACTIONS   add FLOW with ACTIONS to DP\n"
	       "  mod-flow [DP] FLOW ACTIONS   change FLOW's actions in DP\n"
	       "  del-flow [DP] FLOW           delete FLOW from DP\n"
	       "  del-flows [DP]               delete all flows from DP\n"
	       "Options:\n"
	       "  -s, --statistics             print statistics for show\n"
	       "  -m, --more                   increase verbosity of output\n"
	       "  --rundir=DIR                 instance run directory\n"
	       "  -h, --help                   print this help message\n");
	exit(0);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "statistics", no_argument, NULL, 's' },
		{ "more", no_argument, NULL, 'm' },
		{ "rundir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rundir = NULL;
	const char *args[16];
	char *output = NULL;
	size_t n = 0;
	int opt, err, status;

	while ((opt = getopt_long(argc, argv, "smh", longopts, NULL)) != -1) {
		if (opt == 's')
			args[n++] = "-s";
		else if (opt == 'm')
			args[n++] = "-m";
		else if (opt == 'r')
			rundir = optarg;
		else if (opt == 'h')
			usage();
		else
			return 1;
	}
	if (optind >= argc) {
		fprintf(stderr, "ovs-dpctl: missing command name; use --help "
				"for help\n");
		return 1;
	}
	char *cmd = xasprintf("dpctl/%s", argv[optind]);
	for (int i = optind + 1; i < argc && n < ARRAY_SIZE(args); i++)
		args[n++] = argv[i];
	err = client_appctl(rundir_resolve(rundir), &roles[ROLE_UPCALLD], cmd,
			    args, n, 30000, &status, &output);
	free(cmd);
	if (err || status) {
		fprintf(stderr, "ovs-dpctl: %s\n",
			output && *output ? output : strerror(-err));
		free(output);
		return 1;
	}
	fputs(output, stdout);
	free(output);
	return 0;
}
