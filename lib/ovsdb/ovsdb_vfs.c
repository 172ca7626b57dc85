/* SPDX-License-Identifier: Apache-2.0 */
#include "ovsdb_vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* The unix VFS's layout of the -shm file: lock byte i of SQLite's
 * SQLITE_SHM_NLOCK is at SHM_LOCK_BASE + i (os_unix.c UNIX_SHM_BASE);
 * SQLite's own dead-man-switch byte follows them and is not touched. */
#define SHM_LOCK_BASE ((22 + SQLITE_SHM_NLOCK) * 4)
/* wal.c: lock 0 is the writer's, 1 the checkpointer's, 2 recovery's,
 * 3 and up the reader slots. */
#define WAL_WRITE_LOCK 0
#define WAL_FIRST_READ_LOCK 3
/* A WAL frame header (wal.c WAL_FRAME_HDRSIZE) and the WAL header that
 * precedes the first frame. */
#define WAL_FRAME_HDR 24
#define WAL_HDR 32
/* Frames held for one write at most (a larger commit writes in parts):
 * the unix VFS writes at most 128 KiB - 1 bytes at a time (os_unix.c
 * seekAndWriteFd masks the length with 0x1ffff). */
#define WAL_PEND_MAX (64u << 10)

enum held { HELD_NONE, HELD_SHARED, HELD_EXCL };
enum kind { FILE_PLAIN, FILE_MAIN, FILE_WAL };

struct vfile {
	sqlite3_file base; /* base.pMethods == &methods */
	sqlite3_io_methods methods;
	sqlite3_file *real; /* the unix VFS's file, right after this */
	enum kind kind;
	/* FILE_MAIN: WAL-index locks as OFD locks on shm_fd. */
	char *shm_path;
	int shm_fd; /* -1: not open yet */
	dev_t shm_dev;
	ino_t shm_ino;
	int (*sys_fcntl)(int, int, ...); /* the unix VFS's, for tests */
	bool passthrough; /* -shm could not be opened: the unix VFS's locks */
	unsigned char held[SQLITE_SHM_NLOCK];
	/* FILE_WAL: a frame header waiting for its page, and the whole
	 * frames before it that wait for their commit frame (buf, from
	 * pend_off on). */
	sqlite3_int64 hdr_off;
	int hdr_len;
	unsigned char hdr[WAL_FRAME_HDR];
	unsigned char *buf;
	size_t buf_len, buf_cap;
	sqlite3_int64 pend_off;
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs vfs;

static size_t
vfile_size(void)
{
	return (sizeof(struct vfile) + 15) & ~(size_t)15;
}

static struct vfile *
V(sqlite3_file *f)
{
	return (struct vfile *)f;
}

/* Writes the frames and the header that wait, if any. */
static int
flush_hdr(struct vfile *p)
{
	int rc = SQLITE_OK;
	if (p->buf_len) {
		int n = (int)p->buf_len;
		p->buf_len = 0;
		rc = p->real->pMethods->xWrite(p->real, p->buf, n, p->pend_off);
	}
	if (p->hdr_len) {
		int n = p->hdr_len;
		p->hdr_len = 0;
		int rc2 = p->real->pMethods->xWrite(p->real, p->hdr, n,
						    p->hdr_off);
		rc = rc ? rc : rc2;
	}
	return rc;
}

/* The -shm files this process has open for its OFD locks.  The trap of
 * POSIX locks: closing ANY descriptor of a file drops every POSIX lock the
 * process holds on it, SQLite's own dead-man-switch lock on the -shm
 * included, which tells other processes that the file is live.  So a
 * descriptor is closed only when no file of this VFS has that -shm mapped
 * any more, and then SQLite (which maps before it locks and unmaps before
 * this) has no lock left there either.  That holds as long as every
 * connection of the process to a database goes through this VFS, which
 * open_sql makes sure of. */
struct shm_inode {
	dev_t dev;
	ino_t ino;
	int users;    /* files of this VFS with it mapped */
	int *closing; /* their descriptors, closed when users is 0 */
	size_t n_closing, cap_closing;
};
static struct shm_inode *shm_inodes;
static size_t n_shm_inodes, cap_shm_inodes;

static struct shm_inode *
shm_inode_get(const struct stat *st)
{
	for (size_t i = 0; i < n_shm_inodes; i++)
		if (shm_inodes[i].dev == st->st_dev &&
		    shm_inodes[i].ino == st->st_ino)
			return &shm_inodes[i];
	if (n_shm_inodes == cap_shm_inodes) {
		cap_shm_inodes = cap_shm_inodes ? 2 * cap_shm_inodes : 4;
		shm_inodes = xrealloc(shm_inodes,
				      cap_shm_inodes * sizeof *shm_inodes);
	}
	struct shm_inode *si = &shm_inodes[n_shm_inodes++];
	*si = (struct shm_inode){ .dev = st->st_dev, .ino = st->st_ino };
	return si;
}

/* Opens @p's own descriptor of its -shm file (its own open file
 * description, so its locks conflict with every other file's). */
static void
shm_attach(struct vfile *p)
{
	struct stat st;
	int fd = open(p->shm_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		p->passthrough = true;
		return;
	}
	if (fstat(fd, &st)) {
		/* Never closed (see above); SQLite's locks it is then. */
		p->passthrough = true;
		return;
	}
	shm_inode_get(&st)->users++;
	p->shm_dev = st.st_dev;
	p->shm_ino = st.st_ino;
	p->shm_fd = fd;
}

/* Drops @p's locks; its descriptor is closed with the last user's. */
static void
shm_detach(struct vfile *p)
{
	if (p->shm_fd < 0)
		return;
	struct flock fl = { .l_type = F_UNLCK,
			    .l_whence = SEEK_SET,
			    .l_start = SHM_LOCK_BASE,
			    .l_len = SQLITE_SHM_NLOCK };
	p->sys_fcntl(p->shm_fd, F_OFD_SETLK, &fl);
	memset(p->held, HELD_NONE, sizeof p->held);
	struct stat st = { .st_dev = p->shm_dev, .st_ino = p->shm_ino };
	struct shm_inode *si = shm_inode_get(&st);
	if (si->n_closing == si->cap_closing) {
		si->cap_closing = si->cap_closing ? 2 * si->cap_closing : 4;
		si->closing = xrealloc(si->closing,
				       si->cap_closing * sizeof *si->closing);
	}
	si->closing[si->n_closing++] = p->shm_fd;
	p->shm_fd = -1;
	if (--si->users == 0) {
		for (size_t i = 0; i < si->n_closing; i++)
			close(si->closing[i]);
		si->n_closing = 0;
	}
}

/* Sets lock bytes [first, first + n) of the -shm file to @type. */
static int
ofd_lock(struct vfile *p, int first, int n, short type)
{
	struct flock fl = { .l_type = type,
			    .l_whence = SEEK_SET,
			    .l_start = SHM_LOCK_BASE + first,
			    .l_len = n };
	if (p->sys_fcntl(p->shm_fd, F_OFD_SETLK, &fl) == 0) {
		for (int i = first; i < first + n; i++)
			p->held[i] = type == F_UNLCK   ? HELD_NONE
				     : type == F_RDLCK ? HELD_SHARED
						       : HELD_EXCL;
		return SQLITE_OK;
	}
	return errno == EAGAIN || errno == EACCES ? SQLITE_BUSY
						  : SQLITE_IOERR_LOCK;
}

static int
v_close(sqlite3_file *f)
{
	struct vfile *p = V(f);
	int rc = flush_hdr(p);
	int rc2 = p->real->pMethods->xClose(p->real);
	shm_detach(p);
	free(p->shm_path);
	free(p->buf);
	return rc ? rc : rc2;
}

static int
v_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	struct vfile *p = V(f);
	int rc = flush_hdr(p);
	return rc ? rc : p->real->pMethods->xRead(p->real, buf, amt, off);
}

static int
v_write(sqlite3_file *f, const void *src, int amt, sqlite3_int64 off)
{
	struct vfile *p = V(f);
	int rc;

	if (p->hdr_len && off == p->hdr_off + p->hdr_len && amt > 0 &&
	    (!p->buf_len ||
	     p->pend_off + (sqlite3_int64)p->buf_len == p->hdr_off) &&
	    p->buf_len + WAL_FRAME_HDR + (size_t)amt <= WAL_PEND_MAX) {
		/* A frame is whole: held until its commit frame's page,
		 * which SQLite writes before it makes the commit visible in
		 * the WAL index (bytes 4-7 of a commit frame's header, the
		 * database size, are not zero). */
		size_t need = p->buf_len + WAL_FRAME_HDR + (size_t)amt;
		if (need > p->buf_cap) {
			p->buf_cap =
				need > 2 * p->buf_cap ? need : 2 * p->buf_cap;
			p->buf = xrealloc(p->buf, p->buf_cap);
		}
		if (!p->buf_len)
			p->pend_off = p->hdr_off;
		memcpy(p->buf + p->buf_len, p->hdr, WAL_FRAME_HDR);
		memcpy(p->buf + p->buf_len + WAL_FRAME_HDR, src, amt);
		p->buf_len = need;
		p->hdr_len = 0;
		bool commit = p->hdr[4] | p->hdr[5] | p->hdr[6] | p->hdr[7];
		return commit ? flush_hdr(p) : SQLITE_OK;
	}
	/* A frame header: held, after the frames held if it follows them,
	 * else once they are written. */
	bool hdr =
		p->kind == FILE_WAL && amt == WAL_FRAME_HDR && off >= WAL_HDR;
	if (!hdr || p->hdr_len ||
	    (p->buf_len && p->pend_off + (sqlite3_int64)p->buf_len != off)) {
		if ((rc = flush_hdr(p)))
			return rc;
		if (!hdr)
			return p->real->pMethods->xWrite(p->real, src, amt,
							 off);
	}
	memcpy(p->hdr, src, WAL_FRAME_HDR);
	p->hdr_off = off;
	p->hdr_len = WAL_FRAME_HDR;
	return SQLITE_OK;
}

static int
v_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct vfile *p = V(f);
	int rc = flush_hdr(p);
	return rc ? rc : p->real->pMethods->xTruncate(p->real, size);
}

static int
v_sync(sqlite3_file *f, int flags)
{
	struct vfile *p = V(f);
	int rc = flush_hdr(p);
	return rc ? rc : p->real->pMethods->xSync(p->real, flags);
}

static int
v_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	struct vfile *p = V(f);
	int rc = flush_hdr(p);
	return rc ? rc : p->real->pMethods->xFileSize(p->real, size);
}

static int
v_lock(sqlite3_file *f, int level)
{
	struct vfile *p = V(f);
	return p->real->pMethods->xLock(p->real, level);
}

static int
v_unlock(sqlite3_file *f, int level)
{
	struct vfile *p = V(f);
	return p->real->pMethods->xUnlock(p->real, level);
}

static int
v_check_reserved(sqlite3_file *f, int *out)
{
	struct vfile *p = V(f);
	return p->real->pMethods->xCheckReservedLock(p->real, out);
}

static int
v_file_control(sqlite3_file *f, int op, void *arg)
{
	struct vfile *p = V(f);
	int rc = flush_hdr(p);
	return rc ? rc : p->real->pMethods->xFileControl(p->real, op, arg);
}

static int
v_sector_size(sqlite3_file *f)
{
	struct vfile *p = V(f);
	return p->real->pMethods->xSectorSize(p->real);
}

static int
v_device_chars(sqlite3_file *f)
{
	struct vfile *p = V(f);
	return p->real->pMethods->xDeviceCharacteristics(p->real);
}

static int
v_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	struct vfile *p = V(f);
	return p->real->pMethods->xShmMap(p->real, pg, pgsz, extend, pp);
}

/* SQLite's lock requests, as os_unix.c's unixShmLock takes them, kept
 * with the policy in ovsdb_vfs.h. */
static int
v_shm_lock(sqlite3_file *f, int ofst, int n, int flags)
{
	struct vfile *p = V(f);

	if (p->kind == FILE_MAIN && !p->passthrough && p->shm_fd < 0 &&
	    p->shm_path) {
		/* The first request of this mapping: the unix VFS has the
		 * file open (SQLite maps before it locks) and holds nothing
		 * of ours yet, so choosing here is safe. */
		shm_attach(p);
	}
	if (p->kind != FILE_MAIN || p->shm_fd < 0 || ofst < 0 || n < 1 ||
	    ofst + n > SQLITE_SHM_NLOCK)
		return p->real->pMethods->xShmLock(p->real, ofst, n, flags);

	if (flags & SQLITE_SHM_UNLOCK) {
		if (n == 1 && ofst == WAL_WRITE_LOCK &&
		    p->held[ofst] == HELD_EXCL)
			return SQLITE_OK; /* kept: the next commit's */
		if (n == 1 && ofst >= WAL_FIRST_READ_LOCK) {
			/* A reader slot: kept shared, which is what SQLite
			 * asks next after updating the slot's mark. */
			if (p->held[ofst] == HELD_EXCL)
				ofd_lock(p, ofst, 1, F_RDLCK);
			return SQLITE_OK;
		}
		ofd_lock(p, ofst, n, F_UNLCK);
		return SQLITE_OK;
	}
	if (flags & SQLITE_SHM_SHARED) {
		if (n == 1 && p->held[ofst] == HELD_SHARED)
			return SQLITE_OK;
		return ofd_lock(p, ofst, n, F_RDLCK);
	}
	bool all = true;
	for (int i = ofst; i < ofst + n; i++)
		all = all && p->held[i] == HELD_EXCL;
	if (all)
		return SQLITE_OK;
	int rc = ofd_lock(p, ofst, n, F_WRLCK);
	if (rc != SQLITE_OK)
		/* Someone else has it: what was kept here must not stay in
		 * the way of SQLite's next choice either. */
		for (int i = ofst; i < ofst + n; i++)
			if (p->held[i] != HELD_NONE)
				ofd_lock(p, i, 1, F_UNLCK);
	return rc;
}

static void
v_shm_barrier(sqlite3_file *f)
{
	struct vfile *p = V(f);
	p->real->pMethods->xShmBarrier(p->real);
}

static int
v_shm_unmap(sqlite3_file *f, int delete_flag)
{
	struct vfile *p = V(f);
	int rc = p->real->pMethods->xShmUnmap(p->real, delete_flag);
	shm_detach(p);
	p->passthrough = false;
	return rc;
}

static int
v_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	struct vfile *p = V(f);
	int rc = flush_hdr(p);
	return rc ? rc : p->real->pMethods->xFetch(p->real, off, amt, pp);
}

static int
v_unfetch(sqlite3_file *f, sqlite3_int64 off, void *page)
{
	struct vfile *p = V(f);
	return p->real->pMethods->xUnfetch(p->real, off, page);
}

static int
v_open(sqlite3_vfs *unused, const char *name, sqlite3_file *f, int flags,
       int *out_flags)
{
	struct vfile *p = V(f);
	(void)unused;

	memset(p, 0, sizeof *p);
	p->real = (sqlite3_file *)((char *)p + vfile_size());
	p->shm_fd = -1;
	int rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
	const sqlite3_io_methods *rm = p->real->pMethods;
	if (!rm) {
		p->base.pMethods = NULL;
		return rc;
	}
	p->kind = !name				? FILE_PLAIN
		  : flags & SQLITE_OPEN_MAIN_DB ? FILE_MAIN
		  : flags & SQLITE_OPEN_WAL	? FILE_WAL
						: FILE_PLAIN;
	if (p->kind == FILE_MAIN) {
		p->shm_path = xasprintf("%s-shm", name);
		if (real_vfs->iVersion >= 3 && real_vfs->xGetSystemCall)
			p->sys_fcntl =
				(int (*)(int, int,
					 ...))real_vfs->xGetSystemCall(real_vfs,
								       "fcntl");
		if (!p->sys_fcntl)
			p->sys_fcntl = fcntl;
	}
	p->methods = (sqlite3_io_methods){
		.iVersion = rm->iVersion < 3 ? rm->iVersion : 3,
		.xClose = v_close,
		.xRead = v_read,
		.xWrite = v_write,
		.xTruncate = v_truncate,
		.xSync = v_sync,
		.xFileSize = v_file_size,
		.xLock = v_lock,
		.xUnlock = v_unlock,
		.xCheckReservedLock = v_check_reserved,
		.xFileControl = v_file_control,
		.xSectorSize = v_sector_size,
		.xDeviceCharacteristics = v_device_chars,
		.xShmMap = v_shm_map,
		.xShmLock = v_shm_lock,
		.xShmBarrier = v_shm_barrier,
		.xShmUnmap = v_shm_unmap,
		.xFetch = v_fetch,
		.xUnfetch = v_unfetch,
	};
	p->base.pMethods = &p->methods;
	return rc;
}

const char *
ovsdb_vfs_name(void)
{
	if (real_vfs)
		return vfs.zName;
	/* No allocation statistics: they take a global mutex at every
	 * malloc and free of SQLite's (about 1 % of a small commit).  Only
	 * possible before SQLite initialises (harmless SQLITE_MISUSE after). */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_vfs *def = sqlite3_vfs_find(NULL);
	if (!def)
		return NULL;
	vfs = *def; /* the rest (paths, time, randomness) is the default's */
	vfs.pNext = NULL;
	vfs.zName = "microvs";
	vfs.szOsFile = (int)vfile_size() + def->szOsFile;
	vfs.xOpen = v_open;
	if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK)
		return NULL;
	real_vfs = def;
	return vfs.zName;
}
