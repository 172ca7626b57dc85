/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_pool: an allocator for jansson that keeps freed small blocks on
 * per-thread lists by size, for a server that builds and drops a few dozen
 * jansson values per message.  Blocks up to JSON_POOL_MAX bytes come from
 * the lists (at most JSON_POOL_CLASS_BYTES of them kept per size);
 * larger ones go straight to malloc.  Every block is a malloc block: free() is
 * right for any of them, and the pool may be installed at any time.
 *
 * The bound is sized for a transaction of a thousand operations (a
 * 1,000-port add builds some 70,000 jansson blocks): with 1,024 blocks a
 * size most of them went back to malloc and came from it again for the
 * next request, 12 % of the server's instructions.  It is in bytes, not
 * blocks: with 16,384 blocks of every size the small sizes, which most
 * blocks have, still overflowed, and the tens of thousands of small
 * blocks freed to malloc made SQLite's next page-sized allocation
 * consolidate them all (malloc_consolidate; the 1,000-port add took 49
 * ms of server CPU, 35 ms with none overflowing).  At most 64 MB can be
 * kept (4 MB in each of the 16 sizes); after such a request, a few MB are.
 */
#ifndef MICROVS_JSON_POOL_H
#define MICROVS_JSON_POOL_H

#include <stddef.h>

#define JSON_POOL_MAX 264
#define JSON_POOL_CLASS_BYTES (4u << 20)

void json_pool_install(void);

/* Between begin and end, every block this thread's json_pool_malloc()
 * hands out comes from an arena of @bytes (more arenas of that size
 * when it is full): bumped one after the other, so that building a big
 * tree touches memory in order and freeing it costs no malloc call; an
 * arena goes back to malloc (the last one is kept for the next time)
 * when the last of its blocks is freed, through json_pool_free() only
 * (json_decref() of the tree), never free().  So it is for trees parsed
 * from text (json_fast_parse() of a big message), not for strings a
 * caller frees.  A block kept long after (a value a session holds)
 * keeps its arena.  begin while an arena is on does nothing; never
 * fails (xmalloc). */
void json_pool_arena_begin(size_t bytes);
void json_pool_arena_end(void);
/* Blocks of arenas not freed yet (for the test). */
size_t json_pool_arena_live(void);

/* Exposed for the test. */
void *json_pool_malloc(size_t n);
void json_pool_free(void *p);
/* Free blocks this thread keeps for requests of @n bytes. */
unsigned json_pool_kept(size_t n);
/* The most it keeps for them (0 above JSON_POOL_MAX). */
unsigned json_pool_keep_max(size_t n);

#endif
