/* SPDX-License-Identifier: Apache-2.0 */
/*
 * safefile: file operations for code that runs as root before the
 * privilege drop, under the project rule: such code touches only paths
 * that no role user can write, and never follows a link there.
 *
 * Some directories are shared with the roles on purpose (the log
 * directory is group microvs and writable; the database directory belongs
 * to microvs-db).  A role user can put anything there under any free name:
 * a symbolic link to /etc/shadow, a hard link, a FIFO, a file of its own.
 * safe_open() opens a file in such a directory without following a link,
 * and checks through the descriptor what it got before anything is
 * written.  safe_dir_check() checks the directories themselves: that no
 * role user can change what the path names.
 *
 * The role users are those of lib/roles.c; the role group is ROLE_GROUP.
 */
#ifndef MICROVS_SAFEFILE_H
#define MICROVS_SAFEFILE_H

#include <stdbool.h>
#include <sys/types.h>

/* safe_open() flags. */
enum {
	SAFE_CREATE = 1 << 0,	 /* create if missing (O_EXCL, mode @mode) */
	SAFE_REPLACE = 1 << 1,	 /* an entry failing the checks is removed
				  * (unlink: the link, not its target) and
				  * created afresh; implies SAFE_CREATE */
	SAFE_ANY_OWNER = 1 << 2, /* skip the owner check (the caller never
				  * writes the contents, e.g. a lock file) */
};

/* Opens @path with @oflags (O_RDONLY, O_WRONLY|O_APPEND, O_RDWR; no
 * O_CREAT/O_TRUNC: see @sflags), never through a symbolic link in the
 * last component (O_NOFOLLOW) and never blocking on a FIFO, and checks the
 * open file: a regular file with one link, owned by the caller's euid or
 * by @owner (unless SAFE_ANY_OWNER).  When running as root, a file of
 * root's (created by this call, or left by an older version) is handed to
 * @owner:@group (if not -1), so the role can reopen it after the drop.
 * Intermediate directories are followed: check them with
 * safe_dir_check().
 *
 * Returns 0 with *@fdp (O_CLOEXEC, blocking); *@notep is NULL, or (with
 * SAFE_REPLACE) says what was removed; the caller frees it.  Errors:
 * -ENOENT (missing and no SAFE_CREATE), -ELOOP (a symbolic link),
 * -EPERM (not a regular file, several links, foreign owner), -EEXIST
 * (with SAFE_REPLACE: someone recreated the name in between), other
 * -errno; *@notep then describes the failure.  Never blocks. */
int safe_open(const char *path, int oflags, unsigned sflags, mode_t mode,
	      uid_t owner, gid_t group, int *fdp, char **notep);

/* Checks, when running as root, that no role user can change what @dir
 * names: no component of the path (symbolic links followed and checked
 * too) is owned by a role user, and none is writable by one (owner, group
 * ROLE_GROUP with g+w, or o+w), except directories with the sticky bit
 * above the last component.  @shared_leaf: @dir itself may be the roles'
 * (a directory they write on purpose; use safe_open() inside it).
 * Components that do not exist yet end the walk (root creates them in a
 * checked directory).
 *
 * 0 (also when not root: the caller's own files are its business), or
 * -EPERM with *@whyp naming the component and the user (caller frees),
 * or -errno (-ELOOP: too many links) with *@whyp. */
int safe_dir_check(const char *dir, bool shared_leaf, char **whyp);

/* Sets owner and mode of the directory @dir through a descriptor opened
 * with O_DIRECTORY|O_NOFOLLOW, so that a link at the name is refused
 * (-ELOOP, -ENOTDIR), never followed as chown() and chmod() by name
 * would.  @if_root_owned: change nothing (and return 0) unless root owns
 * it.  0 or -errno. */
int safe_dir_set(const char *dir, uid_t uid, gid_t gid, mode_t mode,
		 bool if_root_owned);

#endif
