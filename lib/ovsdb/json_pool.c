/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_pool: size-class free lists for jansson's allocations.
 *
 * The blocks are plain malloc blocks of the sizes malloc hands out exactly
 * (16k + 8 usable bytes), with no header of ours: a block's class is read
 * back with malloc_usable_size(), and free() stays right for every block
 * (what json_dumps returns is freed with free() all over the code).
 *
 * The exception is the arena, which only json_fast_parse() turns on, and
 * only while it builds a tree: those blocks are freed by json_decref()
 * through json_pool_free(), never with free() by a caller.
 */
#include "json_pool.h"

#include <jansson.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util.h"

#define N_CLASSES (JSON_POOL_MAX / 16 + 1)

struct freelist {
	void *head; /* each free block holds the next one's address */
	unsigned n;
};

static __thread struct freelist lists[N_CLASSES];

/* An arena: blocks bumped one after the other from [data, end), freed
 * whole when the last of them is.  Blocks are 16-byte aligned. */
struct arena {
	struct arena *next; /* in arenas */
	char *bump, *end;
	size_t live; /* blocks handed out and not freed yet */
	size_t size; /* bytes of data */
	_Alignas(16) char data[];
};

static __thread struct arena *arenas; /* every arena not freed yet */
static __thread struct arena *cur;    /* allocations come from it */
static __thread struct arena *spare;  /* one emptied arena, for reuse */
static __thread size_t arena_size;

static struct arena *
arena_new(size_t size)
{
	struct arena *a;
	if (spare && spare->size >= size) {
		a = spare;
		spare = NULL;
	} else {
		a = xmalloc(sizeof *a + size);
		a->size = size;
	}
	a->bump = a->data;
	a->end = a->data + a->size;
	a->live = 0;
	a->next = arenas;
	arenas = a;
	return a;
}

/* Unlinks @a (live 0, not cur) and keeps it as the spare or frees it. */
static void
arena_drop(struct arena *a)
{
	struct arena **pp = &arenas;
	while (*pp != a)
		pp = &(*pp)->next;
	*pp = a->next;
	if (!spare || spare->size < a->size) {
		free(spare);
		spare = a;
	} else {
		free(a);
	}
}

static void *
arena_malloc(size_t n)
{
	size_t n16 = n ? (n + 15) & ~(size_t)15 : 16;
	if ((size_t)(cur->end - cur->bump) < n16) {
		struct arena *old = cur;
		cur = arena_new(n16 > arena_size ? n16 : arena_size);
		if (!old->live)
			arena_drop(old);
	}
	void *p = cur->bump;
	cur->bump += n16;
	cur->live++;
	return p;
}

/* If @p is an arena block, frees it and returns true. */
static bool
arena_free(void *p)
{
	for (struct arena *a = arenas; a; a = a->next) {
		if ((char *)p >= a->data && (char *)p < a->end) {
			if (!--a->live && a != cur)
				arena_drop(a);
			return true;
		}
	}
	return false;
}

void
json_pool_arena_begin(size_t bytes)
{
	if (cur)
		return;
	arena_size = bytes < 4096 ? 4096 : (bytes + 15) & ~(size_t)15;
	cur = arena_new(arena_size);
}

void
json_pool_arena_end(void)
{
	struct arena *a = cur;
	if (!a)
		return;
	cur = NULL;
	if (!a->live)
		arena_drop(a);
}

size_t
json_pool_arena_live(void)
{
	size_t n = 0;
	for (struct arena *a = arenas; a; a = a->next)
		n += a->live;
	return n;
}

/* Class k holds blocks of 16k + 8 usable bytes (k >= 1). */
static size_t
class_of_request(size_t n)
{
	return n <= 24 ? 1 : (n - 8 + 15) / 16;
}

void *
json_pool_malloc(size_t n)
{
	if (cur)
		return arena_malloc(n);
	if (n > JSON_POOL_MAX)
		return xmalloc(n);
	size_t k = class_of_request(n);
	struct freelist *l = &lists[k];
	if (l->head) {
		void *p = l->head;
		l->head = *(void **)p;
		l->n--;
		/* The blocks of a list are scattered: without this, reading
		 * the next one's link was a cache miss on every call (13 %
		 * of a 1,000-port add). */
		if (l->head)
			__builtin_prefetch(l->head);
		return p;
	}
	return xmalloc(16 * k + 8);
}

void
json_pool_free(void *p)
{
	if (!p || (arenas && arena_free(p)))
		return;
	size_t u = malloc_usable_size(p);
	size_t k = (u - 8) / 16;
	if (u > JSON_POOL_MAX || u < 24 || (u - 8) % 16 ||
	    lists[k].n >= JSON_POOL_CLASS_BYTES / u) {
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

unsigned
json_pool_keep_max(size_t n)
{
	return n > JSON_POOL_MAX
		       ? 0
		       : JSON_POOL_CLASS_BYTES /
				 (16 * (unsigned)class_of_request(n) + 8);
}

void
json_pool_install(void)
{
	json_set_alloc_funcs(json_pool_malloc, json_pool_free);
}
