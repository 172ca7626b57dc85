/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_pool: size-class free lists for jansson's allocations.
 *
 * The blocks are plain malloc blocks of the sizes malloc hands out exactly
 * (16k + 8 usable bytes), with no header of ours: a block's class is read
 * back with malloc_usable_size(), and free() stays right for every block
 * (what json_dumps returns is freed with free() all over the code).
 */
#include "json_pool.h"

#include <jansson.h>
#include <malloc.h>
#include <stdlib.h>

#include "util.h"

#define N_CLASSES (JSON_POOL_MAX / 16 + 1)

struct freelist {
	void *head; /* each free block holds the next one's address */
	unsigned n;
};

static __thread struct freelist lists[N_CLASSES];

/* Class k holds blocks of 16k + 8 usable bytes (k >= 1). */
static size_t
class_of_request(size_t n)
{
	return n <= 24 ? 1 : (n - 8 + 15) / 16;
}

void *
json_pool_malloc(size_t n)
{
	if (n > JSON_POOL_MAX)
		return xmalloc(n);
	size_t k = class_of_request(n);
	struct freelist *l = &lists[k];
	if (l->head) {
		void *p = l->head;
		l->head = *(void **)p;
		l->n--;
		return p;
	}
	return xmalloc(16 * k + 8);
}

void
json_pool_free(void *p)
{
	if (!p)
		return;
	size_t u = malloc_usable_size(p);
	size_t k = (u - 8) / 16;
	if (u > JSON_POOL_MAX || u < 24 || (u - 8) % 16 ||
	    lists[k].n >= JSON_POOL_KEEP) {
		free(p);
		return;
	}
	*(void **)p = lists[k].head;
	lists[k].head = p;
	lists[k].n++;
}

unsigned
json_pool_kept(size_t n)
{
	return n > JSON_POOL_MAX ? 0 : lists[class_of_request(n)].n;
}

void
json_pool_install(void)
{
	json_set_alloc_funcs(json_pool_malloc, json_pool_free);
}
