/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_vfs: the SQLite VFS "microvs" that lib/ovsdb's connections use:
 * the default (unix) VFS with two of its costs per commit removed, the
 * file formats and the protocol with other processes unchanged.
 *
 *  - WAL-index locks.  Each commit of one connection takes and releases
 *    six locks on the -shm file (the reader slot's mark update, its read
 *    lock, the write lock, and their releases): six fcntl calls, while the
 *    server is the only writer (ovsdb_lockfile).  Here the locks are
 *    open-file-description locks (F_OFD_SETLK) on the same bytes of the
 *    -shm file, so they conflict with every other connection's SQLite
 *    locks as SQLite's own do (those of other processes and of other
 *    connections of this one), and a lock SQLite releases is kept until
 *    SQLite asks for it again: the write lock stays held (no one else may
 *    write under the server anyway), a reader slot stays shared (to
 *    others it looks like a reader of an older snapshot, which only ever
 *    makes their checkpoints more careful).  A commit then makes two
 *    fcntl calls: the slot's mark update and its return to shared.
 *    Readers (`sqlite3`, `ovsdb-tool query`) read as before; a second
 *    writer gets SQLITE_BUSY as long as the connection is open.
 *  - WAL frames.  SQLite writes each WAL frame as two pwrite calls, the
 *    24-byte header then the page; here the frames of a commit wait until
 *    the commit frame's page is written (up to 64 KiB) and all go out in one
 *    write, before SQLite makes the commit visible in the WAL index and
 *    before it returns.  Anything else on the file (a read, a sync, a
 *    write elsewhere) writes what waits first.  A commit becomes durable
 *    only with its commit frame, so a crash before that write loses only
 *    what was not committed, as before.
 *
 * Durability is unchanged: the same bytes reach the same files before the
 * same sync calls.
 */
#ifndef MICROVS_OVSDB_VFS_H
#define MICROVS_OVSDB_VFS_H

/* The name to give sqlite3_open_v2() for every connection of the process
 * (ovsdb_vfs.c closes its -shm descriptors safely only then).  The VFS
 * keeps process-wide state without a lock: its connections are opened,
 * used and closed by one thread at a time (lib/ovsdb's users, dbserver's
 * loop and ovsdb-tool, are single-threaded).  Registers the VFS on first
 * use and, if SQLite is not initialised yet, turns its allocation
 * statistics off (sqlite3_memory_used() then reports 0).  Returns NULL
 * when the default VFS is missing or registering fails; the caller then
 * opens with the default VFS (NULL), which is correct, only slower. */
const char *ovsdb_vfs_name(void);

#endif
