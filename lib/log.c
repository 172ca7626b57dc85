/* SPDX-License-Identifier: Apache-2.0 */
/* log: modules, destinations, levels, rate limiting, the log file. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "safefile.h"

LOG_MODULE(vlog);

static struct log_module *modules;
static char role[32] = "microvs";
static char *file_path;
static FILE *file;
static uid_t file_owner = (uid_t)-1;
static gid_t file_group = (gid_t)-1;
static unsigned long seq;

static const char *const level_names[] = {
	[LVL_OFF] = "OFF",   [LVL_EMER] = "EMER", [LVL_ERR] = "ERR",
	[LVL_WARN] = "WARN", [LVL_INFO] = "INFO", [LVL_DBG] = "DBG",
};
static const char *const dest_names[] = {
	[LOG_DEST_CONSOLE] = "console",
	[LOG_DEST_SYSLOG] = "syslog",
	[LOG_DEST_FILE] = "file",
};
static const int syslog_prio[] = {
	[LVL_OFF] = LOG_DEBUG,	 [LVL_EMER] = LOG_ALERT,
	[LVL_ERR] = LOG_ERR,	 [LVL_WARN] = LOG_WARNING,
	[LVL_INFO] = LOG_NOTICE, [LVL_DBG] = LOG_DEBUG,
};

static void
update_min(struct log_module *m)
{
	m->min_level = LVL_OFF;
	for (int d = 0; d < LOG_DEST_N_DESTS; d++)
		if (m->levels[d] > m->min_level)
			m->min_level = m->levels[d];
}

void
log_module_register(struct log_module *m)
{
	struct log_module **p = &modules;

	/* Keep the list sorted by name for vlog/list. */
	while (*p && strcmp((*p)->name, m->name) < 0)
		p = &(*p)->next;
	m->next = *p;
	*p = m;
	update_min(m);
}

void
log_init(const char *r)
{
	snprintf(role, sizeof role, "%s", r);
	openlog(role, LOG_NDELAY | LOG_PID, LOG_DAEMON);
}

void
log_set_file_owner(uid_t uid, gid_t gid)
{
	file_owner = uid;
	file_group = gid;
}

/* The log directory is shared with the roles (group-writable), and this
 * runs as root before the drop: never through a link, never into a file
 * someone else put there (see safefile.h).  *@notep: what was removed. */
static int
open_log(const char *path, FILE **fp, char **notep)
{
	int fd, err;

	err = safe_open(path, O_WRONLY | O_APPEND, SAFE_REPLACE, 0640,
			file_owner, file_group, &fd, notep);
	if (err) {
		log_err("cannot open log file %s", *notep);
		free(*notep);
		*notep = NULL;
		return err;
	}
	*fp = fdopen(fd, "a");
	if (!*fp) {
		err = -errno;
		close(fd);
		free(*notep);
		*notep = NULL;
		return err;
	}
	setvbuf(*fp, NULL, _IOLBF, 0);
	return 0;
}

int
log_set_file(const char *path)
{
	FILE *f = NULL;
	char *note = NULL;
	int err;

	if (path && (err = open_log(path, &f, &note)))
		return err;
	if (file)
		fclose(file);
	file = f;
	free(file_path);
	file_path = path ? xstrdup(path) : NULL;
	if (note)
		log_warn("%s (not a file of ours)", note);
	free(note);
	return 0;
}

int
log_reopen(void)
{
	char *p;
	int err;

	if (!file_path)
		return 0;
	p = xstrdup(file_path);
	err = log_set_file(p);
	free(p);
	return err;
}

static int
parse_level(const char *w)
{
	static const struct {
		const char *name;
		enum log_level level;
	} aliases[] = {
		{ "off", LVL_OFF },   { "emer", LVL_EMER }, { "err", LVL_ERR },
		{ "warn", LVL_WARN }, { "info", LVL_INFO }, { "dbg", LVL_DBG },
		{ "debug", LVL_DBG },
	};
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcasecmp(w, aliases[i].name))
			return (int)aliases[i].level;
	return -1;
}

static int
parse_dest(const char *w)
{
	for (int d = 0; d < LOG_DEST_N_DESTS; d++)
		if (!strcasecmp(w, dest_names[d]))
			return d;
	return -1;
}

static bool
module_exists(const char *name)
{
	for (struct log_module *m = modules; m; m = m->next)
		if (!strcasecmp(m->name, name))
			return true;
	return false;
}

int
log_set_spec(const char *spec, char **err)
{
	char *copy = xstrdup(spec), *save = NULL;
	const char *module = NULL;
	int dest = -1, level = LVL_DBG;

	*err = NULL;
	for (char *w = strtok_r(copy, " :", &save); w;
	     w = strtok_r(NULL, " :", &save)) {
		int v;

		if (!strcasecmp(w, "any"))
			continue;
		if ((v = parse_level(w)) >= 0)
			level = v;
		else if ((v = parse_dest(w)) >= 0)
			dest = v;
		else if (!module && module_exists(w))
			module = w;
		else {
			*err = xasprintf("unknown module, facility, or level "
					 "\"%s\"",
					 w);
			free(copy);
			return -EINVAL;
		}
	}
	for (struct log_module *m = modules; m; m = m->next) {
		if (module && strcasecmp(m->name, module))
			continue;
		for (int d = 0; d < LOG_DEST_N_DESTS; d++)
			if (dest < 0 || dest == d)
				m->levels[d] = (enum log_level)level;
		update_min(m);
	}
	free(copy);
	return 0;
}

void
log_list(struct ds *out)
{
	const char *last = "";

	ds_put(out, "                 console    syslog    file\n"
		    "                 -------    ------    ------\n");
	for (struct log_module *m = modules; m; m = m->next) {
		if (!strcmp(m->name, last))
			continue;
		last = m->name;
		ds_printf(out, "%-16s  %4s       %4s       %4s\n", m->name,
			  level_names[m->levels[LOG_DEST_CONSOLE]],
			  level_names[m->levels[LOG_DEST_SYSLOG]],
			  level_names[m->levels[LOG_DEST_FILE]]);
	}
}

static void
vlog(struct log_module *m, enum log_level level, const char *fmt, va_list ap)
{
	char stamp[40], text[2048];
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + n, sizeof stamp - n, ".%03ldZ", ts.tv_nsec / 1000000);
	vsnprintf(text, sizeof text, fmt, ap);
	seq++;

	if (level <= m->levels[LOG_DEST_CONSOLE])
		fprintf(stderr, "%s|%05lu|%s|%s|%s|%s\n", stamp, seq, role,
			m->name, level_names[level], text);
	if (file && level <= m->levels[LOG_DEST_FILE])
		fprintf(file, "%s|%05lu|%s|%s|%s|%s\n", stamp, seq, role,
			m->name, level_names[level], text);
	if (level <= m->levels[LOG_DEST_SYSLOG])
		syslog(syslog_prio[level], "%s|%s|%s", m->name,
		       level_names[level], text);
}

void
log_msg(struct log_module *m, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(m, level))
		return;
	va_start(ap, fmt);
	vlog(m, level, fmt, ap);
	va_end(ap);
}

static bool
rl_take(struct log_rl *rl)
{
	uint64_t now = time_mono_ms();

	if (rl->last_ms) {
		uint64_t add = (now - rl->last_ms) * rl->per_minute / 60000;
		if (add) {
			rl->tokens = (unsigned)(rl->tokens + add > rl->burst
							? rl->burst
							: rl->tokens + add);
			rl->last_ms = now;
		}
	} else {
		rl->last_ms = now;
	}
	if (!rl->tokens) {
		rl->dropped++;
		return false;
	}
	rl->tokens--;
	return true;
}

void
log_msg_rl(struct log_module *m, struct log_rl *rl, enum log_level level,
	   const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(m, level) || !rl_take(rl))
		return;
	if (rl->dropped) {
		log_msg(m, level, "(%u messages suppressed by rate limit)",
			rl->dropped);
		rl->dropped = 0;
	}
	va_start(ap, fmt);
	vlog(m, level, fmt, ap);
	va_end(ap);
}

void
log_fatal(struct log_module *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (m->levels[LOG_DEST_CONSOLE] < LVL_EMER)
		m->levels[LOG_DEST_CONSOLE] = LVL_EMER;
	vlog(m, LVL_EMER, fmt, ap);
	va_end(ap);
	exit(1);
}
