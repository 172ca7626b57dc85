/* SPDX-License-Identifier: Apache-2.0 */
/* priv: drop to a role's user and capabilities, in the fixed order. */
#include "priv.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "log.h"

LOG_MODULE(priv);

static int
set_caps(const struct role *r, capng_select_t which, capng_type_t sets)
{
	capng_clear(which);
	for (unsigned cap = 0; cap < 64; cap++)
		if ((r->caps & ROLE_CAP(cap)) &&
		    capng_update(CAPNG_ADD, sets, cap))
			return -EINVAL;
	return capng_apply(which) ? -EPERM : 0;
}

int
priv_drop(const struct role *r)
{
	bool keep = r->caps != 0;
	uid_t uid;
	gid_t gid;
	int err;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		log_warn("cannot clear ambient capabilities: %m");

	if (geteuid() == 0) {
		err = role_ids(r, &uid, &gid);
		if (err) {
			log_err("user %s or group %s missing (run the install "
				"step): %s",
				r->user, ROLE_GROUP, strerror(-err));
			return err;
		}
		err = set_caps(r, CAPNG_SELECT_BOUNDS, CAPNG_BOUNDING_SET);
		if (err) {
			log_err("cannot reduce the bounding set");
			return err;
		}
		if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			return -errno;
		if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid(uid, uid, uid) < 0) {
			err = -errno;
			log_err("cannot change to %s:%s: %m", r->user,
				ROLE_GROUP);
			return err;
		}
	} else {
		log_info("not started as root: keeping uid %u", getuid());
	}

	err = set_caps(r, CAPNG_SELECT_CAPS, CAPNG_EFFECTIVE | CAPNG_PERMITTED);
	if (err) {
		log_err("cannot set capabilities for role %s", r->name);
		return err;
	}
	if (keep)
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		err = -errno;
		log_err("PR_SET_NO_NEW_PRIVS: %m");
		return err;
	}
	err = priv_seccomp(r);
	if (err)
		return err;
	log_info("running as %s with %d capabilities", r->user,
		 __builtin_popcountll(r->caps));
	return 0;
}
