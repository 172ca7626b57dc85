/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_lockfile: one writer per database file.  Two servers serving one
 * SQLite file each keep their own copy in memory and lose each other's
 * commits (issue 12: bridge dupA, committed and answered on one, was gone
 * after a restart of the other); ovsdb-tool writing under a server does
 * the same.  So a server takes an exclusive lock on DIR/.NAME.~lock~
 * beside the database before it reads it and holds it until it exits, and
 * ovsdb-tool's writing commands take it for their run.  Readers take no
 * lock: `sqlite3 conf.db` and ovsdb-tool's queries keep working while a
 * server runs (SQLite's own locking keeps them consistent).
 *
 * The lock is a classic POSIX record lock (fcntl F_SETLK, F_WRLCK on the
 * whole file), the name and the kind of lock Open vSwitch uses, so its
 * tools and ours exclude each other too.  Chosen on purpose:
 *  - F_GETLK names the holding process, which the refusal must say.  An
 *    open-file-description lock (F_OFD_SETLK) reports pid -1, and flock()
 *    neither reports a pid nor conflicts with Open vSwitch's fcntl lock.
 *  - The trap of POSIX locks, that the kernel drops all of a process's
 *    locks on a file when the process closes ANY descriptor of that file,
 *    cannot strike here: the lock file is a file of its own that only this
 *    module opens, once per process and database (a second lock on a file
 *    this process already holds is refused before anything is opened, so
 *    nothing is ever opened and closed beside a held lock), and the
 *    descriptor stays open until ovsdb_lockfile_unlock.  SQLite's own
 *    POSIX locks are on the database files, which this never opens.
 *  - The kernel releases it when the holder exits, SIGKILL included: no
 *    stale lock to clean up.  It is not inherited across fork (dbserver
 *    takes it after --detach forked).
 */
#ifndef MICROVS_OVSDB_LOCKFILE_H
#define MICROVS_OVSDB_LOCKFILE_H

#include <sys/types.h>

#include "ovsdb_error.h"

struct ovsdb_lockfile;

/* Takes the exclusive lock for the database file @db_path, without
 * waiting.  The lock file is created if missing (mode 0600, handed to
 * @owner:@group when running as root and they are not -1) and never
 * opened through a link (safefile.h: the database directory may be the
 * dbserver role's).  The database itself need not exist yet.
 *
 * Returns 0 with *@lfp, held until ovsdb_lockfile_unlock() or exit.
 * -EAGAIN if another process holds it: *@errp ("I/O error") says
 * "DB: failed to lock lockfile (Resource temporarily unavailable): LOCK
 * is held by pid N (PROGRAM)", as Open vSwitch's servers and tools say it
 * with the holder added.  -EDEADLK if this process holds it already.
 * Other -errno with *@errp.  Never blocks. */
int ovsdb_lockfile_lock(const char *db_path, uid_t owner, gid_t group,
			struct ovsdb_lockfile **lfp, struct ovsdb_error **errp);
/* Releases the lock and frees @lf (NULL: nothing). */
void ovsdb_lockfile_unlock(struct ovsdb_lockfile *lf);
/* The lock file of @db_path: "DIR/.NAME.~lock~".  Caller frees. */
char *ovsdb_lockfile_name(const char *db_path);

#endif
