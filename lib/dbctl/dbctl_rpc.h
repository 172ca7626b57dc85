/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_rpc: the database connection of ovs-vsctl and vtep-ctl.  A remote
 * `unix:PATH`, `tcp:HOST:PORT` or `ssl:HOST:PORT` speaks OVSDB JSON-RPC
 * (RFC 7047) on a stream socket, so the tools work against any
 * ovsdb-server; with no
 * remote the requests travel to our dbserver over the bus
 * (BUS_MSG_OVSDB_CALL), which is the fast default.
 */
#ifndef MICROVS_DBCTL_RPC_H
#define MICROVS_DBCTL_RPC_H

#include <jansson.h>

struct dbctl_conn;
struct tls_opts;

/* Connects to @remote ("unix:PATH", "tcp:HOST:PORT", "ssl:HOST:PORT" with
 * the PKI settings @tls, which may be NULL otherwise), or, if @remote is
 * NULL, prepares bus calls to dbserver in @rundir.  Blocks.  0, or
 * -EAFNOSUPPORT for an unknown method, or -errno of the connect (an SSL
 * failure is described on stderr first; a handshake that bootstrapped
 * the CA certificate is made again once). */
int dbctl_conn_open(const char *remote, const char *rundir,
		    const struct tls_opts *tls, struct dbctl_conn **cp);

/* Sends request @method with @params (reference stolen) and waits for the
 * matching response.  On success *@result is the "result" (new reference)
 * or NULL and *@error the non-null "error" member (new reference).
 * Returns 0 or -errno (connection lost, -EPROTO on a malformed reply). */
int dbctl_conn_call(struct dbctl_conn *c, const char *method, json_t *params,
		    json_t **result, json_t **error);

/* Like dbctl_conn_call, but leaves the whole response as text in *@textp
 * (caller frees), for callers that read large replies themselves;
 * dbctl_conn_reply_from_text() then does what dbctl_conn_call would have
 * done with it: 0, or -EPROTO if it is not JSON. */
int dbctl_conn_call_text(struct dbctl_conn *c, const char *method,
			 json_t *params, char **textp);
int dbctl_conn_reply_from_text(const char *text, json_t **result,
			       json_t **error);

/* Waits for the next notification ("update", "locked"...) on a stream
 * connection, answering echo requests meanwhile.  On 0, *@method and
 * *@params are set (new reference: caller frees *@params with
 * json_decref, *@method with free).  -ENOTSUP on a bus connection (it has
 * no persistent session), -ECONNRESET when the server closed. */
int dbctl_conn_notification(struct dbctl_conn *c, char **method,
			    json_t **params);

void dbctl_conn_close(struct dbctl_conn *c);

#endif
