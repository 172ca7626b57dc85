/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_vfs_test: the "microvs" SQLite VFS makes fewer system calls per
 * commit, and readers, other writers and other processes see the database
 * as with SQLite's own VFS. */
#include "ovsdb_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "util.h"

static char dir[] = "/tmp/ovsdb_vfs_test.XXXXXX";
static long n_fcntl;

/* The unix VFS's fcntl (ovsdb_vfs takes it from there too), counted. */
static int
counting_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	n_fcntl++;
	return fcntl(fd, cmd, arg);
}

/* Write system calls of this process so far (/proc/self/io). */
static long
syscw(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	long n = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "syscw: %ld", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

static sqlite3 *
db_open(const char *path, const char *vfs, int flags)
{
	sqlite3 *db = NULL;
	CHECK_EQ(sqlite3_open_v2(path, &db, flags, vfs), SQLITE_OK);
	return db;
}

static int
exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static long
count_rows(sqlite3 *db)
{
	sqlite3_stmt *q;
	long n = -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &q, NULL))
		return -2;
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* SQLite finds @db whole. */
static void
check_whole(sqlite3 *db)
{
	sqlite3_stmt *q;
	CHECK_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL),
		 SQLITE_OK);
	CHECK_EQ(sqlite3_step(q), SQLITE_ROW);
	CHECK_STREQ((const char *)sqlite3_column_text(q, 0), "ok");
	sqlite3_finalize(q);
}

/* A new database @name in the scratch directory, opened through the VFS
 * and set up by @sql; its path in @pathp. */
static sqlite3 *
writer(const char *name, const char *sql, char **pathp)
{
	*pathp = xasprintf("%s/%s", dir, name);
	sqlite3 *w = db_open(*pathp, ovsdb_vfs_name(),
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	CHECK_EQ(exec(w, sql), SQLITE_OK);
	return w;
}

static int frames; /* WAL frames after the last commit */

static int
on_commit(void *arg, sqlite3 *db, const char *name, int n)
{
	frames = n;
	return SQLITE_OK;
}

static void
insert(sqlite3 *db, int n)
{
	for (int i = 0; i < n; i++)
		CHECK_EQ(exec(db, "INSERT INTO t VALUES (1)"), SQLITE_OK);
}

/* A commit of two pages (two tables): 2 fcntl (SQLite's: 6) and one write
 * for its two WAL frames (SQLite's: 4, header and page of each). */
static void
test_syscalls_per_commit(void)
{
	char *path;
	sqlite3 *w =
		writer("count.db",
		       "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		       "PRAGMA wal_autocheckpoint=0;"
		       "CREATE TABLE t (x INTEGER);"
		       "CREATE TABLE u (x INTEGER)",
		       &path);
	sqlite3_wal_hook(w, on_commit, NULL);
	insert(w, 5);

	const int n = 50;
	int f0 = frames;
	long c0 = n_fcntl, w0 = syscw();
	for (int i = 0; i < n; i++)
		CHECK_EQ(exec(w, "BEGIN; INSERT INTO t VALUES (1);"
				 "INSERT INTO u VALUES (1); COMMIT"),
			 SQLITE_OK);
	long dc = n_fcntl - c0, dw = syscw() - w0;
	int df = frames - f0;
	printf("  %d commits, %d WAL frames: %ld fcntl, %ld writes\n", n, df,
	       dc, dw);
	CHECK(df >= 2 * n);
	CHECK(dc <= 2 * n);
	CHECK(dw <= n);
	CHECK_EQ(count_rows(w), n + 5);
	sqlite3_close(w);
	free(path);
}

/* A reader of the default VFS keeps its snapshot across commits and
 * checkpoints; a second writer is kept out while the connection is open,
 * and works once it is closed; the file is whole afterwards. */
static void
test_others(void)
{
	char *path;
	sqlite3 *w =
		writer("others.db",
		       "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		       "CREATE TABLE t (x INTEGER)",
		       &path);
	insert(w, 10);

	sqlite3 *r = db_open(path, NULL, SQLITE_OPEN_READONLY);
	CHECK_EQ(exec(r, "BEGIN"), SQLITE_OK);
	CHECK_EQ(count_rows(r), 10);
	insert(w, 300); /* several pages, so a checkpoint has work */
	int log = -1, ckpt = -1;
	CHECK_EQ(sqlite3_wal_checkpoint_v2(w, NULL, SQLITE_CHECKPOINT_PASSIVE,
					   &log, &ckpt),
		 SQLITE_OK);
	CHECK(ckpt < log); /* not past the reader's snapshot */
	CHECK_EQ(count_rows(r), 10);
	CHECK_EQ(exec(r, "COMMIT"), SQLITE_OK);
	CHECK_EQ(count_rows(r), 310);

	/* The reader gone, the checkpoint completes and the WAL restarts:
	 * what this connection kept holds back no one, itself included. */
	CHECK_EQ(sqlite3_wal_checkpoint_v2(w, NULL, SQLITE_CHECKPOINT_TRUNCATE,
					   &log, &ckpt),
		 SQLITE_OK);
	CHECK_EQ(log, 0);
	insert(w, 1);
	CHECK_EQ(count_rows(r), 311);

	sqlite3 *x = db_open(path, NULL, SQLITE_OPEN_READWRITE);
	CHECK_EQ(exec(x, "INSERT INTO t VALUES (2)"), SQLITE_BUSY);
	sqlite3_close(w);
	CHECK_EQ(exec(x, "INSERT INTO t VALUES (2)"), SQLITE_OK);
	CHECK_EQ(count_rows(r), 312);
	sqlite3_close(x);
	sqlite3_close(r);

	sqlite3 *c = db_open(path, NULL, SQLITE_OPEN_READONLY);
	check_whole(c);
	CHECK_EQ(count_rows(c), 312);
	sqlite3_close(c);
	free(path);
}

/* Transactions larger than the page cache (SQLite spills frames before
 * the commit and reads them back) and than the 64 KiB of frames held: the
 * rolled-back one leaves nothing, the committed one is whole. */
static void
test_large(void)
{
	char *path;
	sqlite3 *w = writer("large.db",
			    "PRAGMA journal_mode=WAL; PRAGMA cache_size=20;"
			    "CREATE TABLE t (x INTEGER, b BLOB)",
			    &path);
	const char *fill = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
			   "SELECT i + 1 FROM n WHERE i < 3000) "
			   "INSERT INTO t SELECT i, randomblob(1000) FROM n";
	CHECK_EQ(exec(w, "BEGIN"), SQLITE_OK);
	CHECK_EQ(exec(w, fill), SQLITE_OK);
	CHECK_EQ(exec(w, "UPDATE t SET x = x + 1"), SQLITE_OK);
	CHECK_EQ(exec(w, "ROLLBACK"), SQLITE_OK);
	CHECK_EQ(count_rows(w), 0);
	CHECK_EQ(exec(w, "BEGIN"), SQLITE_OK);
	CHECK_EQ(exec(w, fill), SQLITE_OK);
	CHECK_EQ(exec(w, "UPDATE t SET x = x + 1"), SQLITE_OK);
	CHECK_EQ(exec(w, "COMMIT"), SQLITE_OK);

	sqlite3 *r = db_open(path, NULL, SQLITE_OPEN_READONLY);
	CHECK_EQ(count_rows(r), 3000);
	sqlite3_stmt *q;
	CHECK_EQ(sqlite3_prepare_v2(r, "SELECT sum(x), sum(length(b)) FROM t; ",
				    -1, &q, NULL),
		 SQLITE_OK);
	CHECK_EQ(sqlite3_step(q), SQLITE_ROW);
	CHECK_EQ(sqlite3_column_int64(q, 0), 3000 * 3001 / 2 + 3000);
	CHECK_EQ(sqlite3_column_int64(q, 1), 3000 * 1000);
	sqlite3_finalize(q);
	check_whole(r);
	sqlite3_close(r);
	sqlite3_close(w);
	free(path);
}

/* In a child: 0 when some process holds a lock on the -shm file's
 * dead-man-switch byte (SQLite's sign to others that it is live). */
static int
child_sees_dms(const char *shm)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(shm, O_RDONLY);
		struct flock fl = { .l_type = F_WRLCK,
				    .l_whence = SEEK_SET,
				    .l_start = (22 + SQLITE_SHM_NLOCK) * 4 +
					       SQLITE_SHM_NLOCK,
				    .l_len = 1 };
		_exit(fd >= 0 && !fcntl(fd, F_GETLK, &fl) &&
				      fl.l_type != F_UNLCK
			      ? 0
			      : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A second connection of this process closing must not drop SQLite's
 * POSIX locks on the -shm file (closing any descriptor of a file drops
 * them all), and another process reads what was committed. */
static void
test_second_connection(void)
{
	char *path;
	sqlite3 *w = writer(
		"second.db",
		"PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER)", &path);
	char *shm = xasprintf("%s-shm", path);
	insert(w, 3);
	CHECK_EQ(child_sees_dms(shm), 0);
	sqlite3 *r = db_open(path, ovsdb_vfs_name(), SQLITE_OPEN_READONLY);
	CHECK_EQ(count_rows(r), 3);
	sqlite3_close(r);
	CHECK_EQ(child_sees_dms(shm), 0);
	insert(w, 2);

	pid_t pid = fork();
	if (pid == 0) {
		sqlite3 *c = NULL;
		_exit(sqlite3_open_v2(path, &c, SQLITE_OPEN_READONLY, NULL) ==
					      SQLITE_OK &&
				      count_rows(c) == 5
			      ? 0
			      : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sqlite3_close(w);
	free(shm);
	free(path);
}

int
main(void)
{
	sqlite3_vfs *unix_vfs = sqlite3_vfs_find(NULL);
	if (!unix_vfs || unix_vfs->iVersion < 3 ||
	    unix_vfs->xSetSystemCall(unix_vfs, "fcntl",
				     (sqlite3_syscall_ptr)counting_fcntl)) {
		fprintf(stderr, "cannot count the unix VFS's fcntl\n");
		return 77;
	}
	check_tmpdir(dir);
	CHECK_RUN(test_syscalls_per_commit);
	CHECK_RUN(test_others);
	CHECK_RUN(test_large);
	CHECK_RUN(test_second_connection);
	check_tmpdir_remove(dir);
	CHECK_EXIT();
}
