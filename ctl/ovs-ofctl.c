/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovs-ofctl: Open vSwitch's OpenFlow switch management tool, with its
 * commands, options, output and messages on the wire.
 *	ovs-ofctl [OPTIONS] COMMAND SWITCH [ARG...]
 * SWITCH is unix:PATH, tcp:IP[:PORT], a socket path, or a bridge name
 * (RUNDIR/BRIDGE.mgmt, RUNDIR from --rundir, $MICROVS_RUNDIR or
 * $OVS_RUNDIR).  Exit status: 0, 1 on any error, 2 when diff-flows
 * finds differences.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "ofctl.h"
#include "ofp_field.h"
#include "ofp_nxm.h"
#include "ofp_protocol.h"

struct ofctl_opts ofctl = {
	.allowed_versions = 1u << OFP10_VERSION,
	.allowed_protocols = OFP_PROTO_ANY,
	.use_names = -1,
	.show_stats = 1,
	.packet_in_format = -1,
};

void
ofctl_fatal(int err, const char *fmt, ...)
{
	va_list ap;

	/* stdout is not flushed first: like Open vSwitch's, it comes out
	 * at exit, after the message. */
	fputs("ovs-ofctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, " (%s)", strerror(err));
	fputc('\n', stderr);
	exit(1);
}

void
ofctl_log(const char *module, const char *level, const char *msg)
{
	static unsigned seq;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t len = strlen(msg);

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* A message ending in a newline (a hex dump) gets no other. */
	fprintf(stderr, "%s|%05u|%s|%s|%s%s", when, ++seq, module, level, msg,
		len && msg[len - 1] == '\n' ? "" : "\n");
}

static void NORETURN
usage(void)
{
	printf("ovs-ofctl: OpenFlow switch management utility\n"
	       "usage: ovs-ofctl [OPTIONS] COMMAND [ARG...]\n"
	       "\nFor OpenFlow switches:\n"
	       "  show SWITCH                 show OpenFlow information\n"
	       "  dump-desc SWITCH            print switch description\n"
	       "  dump-tables SWITCH          print table stats\n"
	       "  dump-table-features SWITCH  print table features\n"
	       "  mod-port SWITCH IFACE ACT   modify port behavior\n"
	       "  mod-table SWITCH MOD        modify flow table behavior\n"
	       "  get-frags SWITCH            print fragment handling "
	       "behavior\n"
	       "  set-frags SWITCH FRAG_MODE  set fragment handling behavior\n"
	       "  dump-ports SWITCH [PORT]    print port statistics\n"
	       "  dump-ports-desc SWITCH [PORT]  print port descriptions\n"
	       "  dump-flows SWITCH           print all flow entries\n"
	       "  dump-flows SWITCH FLOW      print matching FLOWs\n"
	       "  dump-aggregate SWITCH       print aggregate flow "
	       "statistics\n"
	       "  dump-aggregate SWITCH FLOW  print aggregate stats for "
	       "FLOWs\n"
	       "  add-flow SWITCH FLOW        add flow described by FLOW\n"
	       "  add-flows SWITCH FILE       add flows from FILE\n"
	       "  mod-flows SWITCH FLOW       modify actions of matching "
	       "FLOWs\n"
	       "  del-flows SWITCH [FLOW]     delete matching FLOWs\n"
	       "  replace-flows SWITCH FILE   replace flows with those in "
	       "FILE\n"
	       "  diff-flows SOURCE1 SOURCE2  compare flows from two "
	       "sources\n"
	       "  packet-out SWITCH IN_PORT ACTIONS PACKET...\n"
	       "                              execute ACTIONS on PACKET\n"
	       "  monitor SWITCH [MISSLEN] [invalid_ttl]\n"
	       "                              print packets received from "
	       "SWITCH\n"
	       "  snoop SWITCH                snoop on SWITCH and its "
	       "controller\n"
	       "  add-group SWITCH GROUP      add group described by GROUP\n"
	       "  add-groups SWITCH FILE      add group from FILE\n"
	       "  [--may-create] mod-group SWITCH GROUP   modify specific "
	       "group\n"
	       "  del-groups SWITCH [GROUP]   delete matching GROUPs\n"
	       "  dump-group-features SWITCH  print group features\n"
	       "  dump-groups SWITCH [GROUP]  print group description\n"
	       "  dump-group-stats SWITCH [GROUP]  print group statistics\n"
	       "  add-meter SWITCH METER      add meter described by METER\n"
	       "  mod-meter SWITCH METER      modify specific METER\n"
	       "  del-meters SWITCH [METER]   delete meters matching METER\n"
	       "  dump-meters SWITCH [METER]  print METER configuration\n"
	       "  meter-stats SWITCH [METER]  print meter statistics\n"
	       "  meter-features SWITCH       print meter features\n"
	       "\nOther commands:\n"
	       "  ofp-print HEX [VERBOSITY]   print the OpenFlow message in "
	       "HEX\n"
	       "\nOptions:\n"
	       "  -O, --protocols=LIST        OpenFlow versions to use\n"
	       "  -F, --flow-format=LIST      flow protocols to use\n"
	       "  --strict                    use strict match for flow "
	       "commands\n"
	       "  --readd                     replace flows that haven't "
	       "changed\n"
	       "  --bundle                    make changes atomically (1.3+)\n"
	       "  -m, --more                  be more verbose printing "
	       "OpenFlow\n"
	       "  --sort[=field]              sort in ascending order\n"
	       "  --rsort[=field]             sort in descending order\n"
	       "  --names, --no-names         show port names or numbers\n"
	       "  --stats, --no-stats         show flow statistics or not\n"
	       "  --rundir=DIR                where bridges' sockets are\n"
	       "  -h, --help                  display this help message\n"
	       "  -V, --version               display version information\n");
	exit(0);
}

static void
add_sort(const char *field, bool desc)
{
	int id = -1;

	if (field && strcasecmp(field, "priority")) {
		const struct ofp_field *f = ofp_field_from_name(field);
		if (!f)
			ofctl_fatal(0, "%s: unknown field name", field);
		id = f->id;
	}
	ofctl.sort =
		xrealloc(ofctl.sort, (ofctl.n_sort + 1) * sizeof *ofctl.sort);
	ofctl.sort[ofctl.n_sort].field = id;
	ofctl.sort[ofctl.n_sort].desc = desc;
	ofctl.n_sort++;
}

static void
parse_options(int argc, char *argv[])
{
	enum {
		OPT_STRICT = 256,
		OPT_READD,
		OPT_TIMESTAMP,
		OPT_SORT,
		OPT_RSORT,
		OPT_BUNDLE,
		OPT_MAY_CREATE,
		OPT_RUNDIR,
		OPT_NAMES,
		OPT_NO_NAMES,
		OPT_STATS,
		OPT_NO_STATS,
		OPT_VERBOSE,
	};
	static const struct option longopts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "readd", no_argument, NULL, OPT_READD },
		{ "flow-format", required_argument, NULL, 'F' },
		{ "packet-in-format", required_argument, NULL, 'P' },
		{ "more", no_argument, NULL, 'm' },
		{ "timestamp", no_argument, NULL, OPT_TIMESTAMP },
		{ "sort", optional_argument, NULL, OPT_SORT },
		{ "rsort", optional_argument, NULL, OPT_RSORT },
		{ "names", no_argument, NULL, OPT_NAMES },
		{ "no-names", no_argument, NULL, OPT_NO_NAMES },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "no-stats", no_argument, NULL, OPT_NO_STATS },
		{ "bundle", no_argument, NULL, OPT_BUNDLE },
		{ "may-create", no_argument, NULL, OPT_MAY_CREATE },
		{ "protocols", required_argument, NULL, 'O' },
		{ "rundir", required_argument, NULL, OPT_RUNDIR },
		{ "verbose", optional_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *err = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "+t:F:P:mO:v::hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 't': {
			char *end;
			long t = strtol(optarg, &end, 10);
			if (t <= 0 || *end)
				ofctl_fatal(0,
					    "value %s on -t or --timeout is "
					    "invalid",
					    optarg);
			alarm((unsigned)t);
			break;
		}
		case 'F':
			ofctl.allowed_protocols =
				ofp_protocols_from_string(optarg, &err);
			if (!ofctl.allowed_protocols)
				ofctl_fatal(0, "%s", err);
			break;
		case 'P':
			if (!strcmp(optarg, "standard") ||
			    !strcmp(optarg, "openflow10"))
				ofctl.packet_in_format = 0;
			else if (!strcmp(optarg, "nxt_packet_in") ||
				 !strcmp(optarg, "nxm"))
				ofctl.packet_in_format = 1;
			else if (!strcmp(optarg, "nxt_packet_in2"))
				ofctl.packet_in_format = 2;
			else
				ofctl_fatal(0, "unknown packet-in format `%s'",
					    optarg);
			break;
		case 'm':
			ofctl.verbosity++;
			break;
		case 'O':
			ofctl.allowed_versions =
				ofp_versions_from_string(optarg, &err);
			if (!ofctl.allowed_versions)
				ofctl_fatal(0, "%s", err);
			break;
		case 'v':
			break;
		case 'h':
			usage();
		case 'V':
			printf("ovs-ofctl (microvs) 3.1.0\n"
			       "OpenFlow versions 0x1:0x6\n");
			exit(0);
		case OPT_STRICT:
			ofctl.strict = true;
			break;
		case OPT_READD:
			ofctl.readd = true;
			break;
		case OPT_TIMESTAMP:
			ofctl.timestamp = true;
			break;
		case OPT_SORT:
		case OPT_RSORT:
			add_sort(optarg, c == OPT_RSORT);
			break;
		case OPT_BUNDLE:
			ofctl.bundle = true;
			break;
		case OPT_MAY_CREATE:
			ofctl.may_create = true;
			break;
		case OPT_RUNDIR:
			ofctl.rundir = optarg;
			break;
		case OPT_NAMES:
			ofctl.use_names = 1;
			break;
		case OPT_NO_NAMES:
			ofctl.use_names = 0;
			break;
		case OPT_STATS:
			ofctl.show_stats = 1;
			break;
		case OPT_NO_STATS:
			ofctl.show_stats = 0;
			break;
		default:
			exit(1);
		}
	}
	if (ofctl.n_sort)
		add_sort(NULL, true);

	if (ofctl.bundle)
		ofctl_bundle_versions();
	uint32_t version_protocols =
		ofp_protocols_from_version_bitmap(ofctl.allowed_versions);
	if (!(ofctl.allowed_protocols & version_protocols)) {
		char *protocols =
			ofp_protocols_to_string(ofctl.allowed_protocols);
		struct ds v = DS_EMPTY;
		for (int i = 1; i < 32; i++)
			if (ofctl.allowed_versions & (1u << i))
				ds_printf(&v, "%s%s", v.len ? ", " : "",
					  ofp_version_name((uint8_t)i));
		ofctl_fatal(0,
			    "None of the enabled OpenFlow versions (%s) "
			    "supports any of the enabled flow formats (%s).  "
			    "(Use -O to enable additional OpenFlow versions "
			    "or -F to enable additional flow formats.)",
			    ds_cstr(&v), protocols);
	}
	ofctl.allowed_protocols &= version_protocols;
	ofctl.allowed_versions &=
		ofp_protocols_to_version_bitmap(ofctl.allowed_protocols);
}

static const struct ofctl_command *const tables[] = {
	ofctl_switch_commands, ofctl_flow_commands,   ofctl_group_commands,
	ofctl_parse_commands,  ofctl_bundle_commands,
};

int
main(int argc, char *argv[])
{
	const struct ofctl_command *cmd = NULL;
	int n;

	signal(SIGPIPE, SIG_IGN);
	ofp_set_warn_hook(ofctl_log);
	parse_options(argc, argv);
	argc -= optind;
	argv += optind;
	if (argc < 1)
		ofctl_fatal(0, "missing command name; use --help for help");
	for (size_t t = 0; t < ARRAY_SIZE(tables) && !cmd; t++)
		for (const struct ofctl_command *c = tables[t]; c->name; c++)
			if (!strcmp(c->name, argv[0])) {
				cmd = c;
				break;
			}
	if (!cmd)
		ofctl_fatal(0, "unknown command '%s'; use --help for help",
			    argv[0]);
	n = argc - 1;
	if (n < cmd->min_args)
		ofctl_fatal(0, "'%s' command requires at least %d arguments",
			    cmd->name, cmd->min_args);
	if (n > cmd->max_args)
		ofctl_fatal(0, "'%s' command takes at most %d arguments",
			    cmd->name, cmd->max_args);
	cmd->handler(argc, argv);
	fflush(stdout);
	return 0;
}

bool
ofctl_read_line(FILE *f, struct ds *line, int *line_number)
{
	for (;;) {
		char *buf = NULL, *p, *hash;
		size_t cap = 0;
		ssize_t n = getline(&buf, &cap, f);

		if (n < 0) {
			free(buf);
			return false;
		}
		(*line_number)++;
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		p = buf + strspn(buf, " \t\r\n\v\f");
		n = (ssize_t)strlen(p);
		while (n > 0 && strchr(" \t\r\n\v\f", p[n - 1]))
			n--;
		p[n] = '\0';
		if (*p) {
			ds_clear(line);
			ds_put(line, p);
			free(buf);
			return true;
		}
		free(buf);
	}
}

void
ofctl_parse_file(const char *file, char *(*parse)(const char *line, void *aux),
		 void *aux)
{
	FILE *f = !strcmp(file, "-") ? stdin : fopen(file, "r");
	struct ds line = DS_EMPTY;
	int line_number = 0;

	if (!f)
		ofctl_fatal(0, "%s: open failed (%s)", file, strerror(errno));
	while (ofctl_read_line(f, &line, &line_number)) {
		char *error = parse(ds_cstr(&line), aux);

		if (error)
			ofctl_fatal(0, "%s:%d: %s", file, line_number, error);
	}
	ds_free(&line);
	if (f != stdin)
		fclose(f);
}
