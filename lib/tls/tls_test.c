/* SPDX-License-Identifier: Apache-2.0 */
/* tls_test: handshakes and records over a socketpair, both ends driven by
 * poll() in one thread as an event loop would: authenticated peers, a
 * peer from another CA, protocols and ciphers that do not meet, plaintext
 * on a TLS socket, bootstrapping the CA certificate.  The PKI is made with
 * the openssl command. */
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "util.h"

static char dir[] = "/tmp/tls_test.XXXXXX";

static char *
at(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* Runs @cmd (freed) in the test directory; its exit status. */
static int
sh(char *cmd)
{
	char *full = xasprintf("cd %s && (%s) >/dev/null 2>&1", dir, cmd);
	int r = system(full);

	free(cmd);
	free(full);
	return r;
}

/* CA @ca (self-signed, made once) and, signed by it, key and certificate
 * @name. */
static void
make_pki(const char *ca, const char *name)
{
	char *cacert = xasprintf("%s/%s-cert.pem", dir, ca);

	if (access(cacert, F_OK))
		CHECK_EQ(sh(xasprintf("openssl req -x509 -newkey rsa:2048 "
				      "-nodes -keyout %s-key.pem -out "
				      "%s-cert.pem -days 1 -subj /CN=%s",
				      ca, ca, ca)),
			 0);
	CHECK_EQ(sh(xasprintf("openssl req -newkey rsa:2048 -nodes -keyout "
			      "%s-key.pem -out %s-req.pem -subj /CN=%s && "
			      "openssl x509 -req -in %s-req.pem -CA "
			      "%s-cert.pem -CAkey %s-key.pem -CAcreateserial "
			      "-days 1 -out %s-cert.pem",
			      name, name, name, name, ca, ca, name)),
		 0);
	free(cacert);
}

static struct tls_ctx *
ctx(const char *name, const char *ca, const char *protocols,
    const char *ciphers)
{
	char *key = xasprintf("%s/%s-key.pem", dir, name);
	char *cert = xasprintf("%s/%s-cert.pem", dir, name);
	char *cacert = xasprintf("%s/%s-cert.pem", dir, ca);
	struct tls_opts o = { .private_key = key,
			      .certificate = cert,
			      .ca_cert = cacert,
			      .protocols = protocols,
			      .ciphers = ciphers };
	struct tls_ctx *c = NULL;
	char *err = NULL;

	CHECK_EQ(tls_ctx_new(&o, &c, &err), 0);
	if (err)
		fprintf(stderr, "tls_ctx_new: %s\n", err);
	free(err);
	free(key);
	free(cert);
	free(cacert);
	return c;
}

struct pair {
	int fd[2];
	struct tls_stream *s[2]; /* client, server */
	int result[2];		 /* 1 done, else what the stream said */
};

static void
pair_open(struct pair *p, struct tls_ctx *client, struct tls_ctx *server)
{
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, p->fd), 0);
	for (int i = 0; i < 2; i++) {
		fcntl(p->fd[i], F_SETFL, O_NONBLOCK);
		p->s[i] = NULL;
		p->result[i] = -EAGAIN;
	}
	if (client)
		CHECK_EQ(tls_stream_new(client, p->fd[0], TLS_CLIENT, &p->s[0]),
			 0);
	if (server)
		CHECK_EQ(tls_stream_new(server, p->fd[1], TLS_SERVER, &p->s[1]),
			 0);
}

static void
pair_close(struct pair *p)
{
	for (int i = 0; i < 2; i++) {
		tls_stream_free(p->s[i]);
		close(p->fd[i]);
	}
}

/* Drives both ends until each has sent @msg and read the other's, or
 * failed.  result[i]: 1 when done, else the error. */
static void
exchange(struct pair *p, const char *msg)
{
	size_t len = strlen(msg), sent[2] = { 0, 0 }, got[2] = { 0, 0 };
	char buf[2][256];

	for (int rounds = 0; rounds < 1000; rounds++) {
		struct pollfd pf[2] = { { .fd = -1 }, { .fd = -1 } };
		int active = 0;
		for (int i = 0; i < 2; i++) {
			struct tls_stream *s = p->s[i];
			ssize_t n;
			pf[i].fd = -1;
			if (!s || p->result[i] != -EAGAIN)
				continue;
			if (sent[i] < len) {
				n = tls_stream_send(s, msg + sent[i],
						    len - sent[i]);
				if (n > 0)
					sent[i] += (size_t)n;
				else if (n != -EAGAIN) {
					p->result[i] = (int)n;
					continue;
				}
			}
			n = tls_stream_recv(s, buf[i] + got[i],
					    sizeof buf[i] - got[i]);
			if (n > 0)
				got[i] += (size_t)n;
			else if (n != -EAGAIN) {
				p->result[i] = n ? (int)n : -ECONNRESET;
				continue;
			}
			if (sent[i] == len && got[i] == len) {
				p->result[i] = !memcmp(buf[i], msg, len)
						       ? 1
						       : -EBADMSG;
				continue;
			}
			pf[i].fd = p->fd[i];
			pf[i].events = (short)tls_stream_wants(s);
			active++;
		}
		if (!active)
			return;
		/* A side that failed hangs up, as its owner would. */
		for (int i = 0; i < 2; i++)
			if (p->result[i] != -EAGAIN && p->result[i] != 1)
				shutdown(p->fd[i], SHUT_RDWR);
		poll(pf, 2, 1000);
	}
}

static void
test_authenticated(void)
{
	struct tls_ctx *c = ctx("client", "ca", NULL, NULL);
	struct tls_ctx *s = ctx("server", "ca", NULL, NULL);
	struct pair p;

	pair_open(&p, c, s);
	exchange(&p, "{\"id\":1,\"method\":\"list_dbs\",\"params\":[]}");
	CHECK_EQ(p.result[0], 1);
	CHECK_EQ(p.result[1], 1);
	CHECK_STREQ(tls_stream_protocol(p.s[0]), "TLSv1.3");
	pair_close(&p);
	tls_ctx_unref(c);
	tls_ctx_unref(s);
}

/* A client whose certificate another CA signed is refused by the server,
 * and a server from another CA by the client. */
static void
test_other_ca(void)
{
	struct tls_ctx *c = ctx("rogue", "ca", NULL, NULL);
	struct tls_ctx *s = ctx("server", "ca", NULL, NULL);
	struct tls_ctx *c2 = ctx("client", "ca", NULL, NULL);
	struct tls_ctx *s2 = ctx("rogueserver", "ca", NULL, NULL);
	struct pair p;

	pair_open(&p, c, s);
	exchange(&p, "hello");
	CHECK_EQ(p.result[1], -EPROTO);
	CHECK(strstr(tls_stream_error(p.s[1]), "SSL_accept") &&
	      strstr(tls_stream_error(p.s[1]), "certificate verify failed"));
	CHECK(p.result[0] != 1);
	pair_close(&p);

	pair_open(&p, c2, s2);
	exchange(&p, "hello");
	CHECK_EQ(p.result[0], -EPROTO);
	CHECK(strstr(tls_stream_error(p.s[0]), "SSL_connect") &&
	      strstr(tls_stream_error(p.s[0]), "certificate verify failed"));
	CHECK(p.result[1] != 1);
	pair_close(&p);
	tls_ctx_unref(c);
	tls_ctx_unref(s);
	tls_ctx_unref(c2);
	tls_ctx_unref(s2);
}

/* --ssl-protocols and --ssl-ciphers are honoured: a TLSv1.2-only server
 * negotiates TLSv1.2, disjoint cipher lists meet nowhere, and an unknown
 * protocol name leaves the default (logged). */
static void
test_protocols_ciphers(void)
{
	struct tls_ctx *c = ctx("client", "ca", NULL, NULL);
	struct tls_ctx *s12 = ctx("server", "ca", "TLSv1.2", NULL);
	struct tls_ctx *c128 =
		ctx("client", "ca", "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256");
	struct tls_ctx *s256 =
		ctx("server", "ca", "TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384");
	struct tls_ctx *sbad = ctx("server", "ca", "TLSv1.2,TLSv9", NULL);
	struct pair p;

	pair_open(&p, c, s12);
	exchange(&p, "x");
	CHECK_EQ(p.result[0], 1);
	CHECK_STREQ(tls_stream_protocol(p.s[0]), "TLSv1.2");
	pair_close(&p);

	pair_open(&p, c128, s256);
	exchange(&p, "x");
	CHECK_EQ(p.result[1], -EPROTO);
	CHECK(strstr(tls_stream_error(p.s[1]), "no shared cipher") != NULL);
	CHECK(p.result[0] != 1);
	pair_close(&p);

	pair_open(&p, c, sbad);
	exchange(&p, "x");
	CHECK_EQ(p.result[0], 1);
	CHECK_STREQ(tls_stream_protocol(p.s[0]), "TLSv1.3");
	pair_close(&p);
	tls_ctx_unref(c);
	tls_ctx_unref(s12);
	tls_ctx_unref(c128);
	tls_ctx_unref(s256);
	tls_ctx_unref(sbad);
}

/* JSON-RPC in the clear on a TLS socket fails the handshake at once. */
static void
test_plaintext(void)
{
	struct tls_ctx *s = ctx("server", "ca", NULL, NULL);
	const char *req = "{\"id\":1,\"method\":\"list_dbs\",\"params\":[]}";
	struct pair p;
	char buf[64];

	pair_open(&p, NULL, s);
	CHECK_EQ(write(p.fd[0], req, strlen(req)), (ssize_t)strlen(req));
	CHECK_EQ(tls_stream_recv(p.s[1], buf, sizeof buf), -EPROTO);
	CHECK(strstr(tls_stream_error(p.s[1]), "SSL_accept") != NULL);
	/* And stays failed. */
	CHECK_EQ(tls_stream_recv(p.s[1], buf, sizeof buf), -EPROTO);
	pair_close(&p);
	tls_ctx_unref(s);
}

/* Missing settings are refused with Open vSwitch's words. */
static void
test_config_errors(void)
{
	char *key = at("client-key.pem"), *cert = at("client-cert.pem");
	struct tls_opts o = { .private_key = key, .certificate = cert };
	struct tls_ctx *c = NULL;
	char *err = NULL;

	CHECK_EQ(tls_ctx_new(&o, &c, &err), -EINVAL);
	CHECK_STREQ(err, "CA certificate must be configured to use SSL");
	free(err);
	o.ca_cert = "none";
	o.private_key = NULL;
	CHECK_EQ(tls_ctx_new(&o, &c, &err), -EINVAL);
	CHECK_STREQ(err, "Private key must be configured to use SSL");
	free(err);
	o.private_key = "/nonexistent/key.pem";
	CHECK_EQ(tls_ctx_new(&o, &c, &err), -ENOENT);
	CHECK_STREQ(err, "/nonexistent/key.pem: stat: No such file or "
			 "directory");
	free(err);
	/* -C none: no verification at all. */
	o.private_key = key;
	CHECK_EQ(tls_ctx_new(&o, &c, &err), 0);
	struct tls_ctx *s = ctx("rogueserver", "ca", NULL, NULL);
	struct pair p;
	o.certificate = cert;
	pair_open(&p, c, s);
	exchange(&p, "x");
	/* The client trusts anyone; the server still checks the client. */
	CHECK_EQ(p.result[0], 1);
	pair_close(&p);
	tls_ctx_unref(c);
	tls_ctx_unref(s);
	free(key);
	free(cert);
}

/* --bootstrap-ca-cert: the first connection saves the CA the server sends
 * (--peer-ca-cert, or its issuer from its trust store) and fails; the
 * next one verifies with it.  A server that sends no CA bootstraps
 * nothing. */
static void
test_bootstrap(void)
{
	char *key = at("client-key.pem"), *cert = at("client-cert.pem");
	char *boot = at("boot-ca.pem"), *ca = at("ca-cert.pem");
	char *skey = at("server-key.pem"), *scert = at("server-cert.pem");
	struct tls_opts co = { .private_key = key,
			       .certificate = cert,
			       .ca_cert = boot,
			       .bootstrap = true };
	struct tls_opts so = { .private_key = skey,
			       .certificate = scert,
			       .ca_cert = ca,
			       .peer_ca_cert = ca };
	/* OpenSSL completes the chain it sends from its trust store: a
	 * server that trusts another CA than its own issuer sends only its
	 * own certificate. */
	struct tls_ctx *c, *s, *bare = ctx("server", "otherca", NULL, NULL);
	char *err = NULL;
	struct pair p;

	CHECK_EQ(tls_ctx_new(&co, &c, &err), 0);
	CHECK_EQ(tls_ctx_new(&so, &s, &err), 0);
	CHECK(tls_ctx_bootstrapping(c));

	pair_open(&p, c, bare);
	exchange(&p, "x");
	CHECK_EQ(p.result[0], -EPROTO);
	CHECK(strstr(tls_stream_error(p.s[0]), "no self-signed CA") != NULL);
	CHECK(access(boot, F_OK) < 0);
	CHECK(tls_ctx_bootstrapping(c));
	pair_close(&p);

	pair_open(&p, c, s);
	exchange(&p, "x");
	CHECK_EQ(p.result[0], -EPROTO);
	CHECK(strstr(tls_stream_error(p.s[0]), "bootstrapped") != NULL);
	CHECK(!tls_ctx_bootstrapping(c));
	CHECK_EQ(sh(xasprintf("cmp -s %s %s", ca, boot)), 0);
	pair_close(&p);

	pair_open(&p, c, s);
	exchange(&p, "x");
	CHECK_EQ(p.result[0], 1);
	CHECK_EQ(p.result[1], 1);
	pair_close(&p);

	/* A context made now just uses the saved file. */
	tls_ctx_unref(c);
	CHECK_EQ(tls_ctx_new(&co, &c, &err), 0);
	CHECK(!tls_ctx_bootstrapping(c));
	tls_ctx_unref(c);
	tls_ctx_unref(s);
	tls_ctx_unref(bare);
	free(key);
	free(cert);
	free(boot);
	free(ca);
	free(skey);
	free(scert);
}

int
main(void)
{
	if (system("openssl version >/dev/null 2>&1")) {
		printf("skip: no openssl command\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN); /* see tls.h */
	check_tmpdir(dir);
	make_pki("ca", "client");
	make_pki("ca", "server");
	make_pki("otherca", "rogue");
	make_pki("otherca", "rogueserver");
	CHECK_RUN(test_authenticated);
	CHECK_RUN(test_other_ca);
	CHECK_RUN(test_protocols_ciphers);
	CHECK_RUN(test_plaintext);
	CHECK_RUN(test_config_errors);
	CHECK_RUN(test_bootstrap);
	check_tmpdir_remove(dir);
	CHECK_EXIT();
}
