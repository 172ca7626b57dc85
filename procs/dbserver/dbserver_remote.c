/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_remote: where clients connect.  punix:PATH, ptcp:PORT[:IP]
 * and pssl:PORT[:IP] listen; unix:PATH, tcp:IP:PORT and ssl:IP:PORT
 * connect out (dbserver_connect.c); db:DB,TABLE,COLUMN reads targets
 * from a column (strings, or references to rows with a "target" column
 * such as Open_vSwitch's Manager table) and follows changes to it after
 * every commit.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

LOG_MODULE(dbserver_remote);

struct dbserver_remote {
	struct dbserver_remote *next;
	struct dbserver *srv;
	char *target;
	char *owner; /* the db: remote that produced it, or NULL */
	bool is_db;  /* a db: remote itself (no socket) */
	int fd;	     /* a listener's */
	bool tcp, ssl;
	char *unlink_path;
	struct ev_io *io;
	struct ev_timer *resume;	/* paused: out of descriptors */
	struct dbserver_active *active; /* an active remote's connection */
};

static void
on_resume(struct ev_timer *t, void *arg)
{
	struct dbserver_remote *rm = arg;

	ev_timer_del(t);
	rm->resume = NULL;
	ev_io_modify(rm->io, EPOLLIN);
}

static void
on_accept(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct dbserver_remote *rm = arg;
	struct dbserver *srv = rm->srv;
	(void)revents;
	if (dbserver_admit_accept(srv, fd, rm->tcp, rm->ssl, rm->target) &&
	    !rm->resume) {
		/* No descriptor even to refuse with: stop polling a while
		 * rather than spin on a listener that stays readable. */
		ev_io_modify(io, 0);
		rm->resume = ev_timer_add(srv->loop, 100, false, on_resume, rm);
	}
}

static int
listen_unix(const char *path, int *fdp, char **errp)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sun.sun_path) {
		*errp = xasprintf("%s: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	unlink(path);
	/* bind() creates it 0770; a chmod by name afterwards would follow
	 * whatever link stood at the name by then. */
	mode_t mask = umask(0007);
	int b = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(mask);
	if (b < 0 || listen(fd, 128) < 0)
		goto fail;
	*fdp = fd;
	return 0;
fail:;
	int r = -errno;
	*errp = xasprintf("%s: listen failed (%s)", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

static int
listen_tcp(const char *method, const char *spec, int *fdp, char **errp)
{
	char *copy = xstrdup(spec), *ip = strchr(copy, ':');
	int port, one = 1, fd = -1, r;
	if (ip)
		*ip++ = '\0';
	port = atoi(copy);
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons((uint16_t)port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port) };
	struct sockaddr *sa = (struct sockaddr *)&a4;
	socklen_t len = sizeof a4;
	if (ip && *ip == '[') {
		ip++;
		ip[strcspn(ip, "]")] = '\0';
	}
	if (ip && strchr(ip, ':')) {
		if (inet_pton(AF_INET6, ip, &a6.sin6_addr) != 1)
			goto bad;
		sa = (struct sockaddr *)&a6;
		len = sizeof a6;
	} else if (ip && *ip && inet_pton(AF_INET, ip, &a4.sin_addr) != 1) {
		goto bad;
	}
	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, sa, len) < 0 || listen(fd, 128) < 0)
		goto fail;
	free(copy);
	*fdp = fd;
	return 0;
bad:
	*errp = xasprintf("%s:%s: bad address", method, spec);
	free(copy);
	return -EINVAL;
fail:
	r = -errno;
	*errp = xasprintf("%s:%s: listen failed (%s)", method, spec,
			  strerror(errno));
	if (fd >= 0)
		close(fd);
	free(copy);
	return r;
}

static void
remote_free(struct dbserver_remote *rm)
{
	dbserver_active_free(rm->active);
	if (rm->io)
		ev_io_del(rm->io);
	if (rm->resume)
		ev_timer_del(rm->resume);
	if (rm->fd >= 0)
		close(rm->fd);
	if (rm->unlink_path) {
		unlink(rm->unlink_path);
		free(rm->unlink_path);
	}
	free(rm->target);
	free(rm->owner);
	free(rm);
}

static struct dbserver_remote *
remote_new(struct dbserver *srv)
{
	struct dbserver_remote *rm = xzalloc(sizeof *rm);
	rm->srv = srv;
	rm->fd = -1;
	return rm;
}

static bool
is_passive(const char *target)
{
	return !strncmp(target, "punix:", 6) || !strncmp(target, "ptcp:", 5) ||
	       !strncmp(target, "pssl:", 5);
}

static bool
is_active(const char *target)
{
	return !strncmp(target, "unix:", 5) || !strncmp(target, "tcp:", 4) ||
	       !strncmp(target, "ssl:", 4);
}

/* Listens (punix:, ptcp:, pssl:) or connects (unix:, tcp:, ssl:). */
static int
add_socket_remote(struct dbserver *srv, const char *target, const char *owner,
		  char **errp)
{
	struct dbserver_remote *rm;
	int fd = -1, r;
	bool tcp = false, ssl = false;

	if (is_active(target)) {
		struct dbserver_active *a;
		if ((r = dbserver_active_new(srv, target, &a, errp)))
			return r;
		rm = remote_new(srv);
		rm->active = a;
		goto add;
	}
	if (!strncmp(target, "punix:", 6)) {
		r = listen_unix(target + 6, &fd, errp);
	} else if (!strncmp(target, "ptcp:", 5) ||
		   !strncmp(target, "pssl:", 5)) {
		tcp = true;
		ssl = target[1] == 's';
		r = listen_tcp(ssl ? "pssl" : "ptcp", target + 5, &fd, errp);
	} else {
		*errp = xasprintf("%s: unknown remote (punix:, ptcp:, pssl:, "
				  "unix:, tcp:, ssl: and db: are served)",
				  target);
		return -EAFNOSUPPORT;
	}
	if (r)
		return r;
	rm = remote_new(srv);
	rm->fd = fd;
	rm->tcp = tcp;
	rm->ssl = ssl;
	if (!tcp)
		rm->unlink_path = xstrdup(target + 6);
	if ((r = ev_io_add(srv->loop, fd, EPOLLIN, on_accept, rm, &rm->io))) {
		rm->target = xstrdup(target);
		remote_free(rm);
		*errp = xasprintf("%s: %s", target, strerror(-r));
		return r;
	}
	log_info("%s: listening", target);
	if (ssl && !dbserver_ssl_ctx(srv, true))
		log_warn("%s: SSL is not configured yet: connections will be "
			 "refused until it is",
			 target);
add:
	rm->target = xstrdup(target);
	rm->owner = owner ? xstrdup(owner) : NULL;
	rm->next = srv->remotes;
	srv->remotes = rm;
	return 0;
}

int
dbserver_db_column(struct dbserver *srv, const char *target,
		   struct dbserver_db **dbp,
		   const struct ovsdb_table_schema **tsp,
		   const struct ovsdb_column **colp)
{
	char *copy = xstrdup(target + 3);
	char *table = strchr(copy, ','), *column = NULL;
	int r = -EINVAL;
	if (table) {
		*table++ = '\0';
		column = strchr(table, ',');
	}
	if (!column)
		goto out;
	*column++ = '\0';
	*dbp = dbserver_find_db(srv, copy);
	if (!*dbp)
		goto out;
	*tsp = ovsdb_schema_find_table((*dbp)->db->schema, table);
	if (!*tsp)
		goto out;
	*colp = ovsdb_table_find_column(*tsp, column);
	if (*colp)
		r = 0;
out:
	free(copy);
	return r;
}

static void
add_target(char ***v, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

/* The listen targets named by db remote @rm now. */
static void
read_db_targets(struct dbserver *srv, const char *spec, char ***v, size_t *n)
{
	struct dbserver_db *db;
	const struct ovsdb_table_schema *ts;
	const struct ovsdb_column *col;
	if (dbserver_db_column(srv, spec, &db, &ts, &col))
		return;
	struct ovsdb_table *t = ovsdb_db_table(db->db, ts);
	const struct ovsdb_base_type *b = &col->type.key;
	struct hnode *node;
	HMAP_FOR_EACH (node, &t->rows) {
		const struct ovsdb_row *r =
			HMAP_CONTAINER(node, struct ovsdb_row, node);
		const struct ovsdb_datum *d = &r->fields[col->index];
		for (unsigned i = 0; i < d->n; i++) {
			if (b->type == OVSDB_T_STRING) {
				add_target(v, n, d->keys[i].s);
				continue;
			}
			if (!ovsdb_base_is_ref(b))
				continue;
			const struct ovsdb_column *tc =
				ovsdb_table_find_column(b->ref_table, "target");
			const struct ovsdb_row *ref = ovsdb_table_find_row(
				ovsdb_db_table(db->db, b->ref_table),
				&d->keys[i].u);
			if (!tc || !ref || tc->type.key.type != OVSDB_T_STRING)
				continue;
			const struct ovsdb_datum *td = &ref->fields[tc->index];
			for (unsigned k = 0; k < td->n; k++)
				add_target(v, n, td->keys[k].s);
		}
	}
}

static void
sync_db_remote(struct dbserver *srv, const char *spec)
{
	char **v = NULL;
	size_t n = 0;
	read_db_targets(srv, spec, &v, &n);
	/* Drop listeners no longer named. */
	struct dbserver_remote **pp = &srv->remotes;
	while (*pp) {
		struct dbserver_remote *rm = *pp;
		bool keep = true;
		if (rm->owner && !strcmp(rm->owner, spec)) {
			keep = false;
			for (size_t i = 0; i < n && !keep; i++)
				keep = !strcmp(v[i], rm->target);
		}
		if (keep) {
			pp = &rm->next;
		} else {
			*pp = rm->next;
			remote_free(rm);
		}
	}
	for (size_t i = 0; i < n; i++) {
		bool have = false;
		for (struct dbserver_remote *rm = srv->remotes; rm && !have;
		     rm = rm->next)
			have = rm->owner && !strcmp(rm->owner, spec) &&
			       !strcmp(rm->target, v[i]);
		if (!have && (is_passive(v[i]) || is_active(v[i]))) {
			char *err = NULL;
			if (add_socket_remote(srv, v[i], spec, &err))
				log_warn("%s", err);
			free(err);
		}
		free(v[i]);
	}
	free(v);
}

int
dbserver_remote_add(struct dbserver *srv, const char *target, bool from_db,
		    char **errp)
{
	*errp = NULL;
	for (struct dbserver_remote *rm = srv->remotes; rm; rm = rm->next)
		if (!rm->owner && !strcmp(rm->target, target))
			return 0;
	if (strncmp(target, "db:", 3))
		return add_socket_remote(srv, target, NULL, errp);
	struct dbserver_db *db;
	const struct ovsdb_table_schema *ts;
	const struct ovsdb_column *col;
	if (dbserver_db_column(srv, target, &db, &ts, &col)) {
		*errp = xasprintf("%s: invalid syntax or unknown database, "
				  "table or column",
				  target);
		return -EINVAL;
	}
	struct dbserver_remote *rm = remote_new(srv);
	rm->target = xstrdup(target);
	rm->is_db = true;
	rm->next = srv->remotes;
	srv->remotes = rm;
	sync_db_remote(srv, target);
	(void)from_db;
	return 0;
}

int
dbserver_remote_remove(struct dbserver *srv, const char *target)
{
	struct dbserver_remote **pp;
	for (pp = &srv->remotes; *pp; pp = &(*pp)->next)
		if (!(*pp)->owner && !strcmp((*pp)->target, target))
			break;
	if (!*pp)
		return -ENOENT;
	struct dbserver_remote *rm = *pp;
	*pp = rm->next;
	if (rm->is_db) {
		pp = &srv->remotes;
		while (*pp) {
			if ((*pp)->owner && !strcmp((*pp)->owner, target)) {
				struct dbserver_remote *x = *pp;
				*pp = x->next;
				remote_free(x);
			} else {
				pp = &(*pp)->next;
			}
		}
	}
	remote_free(rm);
	return 0;
}

void
dbserver_remotes_close_all(struct dbserver *srv)
{
	while (srv->remotes) {
		struct dbserver_remote *rm = srv->remotes;
		srv->remotes = rm->next;
		remote_free(rm);
	}
}

void
dbserver_remotes_db_changed(struct dbserver *srv, struct dbserver_db *db)
{
	size_t n = strlen(db->name);
	for (struct dbserver_remote *rm = srv->remotes; rm; rm = rm->next)
		if (rm->is_db && !strncmp(rm->target + 3, db->name, n) &&
		    rm->target[3 + n] == ',')
			sync_db_remote(srv, rm->target);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
dbserver_remotes_list(struct dbserver *srv, struct ds *out)
{
	size_t n = 0;
	for (struct dbserver_remote *rm = srv->remotes; rm; rm = rm->next)
		n++;
	const char **v = xcalloc(n + 1, sizeof *v);
	n = 0;
	for (struct dbserver_remote *rm = srv->remotes; rm; rm = rm->next)
		if (!rm->owner)
			v[n++] = rm->target;
	qsort(v, n, sizeof *v, cmp_str);
	for (size_t i = 0; i < n; i++)
		ds_printf(out, "%s\n", v[i]);
	free(v);
}
