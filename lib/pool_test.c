/* SPDX-License-Identifier: Apache-2.0 */
/* pool_test: fixed-size objects named by number (pool.h). */
#include "pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"

#define N 1000

static void
check_pattern(const struct pool *p, uint32_t n, unsigned char v)
{
	const unsigned char *o = pool_at(p, n);

	for (size_t j = 0; j < 40; j++)
		CHECK_EQ(o[j], v);
}

static void
test_alloc_free(void)
{
	struct pool p;
	uint32_t ids[N];

	pool_init(&p, 40, 48 * 8); /* rounded to 48; 8 a chunk: many chunks */
	CHECK_EQ(p.obj_size, 48);
	CHECK_EQ(p.shift, 3);
	CHECK_EQ(pool_n_used(&p), 0);
	for (int i = 0; i < N; i++) {
		ids[i] = pool_alloc(&p);
		CHECK_EQ((uintptr_t)pool_at(&p, ids[i]) % 16, 0);
		check_pattern(&p, ids[i], 0);
		memset(pool_at(&p, ids[i]), i & 0xff, 40);
	}
	CHECK_EQ(pool_n_used(&p), N);
	CHECK_EQ(p.n_chunks, N / 8);
	/* No two objects overlap: each still holds its own pattern. */
	for (int i = 0; i < N; i++)
		check_pattern(&p, ids[i], i & 0xff);
	/* Freed objects are handed out again, zeroed, before a new chunk
	 * is made. */
	for (int i = 0; i < N; i += 2)
		pool_free(&p, ids[i]);
	CHECK_EQ(pool_n_used(&p), N / 2);
	for (int i = 0; i < N; i += 2) {
		ids[i] = pool_alloc(&p);
		check_pattern(&p, ids[i], 0);
		memset(pool_at(&p, ids[i]), i & 0xff, 40);
	}
	CHECK_EQ(p.n_chunks, N / 8);
	for (int i = 0; i < N; i++)
		check_pattern(&p, ids[i], i & 0xff);
	/* Emptied, it keeps its chunks: as many objects again take no new
	 * memory, and each number is handed out once. */
	for (int i = 0; i < N; i++)
		pool_free(&p, ids[i]);
	CHECK_EQ(pool_n_used(&p), 0);
	CHECK_EQ(p.n_chunks, N / 8);
	static bool seen[N];
	for (int i = 0; i < N; i++) {
		uint32_t n = pool_alloc(&p);

		CHECK(n < N && !seen[n]);
		seen[n] = true;
		check_pattern(&p, n, 0);
	}
	CHECK_EQ(p.n_chunks, N / 8);
	pool_alloc(&p);
	CHECK_EQ(p.n_chunks, N / 8 + 1);
	pool_destroy(&p);
	CHECK_EQ(p.n_chunks, 0);
}

static void
test_sizes(void)
{
	struct pool p;

	pool_init(&p, 1, 0); /* 16 bytes; 4,096 in a 64 kB chunk */
	CHECK_EQ(p.obj_size, 16);
	CHECK_EQ(p.shift, 12);
	uint32_t a = pool_alloc(&p), b = pool_alloc(&p);
	/* Consecutive allocations from a fresh chunk are adjacent. */
	CHECK_EQ(b, a + 1);
	CHECK_EQ((char *)pool_at(&p, b) - (char *)pool_at(&p, a), 16);
	pool_destroy(&p);
	pool_init(&p, 100000, 0); /* larger than a chunk: one per chunk */
	CHECK_EQ(p.shift, 0);
	a = pool_alloc(&p);
	b = pool_alloc(&p);
	CHECK(a != b);
	CHECK_EQ(p.n_chunks, 2);
	pool_destroy(&p);
	pool_init(&p, 320, 0); /* a ukey: 128 in a chunk (not 204) */
	CHECK_EQ(p.shift, 7);
	pool_destroy(&p);
}

int
main(void)
{
	CHECK_RUN(test_alloc_free);
	CHECK_RUN(test_sizes);
	CHECK_EXIT();
}
