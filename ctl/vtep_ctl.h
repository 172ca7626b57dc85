/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vtep_ctl: vtep-ctl's commands (physical switches and ports, logical
 * switches and routers, bindings, MACs, managers, replication mode,
 * show) on top of the generic dbctl layer.
 */
#ifndef MICROVS_VTEP_CTL_H
#define MICROVS_VTEP_CTL_H

#include "dbctl.h"

extern const struct dbctl_tool vtep_ctl_tool;

#endif
