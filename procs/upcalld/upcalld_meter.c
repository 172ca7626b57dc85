/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_meter: the userspace datapath's meters (MVS_ACTION_ATTR_METER,
 * include/uapi/microvs_dp.h): per band a token bucket in thousandths of
 * a packet (packets/s) or in bits (kbit/s), refilled from the monotonic
 * clock at the band's rate up to its burst (the rate when none is
 * given: one second's worth), so a meter of 1,000 packets/s passes
 * about 1,000 a second whatever arrives.  A packet takes its cost from
 * every band that has it; one that finds a band short is dropped,
 * counted in the band of highest rate among those it exceeded.  The
 * loop thread runs every packet: no locks.
 */
#include "upcalld.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hmap.h"

/* Tokens are thousandths of a packet, or bits: a rate of N packets/s or
 * kbit/s is N * 1000 tokens a second either way. */
#define TOKENS_PER_UNIT 1000

struct udp_band {
	uint32_t rate, burst; /* as set */
	uint64_t cap;	      /* bucket size, tokens */
	uint64_t tokens;      /* what the bucket holds */
	uint64_t frac;	      /* refill below one token, in 1e-9 tokens */
	struct mvs_meter_stats dropped;
};

struct udp_meter {
	struct hnode node; /* in udp_dp.meters, by id */
	uint32_t id;
	bool kbps;
	unsigned n_bands;
	struct udp_band bands[MVS_METER_BANDS_MAX];
	uint64_t last_ns; /* of the last refill */
	struct mvs_meter_stats in;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t
meter_hash(uint32_t id)
{
	return hash_bytes(&id, sizeof id, 0);
}

static struct udp_meter *
meter_find(const struct udp_dp *dp, uint32_t id)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&dp->meters, meter_hash(id)); n;
	     n = hmap_next_with_hash(n)) {
		struct udp_meter *m = HMAP_CONTAINER(n, struct udp_meter, node);
		if (m->id == id)
			return m;
	}
	return NULL;
}

void
udp_meters_init(struct udp_dp *dp)
{
	hmap_init(&dp->meters);
}

void
udp_meters_destroy(struct udp_dp *dp)
{
	struct hnode *n, *next;

	HMAP_FOR_EACH_SAFE (n, next, &dp->meters) {
		hmap_remove(&dp->meters, n);
		free(HMAP_CONTAINER(n, struct udp_meter, node));
	}
	hmap_destroy(&dp->meters);
}

int
udp_meter_set(struct dp *dp_, const struct dpmsg_meter *dm)
{
	struct udp_dp *dp = udp_dp_cast(dp_);
	struct udp_meter *m = meter_find(dp, dm->id);

	if (!dm->n_bands || dm->n_bands > MVS_METER_BANDS_MAX ||
	    dm->id > MVS_METER_MAX)
		return -EINVAL;
	if (!m) {
		m = xzalloc(sizeof *m);
		m->id = dm->id;
		hmap_insert(&dp->meters, &m->node, meter_hash(dm->id));
	}
	m->kbps = dm->kbps;
	m->n_bands = dm->n_bands;
	memset(&m->in, 0, sizeof m->in);
	for (unsigned i = 0; i < dm->n_bands; i++) {
		struct udp_band *b = &m->bands[i];
		uint32_t burst = dm->bands[i].burst ? dm->bands[i].burst
						    : dm->bands[i].rate;

		memset(b, 0, sizeof *b);
		b->rate = dm->bands[i].rate;
		b->burst = dm->bands[i].burst;
		b->cap = (uint64_t)burst * TOKENS_PER_UNIT;
		b->tokens = b->cap;
	}
	m->last_ns = now_ns();
	return 0;
}

int
udp_meter_del(struct dp *dp_, uint32_t id)
{
	struct udp_dp *dp = udp_dp_cast(dp_);
	struct udp_meter *m = meter_find(dp, id);

	if (!m)
		return -ENOENT;
	hmap_remove(&dp->meters, &m->node);
	free(m);
	return 0;
}

int
udp_meter_dump(struct dp *dp_,
	       void (*fn)(void *aux, const struct dpmsg_meter *m), void *aux)
{
	struct udp_dp *dp = udp_dp_cast(dp_);
	struct hnode *n;

	HMAP_FOR_EACH (n, &dp->meters) {
		const struct udp_meter *m =
			HMAP_CONTAINER(n, struct udp_meter, node);
		struct dpmsg_meter dm;

		memset(&dm, 0, sizeof dm);
		dm.id = m->id;
		dm.kbps = m->kbps;
		dm.n_bands = m->n_bands;
		dm.stats = m->in;
		for (unsigned i = 0; i < m->n_bands; i++) {
			dm.bands[i].rate = m->bands[i].rate;
			dm.bands[i].burst = m->bands[i].burst;
			dm.bands[i].stats = m->bands[i].dropped;
		}
		fn(aux, &dm);
	}
	return 0;
}

bool
udp_meter_pass(struct udp_dp *dp, uint32_t id, const struct dp_packet *p)
{
	struct udp_meter *m = meter_find(dp, id);
	uint64_t now, elapsed, cost;
	int worst = -1;

	if (!m)
		return true;
	now = now_ns();
	elapsed = now - m->last_ns;
	/* A bucket is full after a second at most: no need to count more,
	 * and no overflow below. */
	if (elapsed > 1000000000ull)
		elapsed = 1000000000ull;
	m->last_ns = now;
	m->in.n_packets++;
	m->in.n_bytes += p->len;
	cost = m->kbps ? (uint64_t)p->len * 8 : 1000;
	for (unsigned i = 0; i < m->n_bands; i++) {
		struct udp_band *b = &m->bands[i];

		unsigned __int128 add =
			(unsigned __int128)b->rate * TOKENS_PER_UNIT * elapsed +
			b->frac;

		b->tokens += (uint64_t)(add / 1000000000u);
		b->frac = (uint64_t)(add % 1000000000u);
		if (b->tokens >= b->cap) {
			b->tokens = b->cap;
			b->frac = 0;
		}
		if (b->tokens >= cost)
			b->tokens -= cost;
		else if (worst < 0 || b->rate > m->bands[worst].rate)
			worst = (int)i;
	}
	if (worst < 0)
		return true;
	m->bands[worst].dropped.n_packets++;
	m->bands[worst].dropped.n_bytes += p->len;
	return false;
}
