/* SPDX-License-Identifier: Apache-2.0 */
/* util: allocation, string buffers, clocks, pidfiles. */
#include "util.h"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void NORETURN
out_of_memory(void)
{
	static const char msg[] = "microvs: out of memory\n";
	ssize_t r = write(2, msg, sizeof msg - 1);
	(void)r;
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *
xzalloc(size_t n)
{
	return xcalloc(1, n);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	struct ds ds = DS_EMPTY;
	ds_vprintf(&ds, fmt, ap);
	return ds_steal(&ds);
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void
ds_reserve(struct ds *ds, size_t extra)
{
	size_t need = ds->len + extra + 1;

	if (need <= ds->cap)
		return;
	ds->cap = ds->cap ? ds->cap * 2 : 64;
	while (ds->cap < need)
		ds->cap *= 2;
	ds->s = xrealloc(ds->s, ds->cap);
	ds->s[ds->len] = '\0';
}

void
ds_put_len(struct ds *ds, const char *s, size_t n)
{
	ds_reserve(ds, n);
	memcpy(ds->s + ds->len, s, n);
	ds->len += n;
	ds->s[ds->len] = '\0';
}

void
ds_put(struct ds *ds, const char *s)
{
	ds_put_len(ds, s, strlen(s));
}

void
ds_put_char(struct ds *ds, char c)
{
	ds_put_len(ds, &c, 1);
}

void
ds_vprintf(struct ds *ds, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	ds_reserve(ds, (size_t)n);
	vsnprintf(ds->s + ds->len, (size_t)n + 1, fmt, ap);
	ds->len += (size_t)n;
}

void
ds_printf(struct ds *ds, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ds_vprintf(ds, fmt, ap);
	va_end(ap);
}

const char *
ds_cstr(struct ds *ds)
{
	ds_reserve(ds, 0);
	return ds->s;
}

char *
ds_steal(struct ds *ds)
{
	char *s;

	ds_reserve(ds, 0);
	s = ds->s;
	*ds = DS_EMPTY;
	return s;
}

void
ds_clear(struct ds *ds)
{
	ds->len = 0;
	if (ds->s)
		ds->s[0] = '\0';
}

void
ds_chomp(struct ds *ds, char c)
{
	if (ds->len && ds->s[ds->len - 1] == c)
		ds->s[--ds->len] = '\0';
}

int
ds_last(const struct ds *ds)
{
	return ds->len ? (unsigned char)ds->s[ds->len - 1] : -1;
}

void
ds_free(struct ds *ds)
{
	free(ds->s);
	*ds = DS_EMPTY;
}

static uint64_t
clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
time_mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

uint64_t
time_wall_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

int
pidfile_write(const char *path, long pid)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	char buf[32];
	int fd, n, err = 0;

	/* Never through a link, never into someone else's file: a fresh
	 * temporary (a stale one of ours is removed first; unlink removes
	 * a link, not its target), then rename, which replaces the name
	 * itself whatever it was. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	n = snprintf(buf, sizeof buf, "%ld\n", pid);
	if (write(fd, buf, (size_t)n) != n)
		err = -EIO;
	close(fd);
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
out:
	free(tmp);
	return err;
}

int
pidfile_read(const char *path, long *pid)
{
	char buf[32];
	ssize_t n;
	char *end;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = '\0';
	*pid = strtol(buf, &end, 10);
	if (end == buf || *pid <= 0)
		return -EINVAL;
	return 0;
}

char *
dir_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/")
			     : xstrndup(path, (size_t)(slash - path));
}

int
mkdir_p(const char *path, unsigned mode)
{
	char *p = xstrdup(path);
	int err = 0;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			err = -errno;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return err;
}

const char *
rundir_resolve(const char *given)
{
	const char *env;

	if (given)
		return given;
	env = getenv("MICROVS_RUNDIR");
	if (!env || !env[0])
		env = getenv("OVS_RUNDIR");
	return env && env[0] ? env : MICROVS_DEFAULT_RUNDIR;
}

uint64_t
random_id(void)
{
	static uint64_t counter;
	uint64_t id;

	if (getrandom(&id, sizeof id, GRND_NONBLOCK) != sizeof id)
		id = time_mono_ms() ^ ((uint64_t)getpid() << 32) ^ ++counter;
	return id ? id : 1;
}
