/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_flowset: the flows upcalld tracks for revalidation, by ufid, in
 * one open-addressing array (linear probing, deletion by backward shift).
 * A revalidation round looks up every flow of the datapath; with the
 * entries inline a lookup costs one cache miss, where a chained hash map
 * of separately allocated entries cost two or three.
 */
#include "upcalld.h"

#include <string.h>

#include "util.h"

#define FLOWSET_MIN 64 /* slots of an empty set */

static size_t
home(const struct upc_flows *fs, const struct mvs_ufid *ufid)
{
	/* The ufid is itself a good hash (dpmsg_ufid). */
	return ufid->w[0] & fs->mask;
}

void
upc_flows_init(struct upc_flows *fs)
{
	fs->mask = FLOWSET_MIN - 1;
	fs->n = 0;
	fs->slots = xcalloc(FLOWSET_MIN, sizeof *fs->slots);
}

void
upc_flows_destroy(struct upc_flows *fs)
{
	free(fs->slots);
	fs->slots = NULL;
	fs->n = fs->mask = 0;
}

struct upc_flow *
upc_flows_find(const struct upc_flows *fs, const struct mvs_ufid *ufid)
{
	for (size_t i = home(fs, ufid);; i = (i + 1) & fs->mask) {
		struct upc_flow *f = &fs->slots[i];

		if (!f->used)
			return NULL;
		if (!memcmp(&f->ufid, ufid, sizeof *ufid))
			return f;
	}
}

static struct upc_flow *
place(struct upc_flows *fs, const struct upc_flow *e)
{
	size_t i = home(fs, &e->ufid);

	while (fs->slots[i].used)
		i = (i + 1) & fs->mask;
	fs->slots[i] = *e;
	return &fs->slots[i];
}

static void
resize(struct upc_flows *fs, size_t n_slots)
{
	struct upc_flows old = *fs;

	fs->slots = xcalloc(n_slots, sizeof *fs->slots);
	fs->mask = n_slots - 1;
	for (size_t i = 0; i <= old.mask; i++)
		if (old.slots[i].used)
			place(fs, &old.slots[i]);
	free(old.slots);
}

struct upc_flow *
upc_flows_add(struct upc_flows *fs, const struct mvs_ufid *ufid)
{
	struct upc_flow e = { .ufid = *ufid, .used = true };

	/* At most three quarters full: probes stay short with a hash as
	 * good as the ufid, and the set costs less memory per flow than the
	 * chained map it replaced. */
	if (4 * (fs->n + 1) > 3 * (fs->mask + 1))
		resize(fs, 2 * (fs->mask + 1));
	fs->n++;
	return place(fs, &e);
}

void
upc_flows_remove(struct upc_flows *fs, struct upc_flow *f)
{
	size_t hole = (size_t)(f - fs->slots);

	/* Backward shift: an entry after the hole moves into it unless its
	 * home lies cyclically in (hole, its slot]. */
	for (size_t j = (hole + 1) & fs->mask; fs->slots[j].used;
	     j = (j + 1) & fs->mask) {
		size_t h = home(fs, &fs->slots[j].ufid);

		if (((j - h) & fs->mask) >= ((j - hole) & fs->mask)) {
			fs->slots[hole] = fs->slots[j];
			hole = j;
		}
	}
	memset(&fs->slots[hole], 0, sizeof fs->slots[hole]);
	fs->n--;
	if (fs->mask + 1 > FLOWSET_MIN && 8 * fs->n < fs->mask + 1)
		resize(fs, (fs->mask + 1) / 2);
}

struct mvs_ufid *
upc_flows_select(const struct upc_flows *fs,
		 bool (*pred)(const struct upc_flow *, void *), void *aux,
		 size_t *n)
{
	struct mvs_ufid *v = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t i = 0; i <= fs->mask; i++) {
		const struct upc_flow *f = &fs->slots[i];

		if (!f->used || (pred && !pred(f, aux)))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[(*n)++] = f->ufid;
	}
	return v;
}
