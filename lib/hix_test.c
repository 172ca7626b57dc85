/* SPDX-License-Identifier: Apache-2.0 */
/* hix_test: the open-addressing index of hashes to ids (hix.h). */
#include "hix.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"

#define N 6000

/* Hashes that crowd few homes, some near the end of the array so that
 * clusters wrap around, and equal hashes for different ids. */
static uint32_t
hash_of(uint32_t id)
{
	uint32_t h = (id / 3 % 16) | (id / 48) << 18;

	return id % 5 == 0 ? h | 0x3fff0 : h;
}

/* Each id < N is found under its hash exactly when in[id]; n matches. */
static void
check_all(const struct hix *ix, const bool *in)
{
	size_t k = 0;

	for (uint32_t id = 0; id < N; id++) {
		uint32_t h = hash_of(id), got;
		size_t pos = hix_start(ix, h), seen = 0;

		while ((got = hix_next(ix, h, &pos)) != HIX_NONE) {
			CHECK_EQ(hash_of(got), h);
			seen += got == id;
		}
		CHECK_EQ(seen, in[id] ? 1 : 0);
		k += in[id];
	}
	CHECK_EQ(ix->n, k);
}

static void
test_insert_remove(void)
{
	static bool in[N];
	struct hix ix;

	hix_init(&ix);
	for (uint32_t id = 0; id < N; id++) {
		hix_insert(&ix, hash_of(id), id);
		in[id] = true;
	}
	check_all(&ix, in);
	CHECK(4 * ix.n <= 3 * (ix.mask + 1));
	CHECK(!hix_remove(&ix, hash_of(1), N + 1)); /* not there */
	CHECK(!hix_remove(&ix, hash_of(1) ^ 1, 1)); /* wrong hash */
	for (size_t step = 0; step < N; step++) {
		uint32_t id = (uint32_t)(step * 7919 % N);

		CHECK(hix_remove(&ix, hash_of(id), id));
		in[id] = false;
		if (step % 101 == 0)
			check_all(&ix, in);
	}
	check_all(&ix, in);
	CHECK_EQ(ix.mask + 1, 64); /* shrunk back */
	CHECK(!hix_remove(&ix, hash_of(0), 0));
	hix_destroy(&ix);
}

static void
test_iterate(void)
{
	struct hix ix;
	size_t n = 0;
	uint64_t sum = 0;

	hix_init(&ix);
	for (uint32_t id = 0; id < 1000; id++)
		hix_insert(&ix, id * 2654435761u, id);
	/* An id of 0 and the largest one are kept apart from "empty". */
	hix_insert(&ix, 5, HIX_NONE - 1);
	for (size_t i = 0; i <= ix.mask; i++) {
		uint32_t id = HIX_AT(&ix, i);

		if (id == HIX_NONE)
			continue;
		n++;
		sum += id;
	}
	CHECK_EQ(n, 1001);
	CHECK_EQ(sum, 999 * 1000 / 2 + (uint64_t)(HIX_NONE - 1));
	size_t pos = hix_start(&ix, 5);
	CHECK_EQ(hix_next(&ix, 5, &pos), HIX_NONE - 1);
	hix_destroy(&ix);
}

int
main(void)
{
	CHECK_RUN(test_insert_remove);
	CHECK_RUN(test_iterate);
	CHECK_EXIT();
}
