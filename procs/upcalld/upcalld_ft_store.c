/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_ft_store: where the megaflow table lives: one memfd per
 * datapath, mapped shared, that outlives the process in the descriptor
 * store (upcalld_keep.c), so a new upcalld forwards with the flows of the
 * one that crashed.
 *
 *	header	   magic, version and the layout (sizes of everything), the
 *		   high-water marks of the mask and flow slots
 *	counters   struct ft_counters: the datapath's and ports' statistics
 *	masks	   FT_MASK_SLOTS slots: commit word, checksum, mask
 *	flows	   FT_SLOTS slots of FT_SLOT bytes: struct ft_flow, its
 *		   actions running into the next slots when long
 *
 * The memfd is sized once (sparse: a page costs memory only once
 * written), so the mapping never moves and the hash-table links inside
 * the flows stay valid.  Those links are this process's: a new one
 * rebuilds them from the committed flows.
 *
 * Crash consistency: a flow or mask is written with its commit word
 * clear, then its checksum, then the commit word; it is uncommitted
 * before it changes or goes.  A process killed at any point leaves each
 * entry whole (committed, checksum right) or not used (commit clear, or
 * a checksum that does not hold: freed when taken over).  Statistics are
 * counted in place without a checksum: a crash may lose the last packet's
 * count, never use a wrong flow.
 *
 * Allocation: slots below the high-water mark that are free are on a
 * stack; a flow of several slots takes them at the mark (they come back
 * as single slots).  The pages above the mark are made ready in chunks
 * of FT_POPULATE slots, one system call each, so that an install does
 * not take a page fault of its own.
 */
#include "upcalld.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

LOG_MODULE(ft_store);

#define FT_MAGIC "mvsft\0\0\1"
#define FT_VERSION 1
#define FT_SLOTS (1u << 19) /* 256 MB of address space, used as needed */
#define FT_MASK_SLOTS 8192
#define FT_COMMIT 0x46540000u /* | the flow's number of slots */
#define FT_COMMIT_MASK 0xffff0000u
#define PAGE 4096
#define FT_POPULATE 2048 /* slots (1 MB) made ready at a time */

struct ft_hdr {
	char magic[8];
	uint32_t version;
	uint32_t hdr_size, counters_size, key_size;
	uint32_t mask_slot_size, flow_size, slot_size;
	uint32_t n_mask_slots, n_slots;
	uint64_t size;
	/* Slots at and above these were never used. */
	uint32_t masks_hw, slots_hw;
};

struct ft_mask_slot {
	uint32_t commit; /* FT_COMMIT when whole */
	uint32_t csum;	 /* of the mask */
	uint64_t pad;
	struct mvs_key mask;
};

struct ft_store {
	int fd;
	uint8_t *base;
	size_t size;
	struct ft_hdr *hdr;
	struct ft_mask_slot *masks;
	uint8_t *slots;
	uint32_t *free; /* single free slots below slots_hw */
	size_t n_free, cap_free;
	uint32_t populated; /* slots below are in memory and mapped */
};

_Static_assert(sizeof(struct ft_flow) <= FT_SLOT, "a flow fits a slot");
_Static_assert(sizeof(struct ft_flow) % 8 == 0, "actions are aligned");
_Static_assert(offsetof(struct ft_flow, mask_slot) % 8 == 0, "csum words");

static size_t
round_page(size_t n)
{
	return (n + PAGE - 1) & ~(size_t)(PAGE - 1);
}

/* Where each part starts, and the whole size. */
static size_t
off_counters(void)
{
	return round_page(sizeof(struct ft_hdr));
}

static size_t
off_masks(void)
{
	return off_counters() + round_page(sizeof(struct ft_counters));
}

static size_t
off_slots(void)
{
	return off_masks() +
	       round_page((size_t)FT_MASK_SLOTS * sizeof(struct ft_mask_slot));
}

static size_t
region_size(void)
{
	return off_slots() + (size_t)FT_SLOTS * FT_SLOT;
}

/* The header a table of this build has. */
static void
hdr_expected(struct ft_hdr *h)
{
	memset(h, 0, sizeof *h);
	memcpy(h->magic, FT_MAGIC, sizeof h->magic);
	h->version = FT_VERSION;
	h->hdr_size = sizeof *h;
	h->counters_size = sizeof(struct ft_counters);
	h->key_size = sizeof(struct mvs_key);
	h->mask_slot_size = sizeof(struct ft_mask_slot);
	h->flow_size = sizeof(struct ft_flow);
	h->slot_size = FT_SLOT;
	h->n_mask_slots = FT_MASK_SLOTS;
	h->n_slots = FT_SLOTS;
	h->size = region_size();
}

static struct ft_flow *
slot_flow(const struct ft_store *st, uint32_t i)
{
	return (struct ft_flow *)(void *)(st->slots + (size_t)i * FT_SLOT);
}

static uint32_t
slot_of(const struct ft_store *st, const struct ft_flow *f)
{
	return (uint32_t)(((const uint8_t *)f - st->slots) / FT_SLOT);
}

static uint16_t
slots_for(size_t actions_len)
{
	return (uint16_t)((sizeof(struct ft_flow) + actions_len + FT_SLOT - 1) /
			  FT_SLOT);
}

/* A checksum of @n bytes at @p (8-byte aligned), word by word: an
 * install pays for it on every flow, so not byte by byte. */
static uint32_t
csum_words(const void *p, size_t n, uint64_t h)
{
	const uint64_t *w = p;
	uint64_t tail = 0;

	for (; n >= 8; n -= 8, w++) {
		h = (h ^ *w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	if (n) {
		memcpy(&tail, w, n);
		h = (h ^ tail ^ n) * 0x9e3779b97f4a7c15ull;
	}
	h ^= h >> 32;
	return (uint32_t)h;
}

static uint32_t
flow_csum(const struct ft_flow *f)
{
	const uint8_t *from = (const uint8_t *)&f->mask_slot;
	const uint8_t *to = (const uint8_t *)f->acts + f->actions_len;

	return csum_words(from, (size_t)(to - from),
			  csum_words(&f->ufid, sizeof f->ufid, FT_VERSION));
}

static uint32_t
mask_csum(const struct ft_mask_slot *m)
{
	return csum_words(&m->mask, sizeof m->mask, FT_VERSION);
}

static void
push_free(struct ft_store *st, uint32_t slot)
{
	if (st->n_free == st->cap_free) {
		st->cap_free = st->cap_free ? 2 * st->cap_free : 1024;
		st->free = xrealloc(st->free, st->cap_free * sizeof *st->free);
	}
	st->free[st->n_free++] = slot;
}

static int
map(struct ft_store *st, int fd)
{
	void *p = mmap(NULL, region_size(), PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	st->fd = fd;
	st->base = p;
	st->size = region_size();
	st->hdr = p;
	st->masks = (void *)(st->base + off_masks());
	st->slots = st->base + off_slots();
	return 0;
}

int
fts_open(struct flow_table *ft, int fd)
{
	struct ft_store *st = xzalloc(sizeof *st);
	struct ft_hdr want;
	int r;

	hdr_expected(&want);
	if (fd >= 0) {
		struct stat s;
		struct ft_hdr have;

		if (fstat(fd, &s) < 0) {
			r = -errno;
			goto fail;
		}
		if ((uint64_t)s.st_size != want.size ||
		    pread(fd, &have, sizeof have, 0) != (ssize_t)sizeof have ||
		    memcmp(&have, &want, offsetof(struct ft_hdr, masks_hw))) {
			r = -EPROTO;
			goto fail;
		}
		r = map(st, fd);
		if (r)
			goto fail;
	} else {
		fd = memfd_create("microvs-flows", MFD_CLOEXEC);
		if (fd < 0) {
			r = -errno;
			goto fail;
		}
		if (ftruncate(fd, (off_t)want.size) < 0) {
			r = -errno;
			close(fd);
			goto fail;
		}
		r = map(st, fd);
		if (r) {
			close(fd);
			goto fail;
		}
		*st->hdr = want;
	}
	ft->store = st;
	ft->flow_slots = st->slots;
	ft->counters = (void *)(st->base + off_counters());
	return 0;
fail:
	free(st);
	return r;
}

void
fts_close(struct flow_table *ft)
{
	struct ft_store *st = ft->store;

	if (!st)
		return;
	munmap(st->base, st->size);
	close(st->fd);
	free(st->free);
	free(st);
	ft->store = NULL;
	ft->counters = NULL;
}

int
fts_fd(const struct flow_table *ft)
{
	return ft->store->fd;
}

/* Makes the slots up to @upto ready ahead of use. */
static void
populate(struct ft_store *st, uint32_t upto)
{
	uint32_t to = st->populated;

	while (to < upto)
		to += FT_POPULATE;
	if (to > FT_SLOTS)
		to = FT_SLOTS;
	/* Best effort: without it, the pages fault in one by one. */
	madvise(st->slots + (size_t)st->populated * FT_SLOT,
		(size_t)(to - st->populated) * FT_SLOT, MADV_POPULATE_WRITE);
	st->populated = to;
}

struct ft_flow *
fts_flow_alloc(struct flow_table *ft, size_t actions_len)
{
	struct ft_store *st = ft->store;
	uint16_t n = slots_for(actions_len);
	uint32_t slot;
	struct ft_flow *f;

	if (n == 1 && st->n_free) {
		slot = st->free[--st->n_free];
	} else {
		if (st->hdr->slots_hw + (uint32_t)n > FT_SLOTS)
			return NULL;
		slot = st->hdr->slots_hw;
		if (slot + n > st->populated)
			populate(st, slot + n);
		/* Raised first: a new process scans up to it. */
		__atomic_store_n(&st->hdr->slots_hw, slot + n,
				 __ATOMIC_RELEASE);
	}
	f = slot_flow(st, slot);
	__atomic_store_n(&f->commit, 0, __ATOMIC_RELEASE);
	memset(f, 0, sizeof *f);
	f->n_slots = n;
	f->actions_len = (uint16_t)actions_len;
	return f;
}

void
fts_flow_commit(struct ft_flow *f)
{
	f->csum = flow_csum(f);
	__atomic_store_n(&f->commit, FT_COMMIT | f->n_slots, __ATOMIC_RELEASE);
}

void
fts_flow_uncommit(struct ft_flow *f)
{
	__atomic_store_n(&f->commit, 0, __ATOMIC_RELEASE);
}

void
fts_flow_free(struct flow_table *ft, struct ft_flow *f)
{
	struct ft_store *st = ft->store;
	uint32_t slot = slot_of(st, f);

	fts_flow_uncommit(f);
	for (uint16_t i = 0; i < f->n_slots; i++) {
		/* A slot that only held actions could look committed. */
		slot_flow(st, slot + i)->commit = 0;
		push_free(st, slot + i);
	}
}

int
fts_mask_alloc(struct flow_table *ft, struct ft_mask *m)
{
	struct ft_store *st = ft->store;
	uint32_t i;

	for (i = 0; i < st->hdr->masks_hw; i++)
		if (!st->masks[i].commit)
			break;
	if (i == FT_MASK_SLOTS)
		return -EFBIG;
	if (i == st->hdr->masks_hw)
		__atomic_store_n(&st->hdr->masks_hw, i + 1, __ATOMIC_RELEASE);
	struct ft_mask_slot *ms = &st->masks[i];
	ms->mask = m->mask;
	ms->csum = mask_csum(ms);
	__atomic_store_n(&ms->commit, FT_COMMIT, __ATOMIC_RELEASE);
	m->slot = i;
	return 0;
}

void
fts_mask_free(struct flow_table *ft, const struct ft_mask *m)
{
	__atomic_store_n(&ft->store->masks[m->slot].commit, 0,
			 __ATOMIC_RELEASE);
}

/* Whether slot @i starts a whole flow. */
static bool
flow_whole(const struct ft_store *st, uint32_t i)
{
	const struct ft_flow *f = slot_flow(st, i);

	return (f->commit & FT_COMMIT_MASK) == FT_COMMIT &&
	       (f->commit & ~FT_COMMIT_MASK) == f->n_slots && f->n_slots &&
	       f->n_slots == slots_for(f->actions_len) &&
	       (uint64_t)i + f->n_slots <= st->hdr->slots_hw &&
	       f->csum == flow_csum(f);
}

/* Slots ahead of a walk asked into the cache (a page's worth). */
#define WALK_AHEAD (PAGE / FT_SLOT)

void
fts_walk(struct flow_table *ft,
	 void (*fn)(struct flow_table *ft, struct ft_flow *f, void *aux),
	 void *aux)
{
	uint32_t slot = 0;

	fts_walk_part(ft, &slot, SIZE_MAX, fn, aux);
}

bool
fts_walk_part(struct flow_table *ft, uint32_t *slot, size_t max,
	      void (*fn)(struct flow_table *ft, struct ft_flow *f, void *aux),
	      void *aux)
{
	struct ft_store *st = ft->store;
	uint32_t hw = st->hdr->slots_hw, i;
	size_t given = 0;

	for (i = *slot; i < hw && given < max;) {
		struct ft_flow *f = slot_flow(st, i);
		uint32_t n = f->n_slots;

		if (i + WALK_AHEAD < hw) {
			const char *ahead =
				(const char *)slot_flow(st, i + WALK_AHEAD);

			__builtin_prefetch(ahead);
			__builtin_prefetch(ahead + 64);
			__builtin_prefetch(ahead + 128);
		}
		/* Free slots, and those a long flow's actions run into
		 * (skipped below), have their commit word clear or are not
		 * looked at. */
		if ((f->commit & FT_COMMIT_MASK) != FT_COMMIT || !n) {
			i++;
			continue;
		}
		fn(ft, f, aux);
		given++;
		i += n;
	}
	*slot = i;
	return i < hw;
}

size_t
fts_scan(struct flow_table *ft,
	 bool (*fn)(struct flow_table *, struct ft_flow *,
		    const struct mvs_key *mask, uint32_t mask_slot))
{
	struct ft_store *st = ft->store;
	uint32_t hw = st->hdr->slots_hw, mhw = st->hdr->masks_hw;
	bool *used = xcalloc(mhw + 1, sizeof *used);
	size_t dropped = 0;

	if (hw > FT_SLOTS || mhw > FT_MASK_SLOTS) {
		/* Nothing of it can be trusted. */
		st->hdr->slots_hw = st->hdr->masks_hw = 0;
		hw = mhw = 0;
	}
	for (uint32_t i = 0; i < hw;) {
		struct ft_flow *f = slot_flow(st, i);
		const struct ft_mask_slot *ms;
		const struct mvs_key *mask = NULL;

		if (!flow_whole(st, i)) {
			if (f->commit)
				dropped++;
			f->commit = 0;
			push_free(st, i++);
			continue;
		}
		if (f->mask_slot < mhw) {
			ms = &st->masks[f->mask_slot];
			if (ms->commit == FT_COMMIT &&
			    ms->csum == mask_csum(ms))
				mask = &ms->mask;
		}
		if (mask && fn(ft, f, mask, f->mask_slot)) {
			used[f->mask_slot] = true;
		} else {
			dropped++;
			fts_flow_free(ft, f);
		}
		i += f->n_slots;
	}
	for (uint32_t i = 0; i < mhw; i++)
		if (!used[i])
			st->masks[i].commit = 0;
	free(used);
	return dropped;
}
