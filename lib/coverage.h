/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coverage: named event counters with rates over the last 5 s, minute and
 * hour, shown by `ovs-appctl coverage/show` in Open vSwitch's layout.
 *	COVERAGE_DEFINE(bridge_reconfigure);
 *	coverage_inc(bridge_reconfigure);
 */
#ifndef MICROVS_COVERAGE_H
#define MICROVS_COVERAGE_H

#include <stdint.h>

#include "util.h"

#define COVERAGE_SAMPLES 720 /* one per 5 s: an hour */

struct coverage_counter {
	const char *name;
	uint64_t total;
	uint64_t samples[COVERAGE_SAMPLES];
	struct coverage_counter *next;
};

void coverage_register(struct coverage_counter *c);

#define COVERAGE_DEFINE(NAME)                                              \
	static struct coverage_counter coverage_##NAME = {                 \
		#NAME, 0, { 0 }, NULL                                      \
	};                                                                 \
	__attribute__((constructor)) static void coverage_reg_##NAME(void) \
	{                                                                  \
		coverage_register(&coverage_##NAME);                       \
	}                                                                  \
	struct coverage_dummy_##NAME

#define coverage_inc(NAME) (coverage_##NAME.total++)
#define coverage_add(NAME, N) (coverage_##NAME.total += (N))

/* Takes a sample of every counter; call every 5 seconds. */
void coverage_tick(void);
/* Appends the coverage/show report. */
void coverage_show(struct ds *out);
/* Total of @name, or -1 if there is no such counter. */
int64_t coverage_read(const char *name);

#endif
