/* SPDX-License-Identifier: Apache-2.0 */
/* coverage: counters and their rates. */
#include "coverage.h"

#include <string.h>

static struct coverage_counter *counters;
static unsigned n_ticks;

void
coverage_register(struct coverage_counter *c)
{
	c->next = counters;
	counters = c;
}

void
coverage_tick(void)
{
	for (struct coverage_counter *c = counters; c; c = c->next)
		c->samples[n_ticks % COVERAGE_SAMPLES] = c->total;
	n_ticks++;
}

/* Total @ago ticks back (0 when the process is younger than that). */
static uint64_t
sample_ago(const struct coverage_counter *c, unsigned ago)
{
	if (ago > n_ticks)
		return 0;
	return c->samples[(n_ticks - ago) % COVERAGE_SAMPLES];
}

void
coverage_show(struct ds *out)
{
	unsigned hash = 0, never = 0;

	for (struct coverage_counter *c = counters; c; c = c->next)
		for (const char *p = c->name; *p; p++)
			hash = hash * 33 + (unsigned char)*p;
	ds_printf(out,
		  "Event coverage, avg rate over last: 5 seconds, last "
		  "minute, last hour,  hash=%08x:\n",
		  hash);
	for (struct coverage_counter *c = counters; c; c = c->next) {
		if (!c->total) {
			never++;
			continue;
		}
		ds_printf(out,
			  "%-24s %5.1f/sec %9.3f/sec %13.4f/sec   "
			  "total: %llu\n",
			  c->name, (double)(c->total - sample_ago(c, 1)) / 5,
			  (double)(c->total - sample_ago(c, 12)) / 60,
			  (double)(c->total - sample_ago(c, 720)) / 3600,
			  (unsigned long long)c->total);
	}
	ds_printf(out, "%u events never hit\n", never);
}

int64_t
coverage_read(const char *name)
{
	for (struct coverage_counter *c = counters; c; c = c->next)
		if (!strcmp(c->name, name))
			return (int64_t)c->total;
	return -1;
}
