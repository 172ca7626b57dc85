/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util: allocation helpers that abort on exhaustion, and a growable string
 * buffer (struct ds) used for building command output and log lines.
 */
#ifndef MICROVS_UTIL_H
#define MICROVS_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* Makes room in array ARR of CAP elements for element number N (0-based),
 * doubling CAP (from 4) when N reaches it: appending one element at a time
 * with realloc copies the whole array again and again. */
#define ARRAY_GROW(ARR, N, CAP)                                         \
	do {                                                            \
		if ((N) == (CAP)) {                                     \
			(CAP) = (CAP) ? (CAP)*2 : 4;                    \
			(ARR) = xrealloc((ARR), (CAP) * sizeof *(ARR)); \
		}                                                       \
	} while (0)
#define PRINTF_FMT(a, b) __attribute__((format(printf, a, b)))
#define NORETURN __attribute__((noreturn))

void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_FMT(1, 2);
char *xvasprintf(const char *fmt, va_list ap) PRINTF_FMT(1, 0);

/* Growable NUL-terminated string.  Zero-initialise or use DS_EMPTY. */
struct ds {
	char *s;
	size_t len;
	size_t cap;
};
#define DS_EMPTY ((struct ds){ NULL, 0, 0 })

void ds_put(struct ds *ds, const char *s);
void ds_put_len(struct ds *ds, const char *s, size_t n);
void ds_put_char(struct ds *ds, char c);
void ds_printf(struct ds *ds, const char *fmt, ...) PRINTF_FMT(2, 3);
void ds_vprintf(struct ds *ds, const char *fmt, va_list ap) PRINTF_FMT(2, 0);
/* Returns the contents (never NULL); still owned by @ds. */
const char *ds_cstr(struct ds *ds);
/* Hands the contents to the caller (never NULL) and resets @ds. */
char *ds_steal(struct ds *ds);
void ds_clear(struct ds *ds);
/* Removes a trailing @c, if there is one. */
void ds_chomp(struct ds *ds, char c);
/* The last character, or -1 when empty. */
int ds_last(const struct ds *ds);
void ds_free(struct ds *ds);

/* Monotonic and wall clocks in milliseconds. */
uint64_t time_mono_ms(void);
uint64_t time_wall_ms(void);

/* A random nonzero 64-bit id (getrandom; the clock, the pid and a counter
 * should it fail): a process's boot id, a session id. */
uint64_t random_id(void);

/* Writes @pid to @path atomically (a fresh temporary created with
 * O_EXCL|O_NOFOLLOW, then rename), so it never writes through a link
 * planted at either name.  0 or -errno. */
int pidfile_write(const char *path, long pid);
/* Reads a pid from @path into @pid, not through a link.  0 or -errno
 * (-ENOENT, -ELOOP, -EINVAL). */
int pidfile_read(const char *path, long *pid);

/* The instance's run directory: @given if not NULL, else $MICROVS_RUNDIR,
 * else $OVS_RUNDIR (so Open vSwitch's habits work), else the built-in
 * default.  Never NULL; not to be freed. */
const char *rundir_resolve(const char *given);

/* The directory part of @path ("." if none, "/" for "/x").  Caller
 * frees. */
char *dir_name(const char *path);

/* mkdir -p with @mode for the created components.  0 or -errno. */
int mkdir_p(const char *path, unsigned mode);

#endif
