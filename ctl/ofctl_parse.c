/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofctl_parse: ovs-ofctl's offline commands that parse flows and print
 * what would go on the wire (parse-flow, parse-flows): the usable
 * protocols, the one chosen, and each flow-mod encoded in it and printed
 * back as ofp-print prints it.  No switch involved.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ofctl.h"
#include "ofp_flow_wire.h"
#include "ofp_flowmod.h"
#include "ofp_protocol.h"

/* Prints @n flow-mods as Open vSwitch's ofctl_parse_flows__(); uninits
 * them. */
static void
parse_flows__(struct ofp_flow_mod *fms, size_t n, uint32_t usable)
{
	char *usable_s = ofp_protocols_to_string(usable);
	uint32_t protocol = 0;

	printf("usable protocols: %s\n", usable_s);
	free(usable_s);
	if (!(usable & ofctl.allowed_protocols))
		ofctl_fatal(0, "no usable protocol");
	for (unsigned i = 0; i < 32; i++) {
		protocol = 1u << i;
		if (protocol & usable & ofctl.allowed_protocols)
			break;
	}
	usable_s = ofp_protocols_to_string(protocol);
	printf("chosen protocol: %s\n", usable_s);
	free(usable_s);
	for (size_t i = 0; i < n; i++) {
		struct ofpbuf b;

		ofpbuf_init(&b);
		ofp_encode_flow_mod(&b, &fms[i], protocol, ofctl_alloc_xid());
		ofctl_print(stdout, b.data, b.size, NULL, ofctl.verbosity);
		ofpbuf_uninit(&b);
		ofp_flow_mod_uninit(&fms[i]);
	}
}

static void
cmd_parse_flow(int argc, char *argv[])
{
	struct ofp_flow_mod fm;
	uint32_t usable;
	char *error;

	(void)argc;
	error = ofp_flow_mod_parse_ex(&fm, argv[1], OFPFC_ADD, NULL, &usable);
	if (error)
		ofctl_fatal(0, "%s", error);
	parse_flows__(&fm, 1, usable);
}

static void
cmd_parse_flows(int argc, char *argv[])
{
	struct ofp_flow_mod *fms;
	uint32_t usable;
	size_t n;

	(void)argc;
	fms = ofctl_parse_flow_file(argv[1], OFPFC_ADD, NULL, &n, &usable);
	parse_flows__(fms, n, usable);
	free(fms);
}

const struct ofctl_command ofctl_parse_commands[] = {
	{ "parse-flow", 1, 1, cmd_parse_flow },
	{ "parse-flows", 1, 1, cmd_parse_flows },
	{ NULL, 0, 0, NULL },
};
