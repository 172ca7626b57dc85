/* SPDX-License-Identifier: Apache-2.0 */
/*
 * appctl: the per-process command registry behind `ovs-appctl -t PROC CMD`
 * (BUS_MSG_APPCTL_CALL).  A process registers its commands at start-up; the
 * generic ones (list-commands, version, vlog/..., memory/show,
 * coverage/..., exit) come from appctl_register_generic().  Handlers answer at
 * once or later, exactly once, with appctl_reply() or appctl_reply_error().
 */
#ifndef MICROVS_APPCTL_H
#define MICROVS_APPCTL_H

#include "bus.h"
#include "util.h"

struct appctl_conn;

typedef void appctl_fn(struct appctl_conn *c, int argc, const char *argv[],
		       void *aux);
/* Appends "name:value" words for memory/show. */
typedef void appctl_memory_fn(struct ds *out, void *aux);

/* @argc counts the arguments after the command name. */
void appctl_register(const char *name, const char *usage, int min_args,
		     int max_args, appctl_fn *fn, void *aux);
void appctl_register_memory(appctl_memory_fn *fn, void *aux);
/* list-commands, version, vlog/list, vlog/set, vlog/reopen, memory/show,
 * coverage/show, coverage/read-counter, exit.  exit stops @loop. */
void appctl_register_generic(struct ev_loop *loop, const char *binary);

void appctl_reply(struct appctl_conn *c, const char *output);
void appctl_reply_error(struct appctl_conn *c, const char *fmt, ...)
	PRINTF_FMT(2, 3);

/* The bus handler for BUS_MSG_APPCTL_CALL. */
void appctl_on_call(struct bus_req *req, const void *msg, void *aux);

#endif
