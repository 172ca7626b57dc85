/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check: the tiny assertion header for unit tests (STYLE.md rule 17).
 * A test file defines functions `static void test_x(void)` and a main
 * that calls CHECK_RUN(test_x) for each; the exit status is the number of
 * failed checks (0 = pass), 77 = skip.
 */
#ifndef MICROVS_CHECK_H
#define MICROVS_CHECK_H

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

static int check_failures;
static const char *check_current;

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n",   \
				__FILE__, __LINE__, check_current, #cond); \
			check_failures++;                                  \
		}                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                        \
	do {                                                                  \
		long long check_a_ = (long long)(a),                          \
			  check_b_ = (long long)(b);                          \
		if (check_a_ != check_b_) {                                   \
			fprintf(stderr,                                       \
				"%s:%d: %s: %s == %s failed: %lld != %lld\n", \
				__FILE__, __LINE__, check_current, #a, #b,    \
				check_a_, check_b_);                          \
			check_failures++;                                     \
		}                                                             \
	} while (0)

#define CHECK_STREQ(a, b)                                                   \
	do {                                                                \
		const char *check_a_ = (a), *check_b_ = (b);                \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_)) { \
			fprintf(stderr,                                     \
				"%s:%d: %s: \"%s\" == \"%s\" failed\n",     \
				__FILE__, __LINE__, check_current,          \
				check_a_ ? check_a_ : "(null)",             \
				check_b_ ? check_b_ : "(null)");            \
			check_failures++;                                   \
		}                                                           \
	} while (0)

#define CHECK_RUN(fn)                                                     \
	do {                                                              \
		int check_before_ = check_failures;                       \
		check_current = #fn;                                      \
		fn();                                                     \
		printf("%s %s\n",                                         \
		       check_failures == check_before_ ? "ok  " : "FAIL", \
		       #fn);                                              \
	} while (0)

#define CHECK_EXIT() return check_failures ? 1 : 0

/* A scratch directory for the whole test program: @tmpl is a mkdtemp
 * template ("/tmp/x_test.XXXXXX", filled in); check_tmpdir_remove()
 * deletes it and all it holds at the end. */
static inline void
check_tmpdir(char *tmpl)
{
	if (!mkdtemp(tmpl)) {
		perror(tmpl);
		exit(1);
	}
}

static inline void
check_tmpdir_remove(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* For tests that fork a server into a scratch directory: kills and reaps
 * @server, then removes @dir and all it holds. */
static inline void
check_teardown(pid_t server, const char *dir)
{
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	check_tmpdir_remove(dir);
}

/* A fixed-seed xorshift generator for generated test inputs: the same
 * sequence on every run.  Returns 0..@n-1. */
static inline unsigned
check_rnd(unsigned n)
{
	static unsigned long long rng = 88172645463325252ull;

	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

#endif
