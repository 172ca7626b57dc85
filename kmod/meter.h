/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A datapath's meters (meter.c): token buckets that MVS_ACTION_ATTR_METER
 * passes packets through, the same arithmetic as the userspace
 * datapath's (procs/upcalld/upcalld_meter.c).
 *
 * Locking: the table is an xarray by meter id; mvs_mutex serialises its
 * writers, the packet path looks meters up under rcu_read_lock and a
 * meter is freed after a grace period.  Each meter's buckets and
 * counters are under its own spinlock, which the packet path takes with
 * bottom halves off and readers with spin_lock_bh().
 */
#ifndef MVS_METER_H
#define MVS_METER_H

#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "microvs_dp.h"

struct mvs_dp;

/**
 * struct mvs_meter_band - one drop band
 * @rate: packets/s, or kbit/s for a kbps meter, as set (not 0)
 * @burst: bucket size as set; 0: the rate (one second's worth)
 * @cap: bucket size in tokens (thousandths of a packet, or bits)
 * @tokens: what the bucket holds
 * @frac: refill below one token, in millionths of a token
 * @dropped: packets this band dropped (the meter's lock)
 */
struct mvs_meter_band {
	u32 rate;
	u32 burst;
	u64 cap;
	u64 tokens;
	u64 frac;
	struct mvs_meter_stats dropped;
};

/**
 * struct mvs_meter - one meter
 * @id: its id, at most MVS_METER_MAX
 * @kbps: rates and bursts in kbit/s and kbit, else packets
 * @n_bands: 1 to MVS_METER_BANDS_MAX
 * @lock: the buckets and counters
 * @last_ns: ktime of the last refill
 * @in: what entered the meter
 * @rcu: frees it after readers are done
 * @bands: @n_bands bands
 */
struct mvs_meter {
	u32 id;
	bool kbps;
	u8 n_bands;
	spinlock_t lock; /* the buckets and counters */
	u64 last_ns;
	struct mvs_meter_stats in;
	struct rcu_head rcu;
	struct mvs_meter_band bands[];
};

/* A new meter @id with @n_bands bands whose rate and burst the caller
 * sets before mvs_meter_set(), or NULL.  GFP_KERNEL.
 */
struct mvs_meter *mvs_meter_alloc(u32 id, bool kbps, int n_bands);
/* Frees a meter that was never set. */
void mvs_meter_free(struct mvs_meter *meter);
/* Makes @meter (taken, whatever the result) @dp's meter of its id, with
 * full buckets and zero counters, replacing any other of that id.
 * -ENOSPC above MVS_METERS_PER_DP meters, -ENOMEM.  mvs_mutex held.
 */
int mvs_meter_set(struct mvs_dp *dp, struct mvs_meter *meter);
/* Deletes @dp's meter @id: -ENOENT if none.  mvs_mutex held. */
int mvs_meter_del(struct mvs_dp *dp, u32 id);
/* @dp's meter @id, or NULL (mvs_mutex or RCU). */
struct mvs_meter *mvs_meter_lookup(struct mvs_dp *dp, u32 id);
/* A consistent copy of @meter's counters: what entered, what each band
 * dropped (@bands has room for @meter->n_bands).  Process context.
 */
void mvs_meter_read(struct mvs_meter *meter, struct mvs_meter_stats *in,
		    struct mvs_meter_stats *bands);

/* The table's life: empty at datapath creation, and every meter deleted
 * (freed after a grace period) when the datapath goes.  mvs_mutex held.
 */
void mvs_meters_init(struct mvs_dp *dp);
void mvs_meters_destroy(struct mvs_dp *dp);

/* The meter action: false if @dp's meter @id drops a packet of @len
 * bytes (counted in the band of highest rate among those it exceeds);
 * true if it passes, or there is no such meter.  RCU held, bottom
 * halves off.
 */
bool mvs_meter_pass(struct mvs_dp *dp, u32 id, unsigned int len);

#endif /* MVS_METER_H */
