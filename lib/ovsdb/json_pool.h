/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_pool: an allocator for jansson that keeps freed small blocks on
 * per-thread lists by size, for a server that builds and drops a few dozen
 * jansson values per message.  Blocks up to JSON_POOL_MAX bytes come from
 * the lists (at most JSON_POOL_KEEP kept per size); larger ones go
 * straight to malloc.  Every block is a malloc block: free() is right for
 * any of them, and the pool may be installed at any time.
 *
 * JSON_POOL_KEEP is sized for a transaction of a thousand operations (a
 * 1,000-port add builds some 70,000 jansson blocks): with 1,024 most of
 * them went back to malloc and came from it again for the next request,
 * 12 % of the server's instructions.  At most 37 MB can be kept (16,384
 * blocks in each of the 16 sizes); after such a request, a few MB are.
 */
#ifndef MICROVS_JSON_POOL_H
#define MICROVS_JSON_POOL_H

#include <stddef.h>

#define JSON_POOL_MAX 264
#define JSON_POOL_KEEP 16384

void json_pool_install(void);

/* Exposed for the test. */
void *json_pool_malloc(size_t n);
void json_pool_free(void *p);
/* Free blocks this thread keeps for requests of @n bytes. */
unsigned json_pool_kept(size_t n);

#endif
