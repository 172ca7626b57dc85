/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vsctl: the ovs-vsctl specific commands (bridges, ports, bonds,
 * interfaces, controllers, managers, SSL, auto-attach, zones, show) on top
 * of the generic dbctl layer.
 */
#ifndef MICROVS_VSCTL_H
#define MICROVS_VSCTL_H

#include "dbctl.h"

extern const struct dbctl_command *const vsctl_commands[];
extern const struct dbctl_table_class vsctl_classes[];

/* Builds the bridge/port/interface model into ctx->tool_data. */
void vsctl_init(struct dbctl_ctx *ctx);
/* The tables (and columns) the model needs; see dbctl_db_prefetch(). */
extern const char *const vsctl_model_tables[];
void vsctl_done(struct dbctl_ctx *ctx);

#endif
