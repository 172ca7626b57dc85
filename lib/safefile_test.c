/* SPDX-License-Identifier: Apache-2.0 */
/* safefile_test: safe_open against what a role user can plant, and
 * safe_dir_check against directories the roles can change. */
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "roles.h"
#include "util.h"

static char dir[] = "/tmp/safefile_test.XXXXXX";

static char *
at(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static bool
has_text(const char *path, const char *text)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return !strcmp(buf, text);
}

/* Opens, appends "x", closes; returns the error. */
static int
append(const char *path, unsigned flags, char **note)
{
	int fd, err;

	err = safe_open(path, O_WRONLY | O_APPEND, flags, 0640, (uid_t)-1,
			(gid_t)-1, &fd, note);
	if (!err) {
		CHECK_EQ(write(fd, "x", 1), 1);
		close(fd);
	}
	return err;
}

/* Appending to @path with @flags fails with @err, saying @text. */
static void
refused(const char *path, unsigned flags, int err, const char *text)
{
	char *note;

	CHECK_EQ(append(path, flags, &note), err);
	CHECK(note && strstr(note, text));
	free(note);
}

static void
test_open_plain(void)
{
	char *p = at("plain"), *note;

	refused(p, 0, -ENOENT, p);
	CHECK_EQ(append(p, SAFE_CREATE, &note), 0);
	CHECK(note == NULL);
	CHECK_EQ(append(p, SAFE_CREATE, &note), 0);
	CHECK(has_text(p, "xx"));
	free(p);
}

static void
test_open_symlink(void)
{
	char *victim = at("victim"), *link = at("link"), *note;

	write_text(victim, "secret");
	CHECK_EQ(symlink(victim, link), 0);
	refused(link, SAFE_CREATE, -ELOOP, "symbolic link");
	CHECK(has_text(victim, "secret"));
	/* Replace: the link goes, a fresh file takes its name, the target
	 * is untouched. */
	CHECK_EQ(append(link, SAFE_REPLACE, &note), 0);
	CHECK(note && strstr(note, "removed") && strstr(note, "symbolic"));
	free(note);
	CHECK(has_text(victim, "secret"));
	CHECK(has_text(link, "x"));
	struct stat st;
	CHECK(lstat(link, &st) == 0 && S_ISREG(st.st_mode));
	/* A dangling link is a link too (O_EXCL never creates through
	 * it). */
	char *dangling = at("dangling"), *nowhere = at("nowhere");
	CHECK_EQ(symlink(nowhere, dangling), 0);
	refused(dangling, SAFE_CREATE, -ELOOP, "symbolic link");
	CHECK(access(nowhere, F_OK) < 0);
	free(dangling);
	free(nowhere);
	free(victim);
	free(link);
}

static void
test_open_hardlink_fifo_dir(void)
{
	char *a = at("hard_a"), *b = at("hard_b"), *fifo = at("fifo");
	char *d = at("subdir"), *note;

	write_text(a, "a");
	CHECK_EQ(link(a, b), 0);
	refused(b, SAFE_CREATE, -EPERM, "2 links");
	CHECK(has_text(a, "a"));

	/* A FIFO: no hang, whether opened for reading or writing. */
	CHECK_EQ(mkfifo(fifo, 0600), 0);
	refused(fifo, SAFE_CREATE, -ENXIO, "FIFO");
	int fd;
	CHECK_EQ(safe_open(fifo, O_RDONLY, 0, 0, (uid_t)-1, (gid_t)-1, &fd,
			   &note),
		 -EPERM);
	CHECK(note && strstr(note, "not a regular file"));
	free(note);
	CHECK_EQ(append(fifo, SAFE_REPLACE, &note), 0);
	free(note);

	/* A directory is never removed. */
	CHECK_EQ(mkdir(d, 0700), 0);
	refused(d, SAFE_REPLACE, -EISDIR, "directory");
	struct stat st;
	CHECK(stat(d, &st) == 0 && S_ISDIR(st.st_mode));
	free(a);
	free(b);
	free(fifo);
	free(d);
}

static void
test_open_owner(void)
{
	char *p = at("foreign"), *note;
	int fd;

	if (geteuid() != 0)
		return;
	write_text(p, "f");
	CHECK_EQ(chown(p, 4242, 4242), 0);
	refused(p, SAFE_CREATE, -EPERM, "owned by uid 4242");
	/* The expected owner is accepted. */
	CHECK_EQ(safe_open(p, O_RDONLY, 0, 0, 4242, 4242, &fd, &note), 0);
	close(fd);
	CHECK_EQ(safe_open(p, O_RDONLY, SAFE_ANY_OWNER, 0, (uid_t)-1, (gid_t)-1,
			   &fd, &note),
		 0);
	close(fd);
	/* A created file is handed to the owner. */
	char *q = at("handed");
	struct stat st;
	CHECK_EQ(safe_open(q, O_WRONLY, SAFE_CREATE, 0640, 4243, 4244, &fd,
			   &note),
		 0);
	CHECK(fstat(fd, &st) == 0 && st.st_uid == 4243 && st.st_gid == 4244);
	CHECK_EQ(st.st_mode & 07777, 0640);
	close(fd);
	/* So is an existing file of root's (an older version's). */
	char *r = at("roots");
	write_text(r, "r");
	CHECK_EQ(safe_open(r, O_RDONLY, 0, 0, 4245, 4246, &fd, &note), 0);
	CHECK(fstat(fd, &st) == 0 && st.st_uid == 4245 && st.st_gid == 4246);
	close(fd);
	free(r);
	free(p);
	free(q);
}

static void
test_dir_check(void)
{
	const struct role *r = role_find("dbserver");
	char *role_dir = at("roledir"), *below = at("roledir/below");
	char *grp = at("grpdir"), *sticky = at("sticky");
	char *sticky_child = at("sticky/rootchild");
	char *sticky_role = at("sticky/rolechild");
	char *lnk = at("link_to_role"), *why;
	uid_t uid;
	gid_t gid;

	CHECK_EQ(safe_dir_check(dir, false, &why), 0);
	CHECK_EQ(safe_dir_check("/nonexistent/a/b", false, &why), 0);
	if (geteuid() != 0 || role_ids(r, &uid, &gid)) {
		fprintf(stderr, "dir_check: role parts skipped (not root, or "
				"no role users)\n");
		return;
	}
	/* A directory of the role: fine as the shared leaf, never as an
	 * ancestor or a strict leaf. */
	CHECK_EQ(mkdir(role_dir, 0750), 0);
	CHECK_EQ(chown(role_dir, uid, gid), 0);
	CHECK_EQ(mkdir(below, 0750), 0);
	CHECK_EQ(safe_dir_check(role_dir, true, &why), 0);
	CHECK_EQ(safe_dir_check(role_dir, false, &why), -EPERM);
	CHECK(why && strstr(why, r->user));
	free(why);
	CHECK_EQ(safe_dir_check(below, true, &why), -EPERM);
	CHECK(why && strstr(why, "roledir is owned by"));
	free(why);

	/* Group microvs with g+w: the roles can create entries. */
	CHECK_EQ(mkdir(grp, 0770), 0);
	CHECK_EQ(chown(grp, 0, gid), 0);
	CHECK_EQ(chmod(grp, 02770), 0);
	CHECK_EQ(safe_dir_check(grp, false, &why), -EPERM);
	CHECK(why && strstr(why, "group " ROLE_GROUP));
	free(why);
	CHECK_EQ(safe_dir_check(grp, true, &why), 0);

	/* Sticky and writable by all, like /tmp: fine above a child root
	 * owns, not above one a role owns. */
	CHECK_EQ(mkdir(sticky, 0777), 0);
	CHECK_EQ(chmod(sticky, 01777), 0);
	CHECK_EQ(mkdir(sticky_child, 0755), 0);
	CHECK_EQ(mkdir(sticky_role, 0755), 0);
	CHECK_EQ(chown(sticky_role, uid, gid), 0);
	CHECK_EQ(safe_dir_check(sticky_child, false, &why), 0);
	CHECK_EQ(safe_dir_check(sticky_role, true, &why), 0);
	CHECK_EQ(safe_dir_check(sticky, false, &why), -EPERM);
	free(why);

	/* A link is followed, and what it leads to is checked. */
	char *target = xasprintf("%s/below", role_dir);
	CHECK_EQ(symlink(target, lnk), 0);
	CHECK_EQ(safe_dir_check(lnk, true, &why), -EPERM);
	CHECK(why && strstr(why, "roledir is owned by"));
	free(why);
	char *via = xasprintf("%s/../roledir/below", grp);
	CHECK_EQ(safe_dir_check(via, true, &why), -EPERM);
	free(why);
	free(via);
	free(target);
	free(role_dir);
	free(below);
	free(grp);
	free(sticky);
	free(sticky_child);
	free(sticky_role);
	free(lnk);
}

static void
test_dir_set(void)
{
	char *d = at("setdir"), *target = at("settarget"), *lnk = at("setlink");
	struct stat st;

	CHECK_EQ(mkdir(d, 0700), 0);
	CHECK_EQ(mkdir(target, 0700), 0);
	CHECK_EQ(symlink(target, lnk), 0);
	CHECK_EQ(safe_dir_set(d, geteuid(), getegid(), 02750, false), 0);
	CHECK(stat(d, &st) == 0 && (st.st_mode & 07777) == 02750);
	/* A link at the name: refused, its target untouched. */
	int r = safe_dir_set(lnk, geteuid(), getegid(), 0777, false);
	CHECK(r == -ELOOP || r == -ENOTDIR);
	CHECK(stat(target, &st) == 0 && (st.st_mode & 07777) == 0700);
	if (geteuid() == 0) {
		/* Only root's, when asked so. */
		CHECK_EQ(chown(d, 4242, 4242), 0);
		CHECK_EQ(safe_dir_set(d, 0, 0, 0700, true), 0);
		CHECK(stat(d, &st) == 0 && st.st_uid == 4242 &&
		      (st.st_mode & 07777) == 02750);
	}
	free(d);
	free(target);
	free(lnk);
}

int
main(void)
{
	check_tmpdir(dir);
	CHECK_RUN(test_open_plain);
	CHECK_RUN(test_open_symlink);
	CHECK_RUN(test_open_hardlink_fifo_dir);
	CHECK_RUN(test_open_owner);
	CHECK_RUN(test_dir_check);
	CHECK_RUN(test_dir_set);
	check_tmpdir_remove(dir);
	CHECK_EXIT();
}
