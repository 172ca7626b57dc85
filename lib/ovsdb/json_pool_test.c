/* SPDX-License-Identifier: Apache-2.0 */
/* json_pool_test: blocks are aligned, big enough, reused by size, and
 * jansson works on top of the pool. */
#include "json_pool.h"

#include <jansson.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json_fast.h"

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
	const unsigned keep = json_pool_keep_max(100);
	const unsigned N = keep + 100;
	void **p = malloc(N * sizeof *p);

	CHECK_EQ(keep, JSON_POOL_CLASS_BYTES / 104);
	/* Small blocks: more of them, the same bytes. */
	CHECK_EQ(json_pool_keep_max(20), JSON_POOL_CLASS_BYTES / 24);
	CHECK_EQ(json_pool_keep_max(JSON_POOL_MAX + 1), 0);

	for (unsigned i = 0; i < N; i++)
		p[i] = json_pool_malloc(100);
	for (unsigned i = 0; i < N; i++)
		json_pool_free(p[i]); /* the last 100 go back to malloc */
	CHECK_EQ(json_pool_kept(100), keep);
	for (unsigned i = 0; i < N; i++)
		p[i] = json_pool_malloc(100);
	CHECK_EQ(json_pool_kept(100), 0);
	for (unsigned i = 0; i < N; i++)
		json_pool_free(p[i]);
	CHECK_EQ(json_pool_kept(100), keep);
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

/* A text like a 1,000-port transaction (well over the arena's threshold,
 * more than one arena's worth of tree). */
static char *
big_text(void)
{
	json_t *ops = json_array();
	for (int i = 0; i < 1000; i++) {
		char name[16], iname[16];
		snprintf(name, sizeof name, "p%d", i);
		snprintf(iname, sizeof iname, "i%d", i);
		json_array_append_new(
			ops, json_pack("{s:s,s:s,s:{s:s,s:[s,s]},s:s}", "op",
				       "insert", "table", "Port", "row", "name",
				       name, "interfaces", "named-uuid", iname,
				       "uuid-name", name));
	}
	json_t *msg = json_pack("{s:s,s:o,s:i}", "method", "transact", "params",
				ops, "id", 7);
	char *text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	return text;
}

static void
test_arena(void)
{
	json_pool_install();
	char *text = big_text();
	size_t len = strlen(text);
	json_t *ref = json_loads(text, 0, NULL);
	CHECK_EQ(json_pool_arena_live(), 0);

	/* The tree is built in arenas and freed whole with it. */
	json_t *j = json_fast_parse(text, len);
	CHECK(j && json_equal(j, ref));
	CHECK(json_pool_arena_live() > 5000);
	json_decref(j);
	CHECK_EQ(json_pool_arena_live(), 0);

	/* A part kept after the tree is freed keeps its arena, and is
	 * intact (another big parse in between reuses the spare arena). */
	j = json_fast_parse(text, len);
	json_t *kept =
		json_incref(json_array_get(json_object_get(j, "params"), 999));
	json_decref(j);
	CHECK(json_pool_arena_live() > 0);
	j = json_fast_parse(text, len);
	CHECK(json_equal(j, ref));
	json_decref(j);
	CHECK(json_equal(kept,
			 json_array_get(json_object_get(ref, "params"), 999)));
	json_decref(kept);
	CHECK_EQ(json_pool_arena_live(), 0);

	/* A big text refused half-way leaves nothing behind. */
	CHECK(json_fast_parse(text, len - 1) == NULL);
	CHECK_EQ(json_pool_arena_live(), 0);

	/* A small text is not parsed into an arena; blocks allocated
	 * after a parse come from the pool again (free() is right). */
	j = json_fast_parse("[1,\"a\"]", 7);
	CHECK(j != NULL);
	CHECK_EQ(json_pool_arena_live(), 0);
	json_decref(j);
	void *p = json_pool_malloc(40);
	CHECK(malloc_usable_size(p) >= 40);
	free(p);
	free(text);
	json_decref(ref);
}

int
main(void)
{
	CHECK_RUN(test_blocks);
	CHECK_RUN(test_keep_bound);
	CHECK_RUN(test_jansson_on_pool);
	CHECK_RUN(test_arena);
	CHECK_EXIT();
}
