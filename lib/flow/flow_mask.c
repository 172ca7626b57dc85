/* SPDX-License-Identifier: Apache-2.0 */
/* flow_mask: hashing and comparing keys under a mask, word by word. */
#include "flow.h"

#include <string.h>

void
flow_words_init(struct flow_words *w, const struct mvs_key *mask)
{
	const uint64_t *m = flow_key_u64(mask);

	w->n = 0;
	for (size_t i = 0; i < MVS_KEY_WORDS; i++)
		if (m[i])
			w->idx[w->n++] = (uint8_t)i;
}

uint32_t
flow_hash_masked(const struct mvs_key *key, const struct mvs_key *mask,
		 const struct flow_words *w, uint32_t basis)
{
	const uint64_t *k = flow_key_u64(key), *m = flow_key_u64(mask);
	uint64_t h = basis;

	for (unsigned i = 0; i < w->n; i++)
		h = flow_hash_add64(h, k[w->idx[i]] & m[w->idx[i]]);
	return flow_hash_finish(h ^ w->n);
}

bool
flow_equal_masked(const struct mvs_key *a_, const struct mvs_key *b_,
		  const struct mvs_key *mask, const struct flow_words *w)
{
	const uint64_t *a = flow_key_u64(a_), *b = flow_key_u64(b_),
		       *m = flow_key_u64(mask);
	uint64_t diff = 0;

	for (unsigned i = 0; i < w->n; i++)
		diff |= (a[w->idx[i]] ^ b[w->idx[i]]) & m[w->idx[i]];
	return !diff;
}

void
flow_key_and(struct mvs_key *dst, const struct mvs_key *key,
	     const struct mvs_key *mask)
{
	uint64_t *d = (uint64_t *)(void *)dst;
	const uint64_t *k = flow_key_u64(key), *m = flow_key_u64(mask);

	for (size_t i = 0; i < MVS_KEY_WORDS; i++)
		d[i] = k[i] & m[i];
}

bool
flow_key_is_masked(const struct mvs_key *key, const struct mvs_key *mask)
{
	const uint64_t *k = flow_key_u64(key), *m = flow_key_u64(mask);

	for (size_t i = 0; i < MVS_KEY_WORDS; i++)
		if (k[i] & ~m[i])
			return false;
	return true;
}
