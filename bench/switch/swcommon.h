/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What swgen and swsink both need: a stop flag set by SIGINT/SIGTERM, a
 * monotonic clock in seconds, and death with errno's text.  Each program
 * defines PROG (its name for messages) before including this.
 */
#ifndef SWCOMMON_H
#define SWCOMMON_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	stop = 1;
}

/* SIGINT and SIGTERM set `stop`; the main loop ends and reports. */
static void
catch_stop_signals(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
}

/* Prints "PROG: what: strerror(errno)" and exits 1. */
static void
die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", PROG, what, strerror(errno));
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
