/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log: the one logging API (STYLE.md rule 9).  Every line carries the
 * process role and the module; levels can be changed per module and per
 * destination at run time (vlog/set), and per-packet paths use the
 * rate-limited variants.
 *
 * Each .c file that logs declares its module once:
 *	LOG_MODULE(bus);
 * and then calls log_info("...") etc.
 */
#ifndef MICROVS_LOG_H
#define MICROVS_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

enum log_level { LVL_OFF, LVL_EMER, LVL_ERR, LVL_WARN, LVL_INFO, LVL_DBG };
enum log_dest {
	LOG_DEST_CONSOLE,
	LOG_DEST_SYSLOG,
	LOG_DEST_FILE,
	LOG_DEST_N_DESTS
};

struct log_module {
	const char *name;
	enum log_level levels[LOG_DEST_N_DESTS];
	enum log_level min_level; /* most verbose of levels[] */
	struct log_module *next;
};

/* Token bucket: @burst messages, refilled at @per_minute. */
struct log_rl {
	unsigned burst, per_minute;
	unsigned tokens;
	uint64_t last_ms;
	unsigned dropped;
};
#define LOG_RL_INIT(BURST, PER_MINUTE)               \
	{                                            \
		(BURST), (PER_MINUTE), (BURST), 0, 0 \
	}

void log_module_register(struct log_module *m);

#define LOG_MODULE(NAME)                                                 \
	static struct log_module log_this_module = {                     \
		#NAME, { LVL_INFO, LVL_OFF, LVL_INFO }, LVL_INFO, NULL   \
	};                                                               \
	__attribute__((constructor)) static void log_register_this(void) \
	{                                                                \
		log_module_register(&log_this_module);                   \
	}                                                                \
	struct log_module_dummy_

/* Sets the role prefix (e.g. "dbserver") and the program name. */
void log_init(const char *role);
/* Opens (or with NULL closes) the log file, appending.  The log
 * directory may be shared with the role users, so the file is opened as
 * safefile.h says: never through a symbolic link, only a regular file
 * with one link owned by us or by the owner set below; anything else at
 * the name is removed (logged as a warning into the new file) and the
 * file created afresh, mode 0640.  0 or -errno (the reason is logged). */
int log_set_file(const char *path);
/* The owner a log file may have besides the caller's euid, and that a
 * log file created as root is handed to (the role's user, so it can
 * reopen the file after the drop).  Default: none. */
void log_set_file_owner(uid_t uid, gid_t gid);
/* Closes and reopens the log file (log rotation).  0 or -errno. */
int log_reopen(void);
/* Applies a vlog spec: "[module|any][:dest|any][:level]" words separated
 * by spaces or colons, as ovs-appctl vlog/set takes them.  On error returns
 * -EINVAL and sets *@err to a message the caller frees. */
int log_set_spec(const char *spec, char **err);
/* Appends the module/destination/level table (vlog/list) to @out. */
void log_list(struct ds *out);
/* True if @m would log at @level to any destination. */
static inline bool
log_enabled(const struct log_module *m, enum log_level level)
{
	return level <= m->min_level;
}

void log_msg(struct log_module *m, enum log_level level, const char *fmt, ...)
	PRINTF_FMT(3, 4);
void log_msg_rl(struct log_module *m, struct log_rl *rl, enum log_level level,
		const char *fmt, ...) PRINTF_FMT(4, 5);
/* Logs at EMER and exits 1.  For the environment only (start-up). */
void log_fatal(struct log_module *m, const char *fmt, ...)
	PRINTF_FMT(2, 3) NORETURN;

#define log_err(...) log_msg(&log_this_module, LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(&log_this_module, LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(&log_this_module, LVL_INFO, __VA_ARGS__)
#define log_dbg(...)                                                     \
	do {                                                             \
		if (log_enabled(&log_this_module, LVL_DBG))              \
			log_msg(&log_this_module, LVL_DBG, __VA_ARGS__); \
	} while (0)
#define log_err_rl(RL, ...) \
	log_msg_rl(&log_this_module, RL, LVL_ERR, __VA_ARGS__)
#define log_warn_rl(RL, ...) \
	log_msg_rl(&log_this_module, RL, LVL_WARN, __VA_ARGS__)
#define log_info_rl(RL, ...) \
	log_msg_rl(&log_this_module, RL, LVL_INFO, __VA_ARGS__)
#define fatal(...) log_fatal(&log_this_module, __VA_ARGS__)

#endif
