/* SPDX-License-Identifier: Apache-2.0 */
/* hix: open-addressing index of hashes to ids (hix.h). */
#include "hix.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define HIX_MIN 64

void
hix_init(struct hix *ix)
{
	ix->mask = HIX_MIN - 1;
	ix->n = 0;
	ix->slots = xcalloc(HIX_MIN, sizeof *ix->slots);
}

void
hix_destroy(struct hix *ix)
{
	free(ix->slots);
	ix->slots = NULL;
	ix->mask = ix->n = 0;
}

static void
place(struct hix *ix, struct hix_slot e)
{
	size_t i = e.hash & ix->mask;

	while (ix->slots[i].id1)
		i = (i + 1) & ix->mask;
	ix->slots[i] = e;
}

static void
resize(struct hix *ix, size_t n_slots)
{
	struct hix old = *ix;

	ix->slots = xcalloc(n_slots, sizeof *ix->slots);
	ix->mask = n_slots - 1;
	for (size_t i = 0; i <= old.mask; i++)
		if (old.slots[i].id1)
			place(ix, old.slots[i]);
	free(old.slots);
}

void
hix_insert(struct hix *ix, uint32_t hash, uint32_t id)
{
	if (4 * (ix->n + 1) > 3 * (ix->mask + 1))
		resize(ix, 2 * (ix->mask + 1));
	ix->n++;
	place(ix, (struct hix_slot){ .hash = hash, .id1 = id + 1 });
}

bool
hix_remove(struct hix *ix, uint32_t hash, uint32_t id)
{
	size_t hole = hash & ix->mask;

	for (;; hole = (hole + 1) & ix->mask) {
		const struct hix_slot *s = &ix->slots[hole];

		if (!s->id1)
			return false;
		if (s->hash == hash && s->id1 == id + 1)
			break;
	}
	/* Backward shift: an entry after the hole moves into it unless its
	 * home lies cyclically in (hole, its slot]. */
	for (size_t j = (hole + 1) & ix->mask; ix->slots[j].id1;
	     j = (j + 1) & ix->mask) {
		size_t h = ix->slots[j].hash & ix->mask;

		if (((j - h) & ix->mask) >= ((j - hole) & ix->mask)) {
			ix->slots[hole] = ix->slots[j];
			hole = j;
		}
	}
	memset(&ix->slots[hole], 0, sizeof ix->slots[hole]);
	ix->n--;
	if (ix->mask + 1 > HIX_MIN && 8 * ix->n < ix->mask + 1)
		resize(ix, (ix->mask + 1) / 2);
	return true;
}
