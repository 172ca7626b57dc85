/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_vtep: how vtepd programs a bridge until the OpenFlow
 * management socket exists: BUS_MSG_VTEP_FLOWS gives the bridge's whole
 * flow table in ovs-ofctl's syntax (replaced only when it differs from
 * the last one given, so the 1 s refresh of vtepd costs nothing) and the
 * ports whose source MACs the bridge learns; the reply lists what was
 * learned there (Open vSwitch's VTEP emulator gets the same from a learn
 * action and dump-flows).
 */
#include "vswitchd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "log.h"

LOG_MODULE(vtep);

static bool
same(char **have, size_t n_have, const struct bus_strv *want)
{
	if (n_have != want->n)
		return false;
	for (size_t i = 0; i < n_have; i++)
		if (strcmp(have[i], want->v[i]))
			return false;
	return true;
}

static void
strv_set(char ***v, size_t *n, const struct bus_strv *src)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = xcalloc(src->n + 1, sizeof **v);
	for (size_t i = 0; i < src->n; i++)
		(*v)[i] = xstrdup(src->v[i]);
	*n = src->n;
}

/* Replaces @br's flows with @flows; on a flow that does not parse puts
 * the old ones back and returns -EINVAL with the reason in @err. */
static int
replace_flows(struct vsw *vsw, struct bridge *br, const struct bus_strv *flows,
	      struct ds *err)
{
	vswitchd_del_flows(vsw, br->name, NULL, err);
	for (size_t i = 0; i < flows->n; i++) {
		if (vswitchd_add_flow(vsw, br->name, flows->v[i], err)) {
			ds_printf(err, " (in \"%s\")", flows->v[i]);
			vswitchd_del_flows(vsw, br->name, NULL, err);
			for (size_t k = 0; k < br->n_vtep_flows; k++)
				vswitchd_add_flow(vsw, br->name,
						  br->vtep_flows[k], err);
			return -EINVAL;
		}
	}
	return 0;
}

static bool
learns(const struct bridge *br, const char *port)
{
	for (size_t i = 0; i < br->n_learn_ports; i++)
		if (!strcmp(br->learn_ports[i], port))
			return true;
	return false;
}

void
vswd_on_vtep_flows(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_vtep_flows *m = msg;
	struct vswd *d = aux;
	struct bridge *br = vsw_find_bridge(&d->vsw, m->bridge);
	struct bus_msg_vtep_flows_reply r = { 0 };
	char **macs;
	size_t n = 0;
	struct hnode *hn;

	if (!br) {
		bus_reply_error(req, -ENOENT, "no bridge named %s", m->bridge);
		return;
	}
	if (!same(br->vtep_flows, br->n_vtep_flows, &m->flows)) {
		struct ds err = DS_EMPTY;

		if (replace_flows(&d->vsw, br, &m->flows, &err)) {
			bus_reply_error(req, -EINVAL, "%s", ds_cstr(&err));
			ds_free(&err);
			return;
		}
		ds_free(&err);
		strv_set(&br->vtep_flows, &br->n_vtep_flows, &m->flows);
		log_info("%s: %zu flows from vtepd", br->name, m->flows.n);
	}
	if (!same(br->learn_ports, br->n_learn_ports, &m->learn_ports)) {
		strv_set(&br->learn_ports, &br->n_learn_ports, &m->learn_ports);
		br->config_version++;
	}
	vswd_tables_check(d);

	macs = xcalloc(br->macs.entries.n + 1, sizeof *macs);
	HMAP_FOR_EACH (hn, &br->macs.entries) {
		const struct mac_entry *e =
			HMAP_CONTAINER(hn, struct mac_entry, node);
		const struct port *p = e->port;

		if (!p || !learns(br, p->name))
			continue;
		macs[n++] = xasprintf("%s %02x:%02x:%02x:%02x:%02x:%02x",
				      p->name, e->mac[0], e->mac[1], e->mac[2],
				      e->mac[3], e->mac[4], e->mac[5]);
	}
	bus_msg_vtep_flows_reply_set_macs(&r, (const char *const *)macs, n);
	bus_reply_vtep_flows_reply(req, &r);
	for (size_t i = 0; i < n; i++)
		free(macs[i]);
	free(macs);
}
