/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver: the OVSDB server process.  Serves the databases given on the
 * command line (SQLite files written by lib/ovsdb) plus the read-only
 * _Server database, over JSON-RPC (RFC 7047 and Open vSwitch's
 * extensions) on stream remotes (punix:, ptcp:, db:) and, through the
 * session API below, over the microvs bus.
 *
 * The first section is the interface main.c and the bus glue use; the
 * rest is private to procs/dbserver.
 */
#ifndef MICROVS_DBSERVER_H
#define MICROVS_DBSERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev.h"
#include "list.h"
#include "util.h"

struct dbserver;
struct dbserver_session;

/* PKI settings of pssl:/ssl: remotes: file names (strings), or
 * db:DB,TABLE,COLUMN to take them from the database (dbserver_ssl.c). */
struct dbserver_ssl_opts {
	const char *private_key, *certificate, *ca_cert, *peer_ca_cert;
	bool bootstrap; /* ca_cert may be missing: learn it from a peer */
	const char *protocols, *ciphers;
};

struct dbserver_opts {
	const char *const *db_files;
	size_t n_db_files;
	/* punix:PATH, ptcp:PORT[:IP], pssl:PORT[:IP], unix:PATH,
	 * tcp:IP:PORT, ssl:IP:PORT, db:D,T,C */
	const char *const *remotes;
	size_t n_remotes;
	struct dbserver_ssl_opts ssl;
	size_t max_msg_bytes;	  /* per-connection input bound (0: 64 MiB) */
	size_t max_backlog_bytes; /* per-connection output bound (0: 64 MiB) */
	size_t max_total_backlog_bytes; /* all connections (0: 256 MiB) */
	uint64_t probe_ms;		/* TCP inactivity probe (0: 5000) */
};

/* Opens every database file and starts listening on every remote.
 * 0 or -errno (the failure is logged). */
int dbserver_start(struct ev_loop *loop, const struct dbserver_opts *opts,
		   struct dbserver **srvp);
/* Closes every session, listener and database. */
void dbserver_stop(struct dbserver *srv);

/* A JSON-RPC session whose replies and notifications go to @send (one
 * complete JSON text per call, not NUL-terminated on the wire).  The
 * session lives until dbserver_session_free. */
struct dbserver_session *
dbserver_session_new(struct dbserver *srv,
		     void (*send)(void *aux, const char *json_text), void *aux);
/* Handles one complete JSON-RPC message.  Returns 0, or -EPROTO if the
 * text is not valid JSON-RPC; a stream transport then closes the
 * connection as Open vSwitch does. */
int dbserver_session_input(struct dbserver_session *s, const char *json_text);
/* The same for a parsed message (not modified, not kept). */
int dbserver_session_input_json(struct dbserver_session *s, const json_t *msg);
/* Transaction ids.  A new session behaves as a standalone ovsdb-server
 * 3.1 does on a stream: monitor_cond_since always answers found=false
 * with the all-zero id and update3 carries the all-zero id, so clients
 * never resume.  A transport for our own processes (the bus) turns real
 * ids on: then replies carry the id of the last commit and resuming
 * from one of the last DBSERVER_HIST_MAX commits sends only what changed
 * since.  The history is only kept while such a session exists. */
void dbserver_session_set_real_txn_ids(struct dbserver_session *s, bool on);
void dbserver_session_free(struct dbserver_session *s);

/* appctl commands: output text goes to @out.  0 or -errno (then @out
 * holds the error message). */
int dbserver_cmd_list_dbs(struct dbserver *srv, struct ds *out);
int dbserver_cmd_add_remote(struct dbserver *srv, const char *target,
			    struct ds *out);
int dbserver_cmd_remove_remote(struct dbserver *srv, const char *target,
			       struct ds *out);
int dbserver_cmd_list_remotes(struct dbserver *srv, struct ds *out);
int dbserver_cmd_compact(struct dbserver *srv, const char *db_name,
			 struct ds *out);
int dbserver_cmd_memory(struct dbserver *srv, struct ds *out);

/* dbserver_bus.c: the bus handlers (main.c's table) and the
 * ovsdb-server/... appctl commands. */
struct bus;
struct bus_req;
struct dbserver_bus;
/* OVSDB over the bus for @srv: the aux of dbserver_on_ovsdb_call. */
struct dbserver_bus *dbserver_bus_new(struct dbserver *srv);
/* BUS_MSG_OVSDB_CALL (@aux: the struct dbserver_bus): runs the JSON-RPC
 * request in a transient session, or in the persistent session it names
 * (catalogue.txt: create, name, close), and answers with its reply, now
 * or when a waiting transaction completes. */
void dbserver_on_ovsdb_call(struct bus_req *req, const void *msg, void *aux);
/* Follows the liveness of clients of @bus (a session lives as long as its
 * client's connection); call once the bus serves. */
void dbserver_bus_attach(struct dbserver_bus *b, struct bus *bus);
/* Frees every bus session; after bus_close() (which freed the requests)
 * and before dbserver_stop(). */
void dbserver_bus_free(struct dbserver_bus *b);
void dbserver_register_appctl(struct dbserver *srv);

/* ---- private to procs/dbserver ---- */
#ifdef DBSERVER_PRIVATE

#include "ovsdb_db.h"
#include "ovsdb_query.h"

struct dbserver_conn;
struct dbserver_monitor;
struct dbserver_remote;
struct dbserver_trigger;

/* A bounded history of committed transactions (monitor_cond_since). */
struct dbserver_hist_row {
	const struct ovsdb_table_schema *ts;
	struct ovsdb_row *old, *new_; /* clones, may be NULL */
};
struct dbserver_hist {
	struct ovsdb_uuid txn_id;
	struct dbserver_hist_row *rows;
	size_t n;
};
#define DBSERVER_HIST_MAX 64

struct dbserver_db {
	struct dbserver *srv;
	char *name;
	struct ovsdb_db *db;
	bool read_only; /* _Server */
	struct ovsdb_uuid last_txn;
	struct dbserver_hist hist[DBSERVER_HIST_MAX];
	size_t hist_start, hist_n;
	struct dbserver_monitor *monitors; /* list via next_in_db */
	char *schema_text; /* get_schema's answer as JSON text, made once */
};

struct dbserver_session {
	struct dbserver *srv;
	void (*send)(void *aux, const char *json_text);
	void *aux;
	struct list_node node;		   /* srv->sessions */
	struct dbserver_monitor *monitors; /* list via next_in_session */
	bool change_aware;
	bool real_txn_ids; /* see dbserver_session_set_real_txn_ids */
	bool blocked;	   /* see dbserver_session_set_blocked */
	bool dead;	   /* freed while handling input: deferred */
	unsigned busy;
	/* Messages held while a group commit is pending (see
	 * dbserver_output_held); srv->held lists sessions holding any. */
	struct ds held;		    /* NUL-terminated JSON texts back to back */
	struct list_node held_node; /* srv->held; empty when holding none */
};

struct dbserver {
	struct ev_loop *loop;
	struct dbserver_opts opts;
	struct dbserver_db **dbs;
	size_t n_dbs;
	struct dbserver_db *server_db; /* _Server, also in dbs[] */
	struct ovsdb_uuid server_id;   /* get_server_id: random per start */
	struct list_node sessions;     /* struct dbserver_session */
	struct dbserver_remote *remotes;
	struct dbserver_conn *conns;
	size_t conn_backlog; /* unsent bytes of every connection */
	struct dbserver_trigger *triggers;
	struct dbserver_lock *locks;
	uint64_t n_txns;
	unsigned n_real_txn_id_sessions; /* history kept while nonzero */
	/* Group commit (dbserver.c): storage writes of one loop iteration
	 * share a SQLite transaction, committed by flush_timer; until then
	 * every outgoing message is held. */
	struct ev_timer *flush_timer;
	bool flush_scheduled;
	bool hold_output;
	struct list_node held; /* sessions holding output, via held_node */
	uint64_t n_flushes;
	/* Requests handled while output is held, freed once their answers
	 * went out (dbserver_defer_free): freeing a 1,000-port request's
	 * tree took 5 % of its answer's time. */
	json_t **deferred;
	size_t n_deferred, cap_deferred;
	struct ds out; /* jsonrpc_send's buffer, reused */
	/* Work run after commits, outside them (waiting triggers, db:
	 * remotes). */
	struct ev_timer *after_commit_timer;
	bool after_commit_scheduled;
	struct dbserver_db **changed_dbs;
	size_t n_changed_dbs;
	struct dbserver_admit *admit; /* dbserver_admit.c */
	struct dbserver_ssl *ssl;     /* dbserver_ssl.c */
};

/* dbserver.c */
/* True while a group commit is pending: messages built now may depend on
 * changes that are not durable yet, so sessions queue them and send them
 * once the commit succeeded (dbserver_session_release_held). */
static inline bool
dbserver_output_held(const struct dbserver *srv)
{
	return srv->hold_output;
}
/* Commits every pending storage batch now and releases held output.  A
 * failed commit is fatal: the process exits without sending anything that
 * depended on it, and restarts from what the file holds. */
void dbserver_flush(struct dbserver *srv);
void dbserver_defer_free(struct dbserver *srv, json_t *msg);
struct dbserver_db *dbserver_find_db(struct dbserver *srv, const char *name);
/* Registers an in-memory, client-read-only database (_Server). */
struct dbserver_db *dbserver_add_memory_db(struct dbserver *srv,
					   struct ovsdb_db *odb);

/* dbserver_jsonrpc.c: framing of back-to-back JSON texts. */
/* The framer checks the structure of the JSON as it scans (brackets,
 * commas, colons, keys), so that input that can never become valid is
 * refused at once, as Open vSwitch's incremental parser does, instead of
 * waiting for the value to end.  Scalars are checked by jansson later. */
#define JSONRPC_MAX_DEPTH 2048 /* jansson's own nesting limit */
struct jsonrpc_framer {
	char *buf;
	size_t len, cap;
	size_t scan;  /* bytes scanned so far */
	size_t start; /* start of the current value */
	int depth;
	bool in_str, esc, started;
	bool str_is_key, in_scalar;
	unsigned char expect; /* what may come next (dbserver_jsonrpc.c) */
	unsigned char is_obj[JSONRPC_MAX_DEPTH / 8]; /* bit per level */
	size_t max;
};
void jsonrpc_framer_init(struct jsonrpc_framer *f, size_t max);
void jsonrpc_framer_destroy(struct jsonrpc_framer *f);
/* Room for at least @n more bytes at buf + len. */
char *jsonrpc_framer_space(struct jsonrpc_framer *f, size_t n);
/* Next complete value: 1 with *@text/@len set (valid until the next
 * call), 0 if more input is needed, -EPROTO on garbage, -EMSGSIZE if a
 * value exceeds the bound. */
int jsonrpc_framer_next(struct jsonrpc_framer *f, const char **text,
			size_t *len);
/* Sends one message built from @msg (reference stolen). */
void jsonrpc_send(struct dbserver_session *s, json_t *msg);
void jsonrpc_reply(struct dbserver_session *s, const json_t *id,
		   json_t *result);
/* A reply whose result is @result_text, JSON text made beforehand. */
void jsonrpc_reply_text(struct dbserver_session *s, const json_t *id,
			const char *result_text);
void jsonrpc_reply_error(struct dbserver_session *s, const json_t *id,
			 json_t *error);
void jsonrpc_notify(struct dbserver_session *s, const char *method,
		    json_t *params);

/* dbserver_session.c */
void dbserver_session_free_all(struct dbserver *srv);
/* The transport of @s says whether its peer keeps up with what it is
 * sent.  While @blocked, the monitors of @s compose no updates: they keep,
 * per changed row, the row from before its first change and after its
 * last, so memory follows the number of rows changed, not the number of
 * changes (as Open vSwitch does).  Unblocking sends one merged update per
 * monitor that has changes, monitor by monitor while the transport stays
 * unblocked (sending may block it again).  Never frees @s. */
void dbserver_session_set_blocked(struct dbserver_session *s, bool blocked);
/* Queues a copy of @text (@len bytes) on @s until the pending commit. */
void dbserver_session_hold(struct dbserver_session *s, const char *text,
			   size_t len);
/* Sends every held message, session by session, in order. */
void dbserver_session_release_held(struct dbserver *srv);
int dbserver_session_input_buf(struct dbserver_session *s, const char *text,
			       size_t len);

/* dbserver_trigger.c: transactions waiting on "wait". */
void dbserver_transact(struct dbserver_session *s, const json_t *id,
		       const json_t *params);
void dbserver_triggers_run(struct dbserver *srv, struct dbserver_db *db);
void dbserver_cancel(struct dbserver_session *s, const json_t *id);
void dbserver_triggers_session_gone(struct dbserver_session *s);

/* dbserver_monitor.c */
/* Answers a monitor, monitor_cond or monitor_cond_since request (errors
 * included) and returns 0; -EPROTO (the connection is dropped) for a
 * monitor with fewer than 3 params. */
int dbserver_monitor_request(struct dbserver_session *s, const char *method,
			     const json_t *id, const json_t *params);
void dbserver_monitor_cancel(struct dbserver_session *s, const json_t *id,
			     const json_t *params);
void dbserver_monitor_cond_change(struct dbserver_session *s, const json_t *id,
				  const json_t *params);
void dbserver_monitors_commit(struct dbserver_db *db,
			      const struct ovsdb_txn *txn);
void dbserver_monitors_session_gone(struct dbserver_session *s);
/* Sends the changes the monitors of @s kept while it was blocked, one
 * merged update per monitor, while @s stays unblocked. */
void dbserver_monitors_flush(struct dbserver_session *s);
void dbserver_hist_record(struct dbserver_db *db, const struct ovsdb_txn *txn);
void dbserver_hist_clear(struct dbserver_db *db);
size_t dbserver_monitor_count(struct dbserver *srv);

/* dbserver_lock.c */
struct dbserver_lock;
void dbserver_lock_request(struct dbserver_session *s, const char *method,
			   const json_t *id, const json_t *params);
bool dbserver_lock_held(void *session, const char *name);
void dbserver_locks_session_gone(struct dbserver_session *s);

/* dbserver_server_db.c: the _Server database. */
int dbserver_server_db_create(struct dbserver *srv);
void dbserver_server_db_update(struct dbserver *srv);

/* dbserver_stream.c: connections on stream sockets. */
struct tls_ctx;
struct dbserver_conn_cfg {
	bool tcp;	     /* inactivity probes */
	const char *name;    /* for logs (copied), may be NULL */
	struct tls_ctx *tls; /* TLS with this context (a reference is
			      * taken), NULL: in the clear */
	int tls_role;	     /* enum tls_role */
	/* Called once when the connection closes (not after
	 * dbserver_conn_detach). */
	void (*on_close)(void *aux);
	void *close_aux;
};
/* Serves a JSON-RPC session on the connected, non-blocking socket @fd
 * (owned from now on, closed on failure).  NULL if it cannot be watched. */
struct dbserver_conn *dbserver_conn_new(struct dbserver *srv, int fd,
					const struct dbserver_conn_cfg *cfg);
/* Forgets @c's on_close (its owner goes first). */
void dbserver_conn_detach(struct dbserver_conn *c);
/* Closes @c from the loop's next turn (safe inside its callbacks). */
void dbserver_conn_kill(struct dbserver_conn *c);
void dbserver_conn_close_all(struct dbserver *srv);
size_t dbserver_conn_count(struct dbserver *srv);

/* dbserver_admit.c: who a listener admits, and refusing connections
 * without spinning when descriptors run out. */
struct dbserver_admit;
/* Loads the uid -> role table (reads the user database: before the
 * privilege drop) and reserves the spare descriptor.  0 or -errno. */
int dbserver_admit_init(struct dbserver *srv);
void dbserver_admit_free(struct dbserver *srv);
/* Accepts up to a batch of the connections waiting on listener @fd
 * (@target names it in logs), hands the admitted ones to
 * dbserver_conn_new (over TLS if @ssl) and closes the others.  Never blocks. 0,
 * or -EMFILE: out of descriptors and no spare to refuse with; the caller stops
 * polling @fd for a while. */
int dbserver_admit_accept(struct dbserver *srv, int fd, bool tcp, bool ssl,
			  const char *target);

/* dbserver_connect.c: active remotes (unix:PATH, tcp:IP:PORT,
 * ssl:IP:PORT): the server connects, serves the peer as it serves its
 * clients, and connects again with a backoff (1 s doubling to 8 s) while
 * the connection fails or after it closes. */
struct dbserver_active;
/* Checks @target and starts connecting.  0, or -EINVAL with *@errp. */
int dbserver_active_new(struct dbserver *srv, const char *target,
			struct dbserver_active **ap, char **errp);
/* Stops connecting and closes the connection.  NULL is fine. */
void dbserver_active_free(struct dbserver_active *a);

/* dbserver_ssl.c */
/* The TLS context for a new pssl:/ssl: connection, built again if a
 * setting (or a file's modification time) changed since; NULL when the
 * settings are incomplete or unusable (logged when they change, unless
 * @quiet: start-up, when nothing may be configured yet).  Borrowed:
 * dbserver_conn_new takes its own reference. */
struct tls_ctx *dbserver_ssl_ctx(struct dbserver *srv, bool quiet);
void dbserver_ssl_free(struct dbserver *srv);

/* dbserver_remote.c */
/* Parses "db:DB,TABLE,COLUMN" against the open databases.  0, or -EINVAL
 * for bad syntax or an unknown database, table or column. */
int dbserver_db_column(struct dbserver *srv, const char *spec,
		       struct dbserver_db **dbp,
		       const struct ovsdb_table_schema **tsp,
		       const struct ovsdb_column **colp);
int dbserver_remote_add(struct dbserver *srv, const char *target, bool from_db,
			char **errp);
int dbserver_remote_remove(struct dbserver *srv, const char *target);
void dbserver_remotes_close_all(struct dbserver *srv);
void dbserver_remotes_db_changed(struct dbserver *srv, struct dbserver_db *db);
void dbserver_remotes_list(struct dbserver *srv, struct ds *out);

#endif /* DBSERVER_PRIVATE */
#endif
