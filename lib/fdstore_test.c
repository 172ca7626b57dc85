/* SPDX-License-Identifier: Apache-2.0 */
/* fdstore_test: the descriptors a service manager gives back
 * (LISTEN_FDS): taken by name, listed, and more of them than one
 * SCM_RIGHTS message carries (upcalld keeps one per port). */
#include "fdstore.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "util.h"

/* Opens @n descriptors at 3, 4, ... and announces them as the manager
 * would, named "a" (even) and "b" (odd). */
static void
give(int n)
{
	struct ds names = DS_EMPTY;
	char buf[32];

	for (int i = 0; i < n; i++) {
		int fd = open("/dev/null", O_RDONLY);

		CHECK(fd >= 0);
		if (fd != 3 + i) {
			CHECK(dup2(fd, 3 + i) == 3 + i);
			close(fd);
		}
		ds_printf(&names, "%s%s", i ? ":" : "", i % 2 ? "b" : "a");
	}
	snprintf(buf, sizeof buf, "%d", n);
	setenv("LISTEN_FDS", buf, 1);
	snprintf(buf, sizeof buf, "%ld", (long)getpid());
	setenv("LISTEN_PID", buf, 1);
	setenv("LISTEN_FDNAMES", ds_cstr(&names), 1);
	ds_free(&names);
}

static void
test_many(void)
{
	int fds[1000];
	char **names;

	give(600);
	CHECK_EQ(fdstore_adopt(), 600);
	CHECK(getenv("LISTEN_FDS") == NULL);
	names = fdstore_names();
	CHECK_STREQ(names[0], "a");
	CHECK_STREQ(names[1], "b");
	CHECK(names[2] == NULL);
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
	CHECK_EQ(fdstore_take("b", fds, 1000), 300);
	CHECK_EQ(fds[0], 4);
	CHECK_EQ(fds[299], 602);
	names = fdstore_names();
	CHECK_STREQ(names[0], "a");
	CHECK(names[1] == NULL);
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
	fdstore_close_untaken();
	CHECK(fcntl(3, F_GETFD) < 0); /* "a"s closed */
	CHECK(fcntl(4, F_GETFD) >= 0);
	for (int i = 0; i < 300; i++)
		close(fds[i]);
}

static void
test_not_ours(void)
{
	give(2);
	setenv("LISTEN_PID", "1", 1);
	CHECK_EQ(fdstore_adopt(), 0);
	close(3);
	close(4);
}

int
main(void)
{
	CHECK_RUN(test_many);
	CHECK_RUN(test_not_ours);
	CHECK_EXIT();
}
