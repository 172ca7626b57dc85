/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the tracked-flow set: random adds and removes against a plain
 * array as the reference (every member found with its data, no other),
 * colliding ufids that wrap around the end of the array, shrinking, and
 * selection while removing. */
#include <stdlib.h>

#include "check.h"
#include "upcalld.h"

#define N_REF 3000

static struct mvs_ufid
ufid_of(uint32_t i, uint32_t home)
{
	struct mvs_ufid u = { { home, i, i * 2654435761u, ~i } };

	return u;
}

/* Checks that @fs holds exactly the flows in ref[] marked in[]. */
static void
check_same(const struct upc_flows *fs, const struct mvs_ufid *ref,
	   const bool *in, size_t n)
{
	size_t members = 0, bad = 0;

	for (size_t i = 0; i < n; i++) {
		const struct upc_flow *f = upc_flows_find(fs, &ref[i]);

		if (in[i]) {
			members++;
			if (!f || f->rep_packets != i || f->seen != i * 3)
				bad++;
		} else if (f) {
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(fs->n, members);
}

/* Removes the flow with @u, which must be there. */
static void
drop(struct upc_flows *fs, const struct mvs_ufid *u)
{
	struct upc_flow *f = upc_flows_find(fs, u);

	CHECK(f != NULL);
	if (f)
		upc_flows_remove(fs, f);
}

static void
test_random(void)
{
	static struct mvs_ufid ref[N_REF];
	static bool in[N_REF];
	struct upc_flows fs;

	srandom(7);
	upc_flows_init(&fs);
	for (size_t i = 0; i < N_REF; i++)
		ref[i] = ufid_of(i, (uint32_t)random());
	for (int step = 0; step < 40000; step++) {
		size_t i = (size_t)random() % N_REF;

		if (in[i]) {
			drop(&fs, &ref[i]);
			in[i] = false;
		} else {
			struct upc_flow *f = upc_flows_add(&fs, &ref[i]);

			f->rep_packets = i;
			f->seen = i * 3;
			in[i] = true;
		}
		if (step % 5000 == 0)
			check_same(&fs, ref, in, N_REF);
	}
	check_same(&fs, ref, in, N_REF);
	upc_flows_destroy(&fs);
}

/* Every ufid has the same home, the last slot: the run wraps around to
 * slot 0, and removals from its middle must keep the rest reachable. */
static void
test_collisions_wrap(void)
{
	struct mvs_ufid ref[20];
	bool in[20];
	struct upc_flows fs;

	upc_flows_init(&fs);
	for (uint32_t i = 0; i < 20; i++) {
		struct upc_flow *f;

		ref[i] = ufid_of(i, (uint32_t)fs.mask);
		f = upc_flows_add(&fs, &ref[i]);
		f->rep_packets = i;
		f->seen = i * 3;
		in[i] = true;
	}
	CHECK_EQ(fs.mask, 63);
	check_same(&fs, ref, in, 20);
	for (uint32_t i = 1; i < 20; i += 3) {
		drop(&fs, &ref[i]);
		in[i] = false;
		check_same(&fs, ref, in, 20);
	}
	upc_flows_destroy(&fs);
}

static bool
odd(const struct upc_flow *f, void *aux)
{
	(void)aux;
	return f->rep_packets & 1;
}

static void
test_select_shrink(void)
{
	struct upc_flows fs;
	size_t n, grown;
	struct mvs_ufid *v;

	upc_flows_init(&fs);
	for (uint32_t i = 0; i < 1000; i++)
		upc_flows_add(&fs, &(struct mvs_ufid){ { i * 7919u, i, 0, 0 } })
			->rep_packets = i;
	grown = fs.mask + 1;
	CHECK(grown >= 2000);
	v = upc_flows_select(&fs, odd, NULL, &n);
	CHECK_EQ(n, 500);
	for (size_t i = 0; i < n; i++)
		drop(&fs, &v[i]);
	free(v);
	CHECK_EQ(fs.n, 500);
	v = upc_flows_select(&fs, odd, NULL, &n);
	CHECK_EQ(n, 0);
	free(v);
	v = upc_flows_select(&fs, NULL, NULL, &n);
	CHECK_EQ(n, 500);
	for (size_t i = 0; i < n; i++)
		drop(&fs, &v[i]);
	free(v);
	CHECK_EQ(fs.n, 0);
	CHECK(fs.mask + 1 < grown);
	upc_flows_destroy(&fs);
}

int
main(void)
{
	CHECK_RUN(test_random);
	CHECK_RUN(test_collisions_wrap);
	CHECK_RUN(test_select_shrink);
	CHECK_EXIT();
}
