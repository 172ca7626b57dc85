/* SPDX-License-Identifier: Apache-2.0 */
/* safefile: opening files and checking directories safely as root. */
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "roles.h"
#include "util.h"

/* ---- safe_open ---- */

static int
check_fd(int fd, unsigned sflags, uid_t owner, struct stat *stp, char **whyp)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		*whyp = xasprintf("cannot stat it (%s)", strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode)) {
		*whyp = xstrdup("is not a regular file");
		return -EPERM;
	}
	/* A hard link to someone else's file (protected_hardlinks=0). */
	if (st.st_nlink != 1) {
		*whyp = xasprintf("has %lu links", (unsigned long)st.st_nlink);
		return -EPERM;
	}
	if (!(sflags & SAFE_ANY_OWNER) && st.st_uid != geteuid() &&
	    st.st_uid != owner) {
		*whyp = xasprintf("is owned by uid %u", (unsigned)st.st_uid);
		return -EPERM;
	}
	*stp = st;
	return 0;
}

/* What an open() error says about the entry found at the name. */
static char *
open_error(int err)
{
	switch (err) {
	case -ELOOP:
		return xstrdup("is a symbolic link");
	case -ENXIO:
		return xstrdup("is a FIFO or a socket");
	case -EISDIR:
		return xstrdup("is a directory");
	default:
		return xasprintf("cannot be opened (%s)", strerror(-err));
	}
}

int
safe_open(const char *path, int oflags, unsigned sflags, mode_t mode,
	  uid_t owner, gid_t group, int *fdp, char **notep)
{
	int base = oflags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	char *removed = NULL, *why = NULL;
	int fd, err = 0;

	*fdp = -1;
	*notep = NULL;
	if (sflags & SAFE_REPLACE)
		sflags |= SAFE_CREATE;
	for (int attempt = 0; attempt < 2; attempt++) {
		bool replaceable = true; /* the entry is not ours */
		struct stat st = { 0 };

		fd = open(path, base);
		if (fd < 0 && errno == ENOENT && (sflags & SAFE_CREATE))
			/* O_EXCL: fails on anything that appeared at the
			 * name since, a dangling link included. */
			fd = open(path, base | O_CREAT | O_EXCL, mode);
		if (fd < 0) {
			err = -errno;
			why = open_error(err);
			replaceable = err == -ELOOP || err == -ENXIO;
		} else if (!(err = check_fd(fd, sflags, owner, &st, &why))) {
			replaceable = false;
			/* Root's (just created, or left by an older
			 * version): the role's from now on. */
			if (geteuid() == 0 && owner != (uid_t)-1 &&
			    st.st_uid == 0 && fchown(fd, owner, group) < 0) {
				err = -errno;
				why = xasprintf("cannot hand it to uid %u (%s)",
						(unsigned)owner,
						strerror(errno));
			} else if (fcntl(fd, F_SETFL, oflags & ~O_NONBLOCK) <
				   0) {
				err = -errno;
				why = xasprintf("fcntl: %s", strerror(errno));
			}
		}
		if (!err) {
			*fdp = fd;
			*notep = removed;
			return 0;
		}
		if (fd >= 0)
			close(fd);
		/* Only what is plainly not ours is removed: never a
		 * directory, never on an error of the file system. */
		if (!(sflags & SAFE_REPLACE) || attempt || !replaceable)
			break;
		if (unlink(path) < 0) {
			char *w = why;
			err = -errno;
			why = xasprintf("%s and cannot be removed (%s)", w,
					strerror(errno));
			free(w);
			break;
		}
		removed = xasprintf("removed %s: it %s", path, why);
		free(why);
		why = NULL;
	}
	*notep = xasprintf("%s %s", path, why);
	free(why);
	free(removed);
	return err;
}

int
safe_dir_set(const char *dir, uid_t uid, gid_t gid, mode_t mode,
	     bool if_root_owned)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	int err = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (if_root_owned && st.st_uid != 0)
		err = 0;
	else if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* ---- safe_dir_check ---- */

#define MAX_HOPS 40

struct role_users {
	uid_t uids[16];
	const char *names[16];
	size_t n;
	gid_t gid;
	bool have_gid;
};

static void
load_role_users(struct role_users *ru)
{
	memset(ru, 0, sizeof *ru);
	for (size_t i = 0; i < n_roles && ru->n < ARRAY_SIZE(ru->uids); i++) {
		uid_t uid;
		gid_t gid;

		if (role_ids(&roles[i], &uid, &gid))
			continue;
		ru->uids[ru->n] = uid;
		ru->names[ru->n++] = roles[i].user;
		ru->gid = gid;
		ru->have_gid = true;
	}
}

static const char *
role_user(const struct role_users *ru, uid_t uid)
{
	for (size_t i = 0; i < ru->n; i++)
		if (ru->uids[i] == uid)
			return ru->names[i];
	return NULL;
}

/* Who among the roles may change the entries of directory @st, or NULL. */
static const char *
dir_writer(const struct role_users *ru, const struct stat *st)
{
	const char *owner = role_user(ru, st->st_uid);

	if (owner)
		return owner;
	if (st->st_mode & S_IWOTH)
		return "every user";
	if ((st->st_mode & S_IWGRP) && ru->have_gid && st->st_gid == ru->gid)
		return "group " ROLE_GROUP;
	return NULL;
}

/* Removes the first component of @todo (in place) into @comp. */
static bool
next_component(struct ds *todo, struct ds *comp)
{
	size_t i = 0, j;

	while (i < todo->len && todo->s[i] == '/')
		i++;
	if (i == todo->len) {
		ds_clear(todo);
		return false;
	}
	for (j = i; j < todo->len && todo->s[j] != '/'; j++)
		;
	ds_clear(comp);
	ds_put_len(comp, todo->s + i, j - i);
	memmove(todo->s, todo->s + j, todo->len - j + 1);
	todo->len -= j;
	return true;
}

static bool
only_slashes(const struct ds *todo)
{
	for (size_t i = 0; i < todo->len; i++)
		if (todo->s[i] != '/')
			return false;
	return true;
}

static int
walk(const char *dir, bool shared_leaf, const struct role_users *ru,
     char **whyp)
{
	struct ds cur = DS_EMPTY, todo = DS_EMPTY, comp = DS_EMPTY;
	char target[PATH_MAX];
	unsigned hops = 0;
	int err = 0;

	if (dir[0] != '/') {
		char *cwd = getcwd(NULL, 0);
		if (!cwd) {
			*whyp = xasprintf("getcwd: %s", strerror(errno));
			return -errno;
		}
		ds_printf(&todo, "%s/", cwd);
		free(cwd);
	}
	ds_put(&todo, dir);
	ds_put(&cur, "");
	while (!err && next_component(&todo, &comp)) {
		const char *c = ds_cstr(&comp), *who;
		bool leaf = only_slashes(&todo);
		size_t cur_len = cur.len;
		struct stat st;

		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			/* @cur is canonical and checked up to the root. */
			char *slash = strrchr(ds_cstr(&cur), '/');
			if (slash) {
				cur.len = (size_t)(slash - cur.s);
				cur.s[cur.len] = '\0';
			}
			continue;
		}
		ds_printf(&cur, "/%s", c);
		if (lstat(cur.s, &st) < 0) {
			if (errno != ENOENT) {
				err = -errno;
				*whyp = xasprintf("%s: %s", cur.s,
						  strerror(errno));
			}
			break; /* the rest will be created by the caller */
		}
		who = role_user(ru, st.st_uid);
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(cur.s, target, sizeof target - 1);
			if (who) {
				err = -EPERM;
				*whyp = xasprintf("%s is a link owned by %s",
						  cur.s, who);
			} else if (++hops > MAX_HOPS || n <= 0) {
				err = n <= 0 ? -errno : -ELOOP;
				*whyp = xasprintf("%s: %s", cur.s,
						  strerror(-err));
			} else {
				struct ds rest = DS_EMPTY;
				target[n] = '\0';
				ds_printf(&rest, "%s/%s", target,
					  ds_cstr(&todo));
				ds_free(&todo);
				todo = rest;
				cur.len = target[0] == '/' ? 0 : cur_len;
				cur.s[cur.len] = '\0';
			}
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			err = -ENOTDIR;
			*whyp = xasprintf("%s is not a directory", cur.s);
		} else if (leaf && shared_leaf) {
			/* the roles' own directory: safe_open() inside */
		} else if (who) {
			err = -EPERM;
			*whyp = xasprintf("%s is owned by %s", cur.s, who);
		} else if ((who = dir_writer(ru, &st)) &&
			   (leaf || !(st.st_mode & S_ISVTX))) {
			/* With the sticky bit only the entry's owner may
			 * move it, and the next step checks that owner. */
			err = -EPERM;
			*whyp = xasprintf("%s is writable by %s", cur.s, who);
		}
	}
	ds_free(&cur);
	ds_free(&todo);
	ds_free(&comp);
	return err;
}

int
safe_dir_check(const char *dir, bool shared_leaf, char **whyp)
{
	struct role_users ru;
	struct stat st;

	*whyp = NULL;
	if (geteuid() != 0)
		return 0;
	load_role_users(&ru);
	/* The root directory itself. */
	if (lstat("/", &st) == 0 && dir_writer(&ru, &st)) {
		*whyp = xasprintf("/ is writable by %s", dir_writer(&ru, &st));
		return -EPERM;
	}
	return walk(dir, shared_leaf, &ru, whyp);
}
