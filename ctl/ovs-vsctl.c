/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovs-vsctl: Open vSwitch's configuration tool, drop-in compatible.  Runs
 * the `--`-chained commands in one transaction on the Open_vSwitch
 * database, over the bus to dbserver by default or over OVSDB JSON-RPC
 * with --db=unix:PATH / tcp:IP:PORT.
 */
#include "vsctl.h"

const struct dbctl_table_class vsctl_classes[] = {
	{ "Bridge", { { "Bridge", "name", NULL } } },
	{ "Controller", { { "Bridge", "name", "controller" } } },
	{ "Interface", { { "Interface", "name", NULL } } },
	{ "Mirror", { { "Mirror", "name", NULL } } },
	{ "Manager", { { "Manager", "target", NULL } } },
	{ "NetFlow", { { "Bridge", "name", "netflow" } } },
	{ "Open_vSwitch", { { "Open_vSwitch", NULL, NULL } } },
	{ "Port", { { "Port", "name", NULL } } },
	{ "QoS", { { "Port", "name", "qos" } } },
	{ "SSL", { { "Open_vSwitch", NULL, "ssl" } } },
	{ "sFlow", { { "Bridge", "name", "sflow" } } },
	{ "Flow_Table", { { "Flow_Table", "name", NULL } } },
	{ "IPFIX", { { "Bridge", "name", "ipfix" } } },
	{ "AutoAttach", { { "Bridge", "name", "auto_attach" } } },
	{ "Flow_Sample_Collector_Set",
	  { { "Flow_Sample_Collector_Set", "id", NULL } } },
	{ NULL, { { NULL, NULL, NULL } } },
};

static const struct dbctl_tool vsctl_tool = {
	.prefetch = vsctl_model_tables,
	.prog = "ovs-vsctl",
	.db_name = "Open_vSwitch",
	.root_table = "Open_vSwitch",
	.commands = vsctl_commands,
	.classes = vsctl_classes,
	.has_wait = true,
	.init = vsctl_init,
	.done = vsctl_done,
};

int
main(int argc, char **argv)
{
	return dbctl_main(&vsctl_tool, argc, argv);
}
