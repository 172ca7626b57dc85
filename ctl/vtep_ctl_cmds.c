/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vtep_ctl_cmds: the vtep-ctl command table and commands.
 */
#include "vtep_ctl.h"

static const struct dbctl_table_class vtep_classes[] = {
	{ "Global", { { "Global", NULL, NULL } } },
	{ "Manager", { { "Manager", "target", NULL } } },
	{ "Physical_Switch", { { "Physical_Switch", "name", NULL } } },
	{ "Physical_Port", { { "Physical_Port", "name", NULL } } },
	{ "Logical_Switch", { { "Logical_Switch", "name", NULL } } },
	{ "Logical_Router", { { "Logical_Router", "name", NULL } } },
	{ NULL, { { NULL, NULL, NULL } } },
};

static const struct dbctl_command *const vtep_commands[] = {
	dbctl_db_commands,
	NULL,
};

const struct dbctl_tool vtep_ctl_tool = {
	.prog = "vtep-ctl",
	.db_name = "hardware_vtep",
	.root_table = "Global",
	.commands = vtep_commands,
	.classes = vtep_classes,
	.has_wait = false,
};
