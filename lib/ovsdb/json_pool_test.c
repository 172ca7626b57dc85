/* SPDX-License-Identifier: Apache-2.0 */
/* json_pool_test: blocks are aligned, big enough, reused by size, and
 * jansson works on top of the pool. */
#include "json_pool.h"

#include <jansson.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static void
test_blocks(void)
{
	void *p[JSON_POOL_MAX + 64];

	for (size_t n = 0; n < JSON_POOL_MAX + 64; n++) {
		p[n] = json_pool_malloc(n);
		CHECK(p[n] != NULL);
		CHECK_EQ((uintptr_t)p[n] % 16, 0);
		CHECK(malloc_usable_size(p[n]) >= n);
		memset(p[n], 0xa5, n); /* valgrind/ASan: the block holds n */
	}
	for (size_t n = 0; n < JSON_POOL_MAX + 64; n++)
		json_pool_free(p[n]);
	/* A freed small block of the same size class comes back. */
	void *a = json_pool_malloc(40);
	json_pool_free(a);
	void *b = json_pool_malloc(27);
	CHECK(a == b);
	json_pool_free(b);
	json_pool_free(NULL);
}

static void
test_keep_bound(void)
{
	enum { N = JSON_POOL_KEEP + 100 };
	void **p = malloc(N * sizeof *p);

	for (int i = 0; i < N; i++)
		p[i] = json_pool_malloc(100);
	for (int i = 0; i < N; i++)
		json_pool_free(p[i]); /* the last 100 go back to malloc */
	CHECK_EQ(json_pool_kept(100), JSON_POOL_KEEP);
	for (int i = 0; i < N; i++)
		p[i] = json_pool_malloc(100);
	CHECK_EQ(json_pool_kept(100), 0);
	for (int i = 0; i < N; i++)
		json_pool_free(p[i]);
	CHECK_EQ(json_pool_kept(100), JSON_POOL_KEEP);
	CHECK_EQ(json_pool_kept(JSON_POOL_MAX + 1), 0);
	free(p);
}

static void
test_jansson_on_pool(void)
{
	json_pool_install();
	for (int i = 0; i < 1000; i++) {
		json_t *j = json_pack("{s:[i,s,{s:b}],s:s%}", "a", i, "x", "k",
				      1, "big", "0123456789abcdef", (size_t)16);
		json_object_set_new(
			j, "long",
			json_string("a string longer than the pool's largest "
				    "block, a string "
				    "longer than the pool's largest block, a "
				    "string longer "
				    "than the pool's largest block, a string "
				    "longer than the "
				    "pool's largest block, a string longer "
				    "than the pool's "));
		char *s = json_dumps(j, JSON_COMPACT); /* freed with free() */
		json_t *k = json_loads(s, 0, NULL);
		CHECK(json_equal(j, k));
		free(s);
		json_decref(j);
		json_decref(k);
	}
}

int
main(void)
{
	CHECK_RUN(test_blocks);
	CHECK_RUN(test_keep_bound);
	CHECK_RUN(test_jansson_on_pool);
	CHECK_EXIT();
}
