/* SPDX-License-Identifier: Apache-2.0 */
/* util_test: string buffers and pidfiles. */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

static void
test_ds(void)
{
	struct ds ds = DS_EMPTY;

	CHECK_STREQ(ds_cstr(&ds), "");
	for (int i = 0; i < 1000; i++)
		ds_printf(&ds, "%d,", i);
	CHECK_EQ(ds.len, 3890);
	ds_clear(&ds);
	ds_put(&ds, "a");
	ds_put_char(&ds, 'b');
	char *s = ds_steal(&ds);
	CHECK_STREQ(s, "ab");
	CHECK(ds.s == NULL);
	free(s);
}

static void
test_pidfile(void)
{
	char dir[] = "/tmp/utiltestXXXXXX";
	long pid = 0;

	CHECK(mkdtemp(dir) != NULL);
	char *sub = xasprintf("%s/a/b", dir);
	CHECK_EQ(mkdir_p(sub, 0750), 0);
	char *path = xasprintf("%s/x.pid", sub);
	CHECK_EQ(pidfile_read(path, &pid), -ENOENT);
	CHECK_EQ(pidfile_write(path, 4242), 0);
	CHECK_EQ(pidfile_read(path, &pid), 0);
	CHECK_EQ(pid, 4242);
	unlink(path);

	/* Links planted at the pidfile's name and at its temporary's (this
	 * process's, and the fixed name it once had) are never written
	 * through. */
	char *victim = xasprintf("%s/victim", dir);
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(victim, "w");
	fputs("secret\n", f);
	fclose(f);
	CHECK_EQ(symlink(victim, path), 0);
	CHECK_EQ(symlink(victim, tmp), 0);
	char *old_tmp = xasprintf("%s.tmp", path);
	CHECK_EQ(symlink(victim, old_tmp), 0);
	CHECK_EQ(pidfile_read(path, &pid), -ELOOP);
	CHECK_EQ(pidfile_write(path, 4343), 0);
	CHECK_EQ(pidfile_read(path, &pid), 0);
	CHECK_EQ(pid, 4343);
	char buf[16] = "";
	f = fopen(victim, "r");
	CHECK(fgets(buf, sizeof buf, f) != NULL);
	fclose(f);
	CHECK_STREQ(buf, "secret\n");
	CHECK(access(tmp, F_OK) < 0);
	unlink(path);
	unlink(victim);
	unlink(old_tmp);
	free(old_tmp);
	free(victim);
	free(tmp);
	free(path);
	free(sub);
}

int
main(void)
{
	CHECK_RUN(test_ds);
	CHECK_RUN(test_pidfile);
	CHECK_EXIT();
}
