// SPDX-License-Identifier: GPL-2.0
/*
 * Meters on the kernel datapath: per band a token bucket in thousandths
 * of a packet (packets/s) or in bits (kbit/s), refilled from ktime at the
 * band's rate up to its burst (the rate when none is given: one second's
 * worth).  A packet takes its cost from every band that has it; one that
 * finds a band short is dropped, counted in the band of highest rate
 * among those it exceeded.  The arithmetic is the userspace datapath's
 * (procs/upcalld/upcalld_meter.c), token for token, so a meter passes
 * the same packets on either.  Locking: meter.h.
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "mvs.h"
#include "meter.h"

/* Tokens are thousandths of a packet, or bits: a rate of N packets/s or
 * kbit/s is N * 1000 tokens a second either way.
 */
#define TOKENS_PER_UNIT 1000
/* A bucket is full after a second at most: refills count no more. */
#define REFILL_MAX_NS NSEC_PER_SEC

struct mvs_meter *mvs_meter_alloc(u32 id, bool kbps, int n_bands)
{
	struct mvs_meter *meter;

	meter = kzalloc(struct_size(meter, bands, n_bands), GFP_KERNEL);
	if (!meter)
		return NULL;
	mvs_obj_new(MVS_OBJ_METER);
	meter->id = id;
	meter->kbps = kbps;
	meter->n_bands = n_bands;
	spin_lock_init(&meter->lock);
	return meter;
}

void mvs_meter_free(struct mvs_meter *meter)
{
	kfree(meter);
	mvs_obj_gone(MVS_OBJ_METER);
}

static void meter_free_rcu(struct rcu_head *rcu)
{
	mvs_meter_free(container_of(rcu, struct mvs_meter, rcu));
}

int mvs_meter_set(struct mvs_dp *dp, struct mvs_meter *meter)
{
	struct mvs_meter *old;
	int i;

	mvs_assert_locked();
	for (i = 0; i < meter->n_bands; i++) {
		struct mvs_meter_band *b = &meter->bands[i];

		b->cap = (u64)(b->burst ?: b->rate) * TOKENS_PER_UNIT;
		b->tokens = b->cap;
	}
	meter->last_ns = ktime_get_ns();
	old = xa_load(&dp->meters, meter->id);
	if (!old && dp->n_meters >= MVS_METERS_PER_DP) {
		mvs_meter_free(meter);
		return -ENOSPC;
	}
	old = xa_store(&dp->meters, meter->id, meter, GFP_KERNEL);
	if (xa_is_err(old)) {
		mvs_meter_free(meter);
		return xa_err(old);
	}
	if (old)
		call_rcu(&old->rcu, meter_free_rcu);
	else
		dp->n_meters++;
	return 0;
}

int mvs_meter_del(struct mvs_dp *dp, u32 id)
{
	struct mvs_meter *meter;

	mvs_assert_locked();
	meter = xa_erase(&dp->meters, id);
	if (!meter)
		return -ENOENT;
	dp->n_meters--;
	call_rcu(&meter->rcu, meter_free_rcu);
	return 0;
}

struct mvs_meter *mvs_meter_lookup(struct mvs_dp *dp, u32 id)
{
	return xa_load(&dp->meters, id);
}

void mvs_meter_read(struct mvs_meter *meter, struct mvs_meter_stats *in,
		    struct mvs_meter_stats *bands)
{
	int i;

	spin_lock_bh(&meter->lock);
	*in = meter->in;
	for (i = 0; i < meter->n_bands; i++)
		bands[i] = meter->bands[i].dropped;
	spin_unlock_bh(&meter->lock);
}

void mvs_meters_init(struct mvs_dp *dp)
{
	xa_init(&dp->meters);
	dp->n_meters = 0;
}

void mvs_meters_destroy(struct mvs_dp *dp)
{
	struct mvs_meter *meter;
	unsigned long id;

	mvs_assert_locked();
	xa_for_each(&dp->meters, id, meter) {
		xa_erase(&dp->meters, id);
		call_rcu(&meter->rcu, meter_free_rcu);
	}
	xa_destroy(&dp->meters);
	dp->n_meters = 0;
}

bool mvs_meter_pass(struct mvs_dp *dp, u32 id, unsigned int len)
{
	struct mvs_meter *meter = xa_load(&dp->meters, id);
	u64 now, elapsed, cost;
	int i, worst = -1;

	if (!meter)
		return true;
	cost = meter->kbps ? (u64)len * 8 : TOKENS_PER_UNIT;
	spin_lock(&meter->lock);
	now = ktime_get_ns();
	/* Another CPU may have refilled after our clock read: nothing
	 * elapsed then.
	 */
	elapsed = now > meter->last_ns ? now - meter->last_ns : 0;
	if (elapsed > REFILL_MAX_NS)
		elapsed = REFILL_MAX_NS;
	if (now > meter->last_ns)
		meter->last_ns = now;
	meter->in.n_packets++;
	meter->in.n_bytes += len;
	for (i = 0; i < meter->n_bands; i++) {
		struct mvs_meter_band *b = &meter->bands[i];
		u32 rem;

		/* rate * 1000 tokens a second are rate millionths of a
		 * token a nanosecond; rate * elapsed stays below 2^62.
		 */
		b->tokens += div_u64_rem((u64)b->rate * elapsed + b->frac,
					 NSEC_PER_MSEC, &rem);
		b->frac = rem;
		if (b->tokens >= b->cap) {
			b->tokens = b->cap;
			b->frac = 0;
		}
		if (b->tokens >= cost)
			b->tokens -= cost;
		else if (worst < 0 || b->rate > meter->bands[worst].rate)
			worst = i;
	}
	if (worst >= 0) {
		meter->bands[worst].dropped.n_packets++;
		meter->bands[worst].dropped.n_bytes += len;
	}
	spin_unlock(&meter->lock);
	return worst < 0;
}
