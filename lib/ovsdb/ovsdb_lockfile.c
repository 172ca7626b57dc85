/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_lockfile: the exclusive lock beside a database file. */
#include "ovsdb_lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"

struct ovsdb_lockfile {
	struct ovsdb_lockfile *next; /* held by this process */
	char *path;
	int fd;
	dev_t dev;
	ino_t ino;
	pid_t pid; /* POSIX locks are not inherited: a forked child holds
		    * none of its parent's */
};

/* Every lock this process holds: see "the trap" in the header. */
static struct ovsdb_lockfile *held;

char *
ovsdb_lockfile_name(const char *db_path)
{
	const char *slash = strrchr(db_path, '/');

	if (!slash)
		return xasprintf(".%s.~lock~", db_path);
	return xasprintf("%.*s/.%s.~lock~", (int)(slash - db_path), db_path,
			 slash + 1);
}

static struct ovsdb_lockfile *
find_held(dev_t dev, ino_t ino)
{
	for (struct ovsdb_lockfile *lf = held; lf; lf = lf->next)
		if (lf->dev == dev && lf->ino == ino && lf->pid == getpid())
			return lf;
	return NULL;
}

/* The program behind @pid ("microvs-dbserver"), for messages. */
static char *
program_of(pid_t pid)
{
	char *path = xasprintf("/proc/%ld/cmdline", (long)pid), buf[256];
	FILE *f = fopen(path, "re");
	size_t n = 0;

	free(path);
	if (f) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	if (!n)
		return NULL;
	const char *slash = strrchr(buf, '/');
	return xstrdup(slash ? slash + 1 : buf);
}

static int
locked_by_other(int fd, const char *db_path, const char *lock_path,
		struct ovsdb_error **errp)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char *who = NULL, *prog = NULL;
	int r;

	if (fcntl(fd, F_GETLK, &l) == 0 && l.l_type != F_UNLCK && l.l_pid > 0) {
		prog = program_of(l.l_pid);
		who = xasprintf("pid %ld%s%s%s", (long)l.l_pid,
				prog ? " (" : "", prog ? prog : "",
				prog ? ")" : "");
	}
	r = ovsdb_err_code(errp, -EAGAIN, "I/O error", NULL,
			   "%s: failed to lock lockfile (%s): %s is held by "
			   "%s",
			   db_path, strerror(EAGAIN), lock_path,
			   who ? who : "another process");
	free(who);
	free(prog);
	return r;
}

int
ovsdb_lockfile_lock(const char *db_path, uid_t owner, gid_t group,
		    struct ovsdb_lockfile **lfp, struct ovsdb_error **errp)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char *path = ovsdb_lockfile_name(db_path), *note = NULL;
	struct stat st;
	int fd = -1, r;

	*lfp = NULL;
	/* Ours already: opening it again and closing it would drop it. */
	if (!lstat(path, &st) && find_held(st.st_dev, st.st_ino)) {
		r = ovsdb_err_code(errp, -EDEADLK, "I/O error", NULL,
				   "%s: already locked by this process (%s)",
				   db_path, path);
		goto out;
	}
	r = safe_open(path, O_RDWR, SAFE_CREATE | SAFE_ANY_OWNER, 0600, owner,
		      group, &fd, &note);
	if (r) {
		ovsdb_err_code(errp, r, "I/O error", NULL,
			       "%s: cannot open lockfile: %s", db_path, note);
		goto out;
	}
	if (fstat(fd, &st) < 0 || find_held(st.st_dev, st.st_ino)) {
		/* Swapped in since the lstat: never close it (see above). */
		r = ovsdb_err_code(errp, -EDEADLK, "I/O error", NULL,
				   "%s: already locked by this process (%s)",
				   db_path, path);
		goto out;
	}
	if (fcntl(fd, F_SETLK, &l) < 0) {
		if (errno == EAGAIN || errno == EACCES)
			r = locked_by_other(fd, db_path, path, errp);
		else
			r = ovsdb_err_code(errp, -errno, "I/O error", NULL,
					   "%s: failed to lock lockfile (%s)",
					   db_path, strerror(errno));
		close(fd);
		goto out;
	}
	struct ovsdb_lockfile *lf = xzalloc(sizeof *lf);
	lf->path = path;
	lf->fd = fd;
	lf->dev = st.st_dev;
	lf->ino = st.st_ino;
	lf->pid = getpid();
	lf->next = held;
	held = lf;
	*lfp = lf;
	path = NULL;
out:
	free(note);
	free(path);
	return r;
}

void
ovsdb_lockfile_unlock(struct ovsdb_lockfile *lf)
{
	if (!lf)
		return;
	for (struct ovsdb_lockfile **pp = &held; *pp; pp = &(*pp)->next)
		if (*pp == lf) {
			*pp = lf->next;
			break;
		}
	close(lf->fd); /* releases the lock (in this process only) */
	free(lf->path);
	free(lf);
}
