/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_trace: ofproto/trace BRIDGE FLOW, in Open vSwitch's words and
 * layout: the flow, the tree of tables and actions the translation went
 * through, the final flow, the megaflow and the datapath actions.
 *
 * Only the "bridge br_flow" form is served; the datapath-flow form and
 * packet arguments need lib/flow's key parser and packet extraction.
 */
#include "vswitchd.h"

#include "odp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* True if @s is a hex string (a packet, in ofproto/trace's syntax). */
static bool
is_hex_packet(const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ' ')
			continue;
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F')))
			return false;
		n++;
	}
	return n > 0 && n % 2 == 0;
}

int
vswitchd_trace(struct vsw *vsw, int argc, const char *argv[], struct ds *out,
	       char **error)
{
	const char *args[3];
	int n_args = 0;
	bool generate = false;
	struct bridge *br;
	struct ofp_port_map *ports;
	struct flow flow;
	struct list_node trace;
	struct xlate_out xo;
	struct match mega;
	char *err;

	*error = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-generate") || !strcmp(a, "--generate")) {
			generate = true;
		} else if (a[0] == '-') {
			*error = xasprintf("%s: unknown option", a);
			return -EINVAL;
		} else if (n_args >= 3) {
			*error = xstrdup("too many arguments");
			return -EINVAL;
		} else {
			args[n_args++] = a;
		}
	}
	if (!generate && n_args > 1 && is_hex_packet(args[n_args - 1])) {
		*error = xstrdup("packet arguments are not supported yet");
		return -EOPNOTSUPP;
	}
	if (n_args == 3) {
		*error = xstrdup("Trailing garbage in packet data");
		return -EINVAL;
	}
	if (n_args != 2) {
		*error = n_args ? xasprintf("syntax error at %s (or the bridge "
					    "name was omitted)",
					    args[0])
				: xstrdup("Syntax error");
		return -EINVAL;
	}
	br = vsw_find_bridge(vsw, args[0]);
	if (!br) {
		*error = xasprintf("%s: unknown bridge", args[0]);
		return -ENOENT;
	}
	ports = bridge_port_map(br);
	err = ofp_parse_exact_flow(&flow, args[1], ports);
	free(ports);
	if (err) {
		*error = xasprintf("Bad openflow flow syntax: %s", err);
		free(err);
		return -EINVAL;
	}
	flow.actset_output = OFPP_UNSET;

	list_init(&trace);
	xlate_out_init(&xo);
	xo.ctrl = XLATE_CTRL_TRACE;
	xlate_flow(br, &flow, generate, 0, &trace, &xo);

	ds_put(out, "Flow: ");
	flow_format(out, &flow);
	ds_put_char(out, '\n');
	trace_list_format(out, &trace, 0);
	ds_put(out, "\nFinal flow: ");
	if (flow_equal(&flow, &xo.final_flow))
		ds_put(out, "unchanged");
	else
		flow_format(out, &xo.final_flow);
	ds_put(out, "\nMegaflow: ");
	mega.flow = flow;
	mega.mask = xo.wc;
	match_canonicalize(&mega);
	match_format(out, &mega, NULL, OFP_DEFAULT_PRIORITY);
	ds_put(out, "\nDatapath actions: ");
	odp_format_actions(out, (const struct nlattr *)xo.actions.data,
			   xo.actions.len, NULL);
	ds_put_char(out, '\n');
	if (xo.error)
		ds_printf(out, "Translation failed (%s), packet is dropped.\n",
			  xlate_strerror(xo.error));
	trace_list_free(&trace);
	xlate_out_uninit(&xo);
	return 0;
}
