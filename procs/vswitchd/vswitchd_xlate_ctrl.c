/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_xlate_ctrl: a translation's outputs to the OpenFlow
 * controllers.  For a datapath miss each is a userspace(controller(...))
 * action naming a vswitchd_pinstate record, so its megaflow is installed
 * and the datapath sends every packet up; elsewhere, and for the
 * controller(pause) that freezes the translation, a packet-in (struct
 * xlate_pin) made at once, with what the pause left for NXT_RESUME.
 */
#include "vswitchd.h"

#include <string.h>

#include "odp.h"

/* Open vSwitch's table-miss rule: priority 0, matching everything. */
static bool
is_table_miss(const struct rule *rule)
{
	const uint64_t *m = flow_u64(cls_rule_mask(&rule->cr));

	if (rule->cr.priority)
		return false;
	for (size_t i = 0; i < FLOW_WORDS; i++)
		if (m[i])
			return false;
	return true;
}

/* A controller action in a table-miss rule: Open vSwitch's explicit
 * table miss, reported to OpenFlow as no_match. */
static bool
explicit_miss(const struct xlate_ctx *ctx, uint8_t reason)
{
	return reason == XLATE_PIN_ACTION && ctx->rule &&
	       is_table_miss(ctx->rule);
}

/* The pipeline fields a packet-in reports, as they are now. */
static void
fill_pin(struct xlate_ctx *ctx, struct xlate_pin *pin, uint16_t max_len,
	 uint8_t reason, const uint8_t *userdata, uint16_t userdata_len)
{
	const struct flow *f = &ctx->flow;

	memset(pin, 0, sizeof *pin);
	pin->bridge_id = ctx->br->id;
	pin->max_len = max_len;
	pin->reason = reason;
	pin->table_id = ctx->table_id;
	pin->cookie = ctx->rule ? ctx->rule->cookie : UINT64_MAX;
	if (explicit_miss(ctx, reason))
		pin->reason = XLATE_PIN_NO_MATCH;
	pin->in_port = f->in_port;
	pin->pkt_mark = f->pkt_mark;
	pin->metadata = f->metadata;
	memcpy(pin->regs, f->regs, sizeof pin->regs);
	pin->tun_id = f->tunnel.tun_id;
	pin->tun_src = f->tunnel.ipv4_src;
	pin->tun_dst = f->tunnel.ipv4_dst;
	pin->userdata = userdata;
	pin->userdata_len = userdata_len;
	pin->odp_len = ctx->odp->len;
}

/* Open vSwitch's number for a packet-in reason, as its "controller" user
 * action prints it (its OFPR_EXPLICIT_MISS and OFPR_IMPLICIT_MISS are 6
 * and 7). */
static uint8_t
ovs_reason(const struct xlate_ctx *ctx, uint8_t reason)
{
	if (reason == XLATE_PIN_IMPLICIT_MISS)
		return 7;
	if (explicit_miss(ctx, reason))
		return 6;
	return reason;
}

/* An output to the controller.  For a datapath miss (XLATE_CTRL_DATAPATH)
 * it is a userspace action naming a record of the packet-in's metadata,
 * and the megaflow is installed: the datapath sends each packet up, as
 * the actions before it changed it, and vswitchd makes the packet-in
 * (Open vSwitch's "controller" user action).  Otherwise, and for the
 * pause that freezes the translation, a packet-in with the pipeline
 * fields as they are now and the packet as the actions so far rewrote
 * it (their changes committed, as Open vSwitch's controller action
 * does), and no megaflow. */
void
xlate_controller(struct xlate_ctx *ctx, uint16_t max_len, uint8_t reason,
		 const uint8_t *userdata, uint16_t userdata_len, bool pause)
{
	/* The packet goes up as the actions so far changed it. */
	xlate_commit(ctx);
	if (!ctx->out)
		return;
	if (ctx->out->ctrl != XLATE_CTRL_PINS && !pause) {
		struct odp_cookie_controller c;
		struct xlate_pin pin;
		struct xlate_deps *d = ctx->deps;
		size_t nest;

		fill_pin(ctx, &pin, max_len, reason, userdata, userdata_len);
		memset(&c, 0, sizeof c);
		c.type = ODP_COOKIE_CONTROLLER;
		c.dont_send = ctx->out->ctrl == XLATE_CTRL_TRACE;
		c.reason = ovs_reason(ctx, reason);
		c.max_len = max_len;
		c.state_id = vswd_pinstate_ref(&pin);
		c.rule_cookie =
			pin.cookie == UINT64_MAX ||
					reason == XLATE_PIN_IMPLICIT_MISS
				? 0
				: pin.cookie;
		ARRAY_GROW(d->pinstates, d->n_pinstates, d->pinstates_cap);
		d->pinstates[d->n_pinstates++] = c.state_id;
		nest = nl_nest_start(ctx->odp, MVS_ACTION_ATTR_USERSPACE);
		nl_put_u32(ctx->odp, MVS_USERSPACE_ATTR_PID, 0);
		nl_put(ctx->odp, MVS_USERSPACE_ATTR_USERDATA, &c, sizeof c);
		nl_nest_end(ctx->odp, nest);
		return;
	}
	if (ctx->out->pins.n >= XLATE_MAX_PINS)
		return;
	fill_pin(ctx, &ctx->out->pins.p[ctx->out->pins.n++], max_len, reason,
		 userdata, userdata_len);
}

/* controller(pause) made pin @pin: the translation stops, keeping what is
 * left (freeze_rest() at each level) for NXT_RESUME, as Open vSwitch
 * freezes it into the packet-in's continuation. */
void
xlate_freeze(struct xlate_ctx *ctx, unsigned pin)
{
	ctx->out->pins.p[pin].pause = true;
	ctx->pause_pin = (int)pin;
	ctx->freezing = true;
	ctx->out->frozen.table_id = ctx->table_id;
	ctx->out->frozen.cookie = ctx->rule ? ctx->rule->cookie : 0;
	xlate_report(ctx, TRACE_DETAIL,
		     "pausing: the rest waits for the "
		     "controller's NXT_RESUME");
}

void
xlate_finish_freezing(struct xlate_ctx *ctx, uint64_t cookie)
{
	struct xlate_pin *pin;

	if (!ctx->freezing)
		return;
	ctx->freezing = false;
	ofpacts_free(&ctx->out->frozen.set);
	ofpacts_clone(&ctx->out->frozen.set, &ctx->action_set);
	pin = &ctx->out->pins.p[ctx->pause_pin];
	pin->table_id = 0;
	pin->cookie = cookie;
}

/* Adds the actions from @a to @end to the frozen ones. */
void
xlate_freeze_rest(struct xlate_ctx *ctx, const struct ofpact *a,
		  const struct ofpact *end)
{
	for (; a < end; a = ofpact_next(a))
		memcpy(ofpacts_put(&ctx->out->frozen.acts, a->type, a->len), a,
		       a->len);
}
