/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_dp_kmod: the "system" datapath class, the kernel module
 * (kmod/microvs.ko) over generic netlink with libnl-genl-3;
 * include/uapi/microvs_dp.h is the contract.  Each member is one request
 * and its answer on one netlink socket.  Misses arrive on a socket per
 * port, each read a bounded number of messages per round of the loop, so
 * a flooded port fills only its own socket and cannot starve the others.
 * The module does not expire flows: while flows exist, a timer dumps them
 * and deletes the ones idle longer than max-idle, reporting each through
 * dp_upcall_ops.expired.  A datapath outlives upcalld (close without
 * destroy), and open finds it again with its ports, flows and meters
 * (vswitchd sets its meters again when the datapath reopens).  Meters
 * are the module's mvs_meter family, which a module older than it lacks:
 * then the meter members answer -EOPNOTSUPP, as a class without them.
 *
 * Executes and posted flow installs (the upcall path's) are not sent one
 * by one: they wait in a buffer, in order, that goes to the module in one
 * send on the loop's next turn (or before any other request, or when
 * full), so that a batch of upcalls costs one system call, not three per
 * flow (a send and a read of its ack for the install, a send for the
 * packet).  The module handles the messages of a send in order, each
 * install before its packet; it answers only failures, which are all
 * there when the send returns and are read at once.  The send is the
 * sender thread's (upcalld_kmod_tx.h), since the module does the work of
 * the batch inside it: while one batch is in hand the next fills up, and
 * any other request waits until every batch before it is done.
 */
#include "upcalld.h"
#include "upcalld_kmod_tx.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <net/if.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "coverage.h"
#include "log.h"
#include "nlattr.h"
#include "util.h"

LOG_MODULE(dp_kmod);

COVERAGE_DEFINE(kmod_flow_dump);
COVERAGE_DEFINE(kmod_expiry_pass);

#define KPORT_BATCH 64	     /* upcalls read per port per round */
#define RX_BUF (1u << 17)    /* one netlink message: a 64 KB frame and more */
#define MSG_SMALL 512	     /* a request without key, actions or packet */
#define PEND_MAX (64u << 10) /* posted requests sent together */
#define SND_BUF (1 << 18)    /* room for a send of PEND_MAX */
#define UPCALL_RCVBUF (1 << 20) /* per port, as Open vSwitch's sockets */

enum kfam { F_DP, F_VPORT, F_FLOW, F_PACKET, F_METER, F_N };

static const char *const fam_names[F_N] = {
	[F_DP] = MVS_DATAPATH_FAMILY, [F_VPORT] = MVS_VPORT_FAMILY,
	[F_FLOW] = MVS_FLOW_FAMILY,   [F_PACKET] = MVS_PACKET_FAMILY,
	[F_METER] = MVS_METER_FAMILY, /* optional */
};

struct kdp;

/* A port's upcall socket. */
struct kport {
	struct kdp *dp;
	uint32_t port_no;
	struct nl_sock *sk;
	struct ev_io *io;
};

/* A flow never hit yet, and when expiry first saw it. */
struct unused {
	struct mvs_ufid ufid;
	uint64_t since_ms;
};

/* A posted install waiting in the buffer, to name a failure. */
struct posted_put {
	uint32_t seq;
	struct mvs_ufid ufid;
};

struct kdp {
	struct dp up;
	struct nl_sock *sk; /* requests */
	uint8_t *pend;	    /* posted requests not sent yet, PEND_MAX */
	size_t pend_len;
	struct posted_put *puts; /* the installs among them */
	size_t n_puts, cap_puts;
	struct ev_timer *flush;	    /* the next turn's send, while pend_len */
	struct kmod_tx *tx;	    /* sends them, a batch at a time */
	struct posted_put *tx_puts; /* the installs of its batch */
	size_t n_tx_puts, cap_tx_puts;
	bool closing; /* posted failures are only logged */
	int fam[F_N];
	int ifindex;
	struct ev_loop *loop;
	const struct dp_upcall_ops *ops;
	void *aux;
	struct kport **ports;
	size_t n_ports;
	struct dp_config cfg;
	struct ev_timer *expiry;
	struct unused *unused; /* sorted by ufid */
	size_t n_unused;
	uint8_t *buf;
	uint8_t *ubuf; /* KPORT_BATCH slots of RX_BUF for on_upcall */
};

static struct log_rl rx_rl = LOG_RL_INIT(5, 20);

static struct kdp *
kdp_cast(struct dp *dp)
{
	return (struct kdp *)(void *)dp;
}

/* ---- requests ---- */

/* A request with room for @extra bytes of attributes beyond a small
 * message's (names, numbers, a ufid).  Sized to fit: a 128 KB buffer
 * for every request cost two 128 KB clears per upcall (libnl callocs). */
static struct nl_msg *
kdp_msg(struct kdp *dp, enum kfam f, uint8_t cmd, int flags, size_t extra)
{
	struct nl_msg *msg = nlmsg_alloc_size(MSG_SMALL + extra);
	struct mvs_header *hdr;

	if (!msg)
		abort();
	hdr = genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, dp->fam[f],
			  sizeof *hdr, flags, cmd, MVS_GENL_VERSION);
	hdr->dp_ifindex = dp->ifindex;
	return msg;
}

/* The attributes of a genetlink message from the module, by type (the
 * last of each), and all of them in order. */
struct attrs {
	const struct mvs_header *hdr;
	uint8_t cmd;
	const struct nlattr *a[32];
	const void *all;
	size_t all_len;
};

static int
parse(const struct nlmsghdr *nlh, struct attrs *at)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN + sizeof(struct mvs_header);
	const struct nlattr *a;
	size_t left;

	memset(at, 0, sizeof *at);
	if (nlh->nlmsg_len < hdr)
		return -EBADMSG;
	at->cmd = ((const struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
	at->hdr = (const void *)((const uint8_t *)nlh + NLMSG_HDRLEN +
				 GENL_HDRLEN);
	left = nlh->nlmsg_len - hdr;
	if (nl_attrs_check((const uint8_t *)nlh + hdr, left))
		return -EBADMSG;
	at->all = (const uint8_t *)nlh + hdr;
	at->all_len = left;
	NL_ATTR_FOR_EACH(a, left, (const void *)((const uint8_t *)nlh + hdr),
			 left)
	{
		if (nl_attr_type(a) < ARRAY_SIZE(at->a))
			at->a[nl_attr_type(a)] = a;
	}
	return 0;
}

/* The payload of attribute @type if it has exactly @size bytes. */
static const void *
attr(const struct attrs *at, int type, size_t size)
{
	const struct nlattr *a = at->a[type];

	return a && nl_attr_len(a) == size ? nl_attr_data(a) : NULL;
}

typedef void reply_fn(void *aux, const struct attrs *at);

/* Posted request @seq failed with @err: an install (among @puts) goes to
 * dp_upcall_ops.put_failed, an execute to the log. */
static void
fail_posted(struct kdp *dp, const struct posted_put *puts, size_t n_puts,
	    uint32_t seq, int err)
{
	for (size_t i = 0; i < n_puts; i++) {
		if (puts[i].seq == seq) {
			if (dp->ops->put_failed && !dp->closing)
				dp->ops->put_failed(dp->aux, &dp->up,
						    &puts[i].ufid, err);
			return;
		}
	}
	log_warn_rl(&rx_rl, "%s: execute %u failed: %s", dp->up.name, seq,
		    strerror(-err));
}

/* A failure the module answered on the request socket to a posted
 * request sent there (a jumbo frame's). */
static void
posted_failed(struct kdp *dp, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);

	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof *e) || !e->error)
		return;
	fail_posted(dp, dp->puts, dp->n_puts, nlh->nlmsg_seq, e->error);
}

/* @err for every install among @n_puts at @puts: none was sent. */
static void
fail_all(struct kdp *dp, const struct posted_put *puts, size_t n_puts, int err)
{
	log_warn_rl(&rx_rl, "%s: sending executes and installs: %s",
		    dp->up.name, strerror(-err));
	for (size_t i = 0; i < n_puts; i++)
		if (dp->ops->put_failed && !dp->closing)
			dp->ops->put_failed(dp->aux, &dp->up, &puts[i].ufid,
					    err);
}

/* Sends @len bytes of posted requests at @data in one go and reads the
 * failures the module answered (all queued before the send returns); the
 * installs among them are dp->puts.  A send that fails loses them: the
 * packets are dropped, the installs reported failed. */
static void
send_posted(struct kdp *dp, const void *data, size_t len)
{
	int fd = nl_socket_get_fd(dp->sk);
	ssize_t n;

	do
		n = send(fd, data, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		fail_all(dp, dp->puts, dp->n_puts, -errno);
		dp->n_puts = 0;
		return;
	}
	while ((n = recv(fd, dp->buf, RX_BUF, MSG_DONTWAIT)) > 0) {
		const struct nlmsghdr *nlh = (const void *)dp->buf;

		for (; NLMSG_OK(nlh, (size_t)n); nlh = NLMSG_NEXT(nlh, n))
			posted_failed(dp, nlh);
	}
	dp->n_puts = 0;
}

/* Hands the posted requests to the sender thread, unless it has a batch
 * in hand: its result hands them (on_tx_done). */
static void
flush_posted(struct kdp *dp)
{
	struct posted_put *puts = dp->puts;
	size_t n = dp->n_puts, cap = dp->cap_puts;

	if (dp->flush) {
		ev_timer_del(dp->flush);
		dp->flush = NULL;
	}
	if (!dp->pend_len || kmod_tx_busy(dp->tx))
		return;
	dp->puts = dp->tx_puts; /* empty: its batch is over */
	dp->cap_puts = dp->cap_tx_puts;
	dp->n_puts = 0;
	dp->tx_puts = puts;
	dp->cap_tx_puts = cap;
	dp->n_tx_puts = n;
	kmod_tx_start(dp->tx, &dp->pend, dp->pend_len);
	dp->pend_len = 0;
}

/* A batch's result: its failures handed on, and the next batch, if one
 * waits, goes at once. */
static void
on_tx_done(void *aux, int send_err, const struct kmod_tx_fail *fails,
	   size_t n_fails)
{
	struct kdp *dp = aux;

	if (send_err)
		fail_all(dp, dp->tx_puts, dp->n_tx_puts, send_err);
	for (size_t i = 0; !send_err && i < n_fails; i++)
		fail_posted(dp, dp->tx_puts, dp->n_tx_puts, fails[i].seq,
			    fails[i].err);
	dp->n_tx_puts = 0;
	flush_posted(dp);
}

/* Every posted request sent and its failures handed on: what is sent
 * next comes after them. */
static void
drain_posted(struct kdp *dp)
{
	while (kmod_tx_busy(dp->tx) || dp->pend_len) {
		kmod_tx_wait(dp->tx);
		flush_posted(dp);
	}
}

static void
put_posted(struct kdp *dp, uint32_t seq, const struct mvs_ufid *ufid)
{
	ARRAY_GROW(dp->puts, dp->n_puts, dp->cap_puts);
	dp->puts[dp->n_puts++] = (struct posted_put){ seq, *ufid };
}

static void
on_flush(struct ev_timer *t, void *arg)
{
	(void)t;
	flush_posted(arg); /* deletes this timer */
}

/* Queues @msg (freed) to go without NLM_F_ACK with the other posted
 * requests (flush_posted); @ufid names an install, else NULL. */
static void
post(struct kdp *dp, struct nl_msg *msg, const struct mvs_ufid *ufid)
{
	struct nlmsghdr *nlh;
	size_t len;

	nl_complete_msg(dp->sk, msg);
	nlh = nlmsg_hdr(msg);
	nlh->nlmsg_flags &= ~NLM_F_ACK;
	len = NLMSG_ALIGN(nlh->nlmsg_len);
	if (dp->pend_len + len > PEND_MAX) {
		kmod_tx_wait(dp->tx); /* its result sends the full buffer */
		flush_posted(dp);
	}
	if (len > PEND_MAX) { /* a jumbo frame: alone, at once */
		drain_posted(dp);
		if (ufid)
			put_posted(dp, nlh->nlmsg_seq, ufid);
		send_posted(dp, nlh, nlh->nlmsg_len);
		nlmsg_free(msg);
		return;
	}
	memcpy(dp->pend + dp->pend_len, nlh, nlh->nlmsg_len);
	memset(dp->pend + dp->pend_len + nlh->nlmsg_len, 0,
	       len - nlh->nlmsg_len);
	dp->pend_len += len;
	if (ufid)
		put_posted(dp, nlh->nlmsg_seq, ufid);
	nlmsg_free(msg);
	if (!dp->flush)
		dp->flush = ev_timer_add(dp->loop, 0, false, on_flush, dp);
}

/* Sends @msg (freed) and reads until its ack or the end of its dump,
 * handing each reply to @fn (may be NULL).  0 or the module's -errno. */
static int
request(struct kdp *dp, struct nl_msg *msg, reply_fn *fn, void *aux)
{
	int fd = nl_socket_get_fd(dp->sk);
	uint32_t seq;
	int r;

	drain_posted(dp); /* in order, and their failures handed first */
	r = nl_send_auto(dp->sk, msg);
	seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (r < 0)
		return -EIO;
	for (;;) {
		ssize_t n = recv(fd, dp->buf, RX_BUF, 0);
		const struct nlmsghdr *nlh = (const void *)dp->buf;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (; NLMSG_OK(nlh, (size_t)n); nlh = NLMSG_NEXT(nlh, n)) {
			struct attrs at;

			if (nlh->nlmsg_seq != seq) {
				posted_failed(dp, nlh);
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((const struct nlmsgerr *)NLMSG_DATA(
						nlh))
					->error;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (fn && !parse(nlh, &at))
				fn(aux, &at);
		}
	}
}

/* ---- upcalls ---- */

/* A miss or action upcall into @u; false if it does not parse. */
static bool
upcall_from(const struct nlmsghdr *nlh, struct dp_upcall *u)
{
	const struct mvs_key *key;
	const struct nlattr *pkt, *ud;
	struct attrs at;

	if (parse(nlh, &at) ||
	    (at.cmd != MVS_CMD_MISS && at.cmd != MVS_CMD_ACTION))
		return false;
	key = attr(&at, MVS_PACKET_ATTR_KEY, sizeof *key);
	pkt = at.a[MVS_PACKET_ATTR_PACKET];
	if (!key || !pkt)
		return false;
	memset(u, 0, sizeof *u);
	u->type = at.cmd == MVS_CMD_MISS ? MVS_UPCALL_MISS : MVS_UPCALL_ACTION;
	u->key = *key;
	u->packet = dp_packet_clone_data(nl_attr_data(pkt), nl_attr_len(pkt));
	u->packet->in_port = key->meta.in_port;
	ud = at.a[MVS_PACKET_ATTR_USERDATA];
	if (ud && nl_attr_len(ud)) {
		uint8_t *copy = xmalloc(nl_attr_len(ud));

		memcpy(copy, nl_attr_data(ud), nl_attr_len(ud));
		u->userdata = copy;
		u->userdata_len = nl_attr_len(ud);
	}
	return true;
}

/* Reads up to KPORT_BATCH upcalls from port @p's socket with as few
 * system calls as it takes (one, unless the module lost some: each
 * recvmmsg() fills a slot of RX_BUF per message, of which only what a
 * message uses is ever touched) and hands them up. */
static void
on_upcall(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct kport *p = arg;
	struct kdp *dp = p->dp;
	struct dp_upcall ups[KPORT_BATCH];
	struct mmsghdr mm[KPORT_BATCH];
	struct iovec iov[KPORT_BATCH];
	size_t n = 0;

	while (n < KPORT_BATCH) {
		unsigned want = (unsigned)(KPORT_BATCH - n);
		int got;

		memset(mm, 0, want * sizeof *mm);
		for (unsigned i = 0; i < want; i++) {
			iov[i] =
				(struct iovec){ dp->ubuf + i * RX_BUF, RX_BUF };
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		got = recvmmsg(fd, mm, want, MSG_DONTWAIT, NULL);
		if (got < 0) {
			if (errno == ENOBUFS) { /* the module counted n_lost */
				log_warn_rl(&rx_rl,
					    "%s: port %u: upcalls lost, "
					    "the socket was full",
					    dp->up.name, p->port_no);
				continue;
			}
			break;
		}
		for (int i = 0; i < got; i++) {
			const struct nlmsghdr *nlh = iov[i].iov_base;
			size_t len = mm[i].msg_len;

			for (; NLMSG_OK(nlh, len) && n < KPORT_BATCH;
			     nlh = NLMSG_NEXT(nlh, len))
				if (upcall_from(nlh, &ups[n]))
					n++;
		}
		if ((unsigned)got < want)
			break; /* the socket is empty */
	}
	if (n)
		dp->ops->upcalls(dp->aux, &dp->up, ups, n);
}

static void
kport_free(struct kport *p)
{
	if (p->io)
		ev_io_del(p->io);
	nl_socket_free(p->sk);
	free(p);
}

/* Gives upcall socket @sk UPCALL_RCVBUF bytes to queue misses in while
 * the loop is busy (a dump, a burst): beyond it the module loses them.
 * SO_RCVBUF (libnl's nl_socket_set_buffer_size) is capped at
 * net.core.rmem_max, 208 KB by default, which a burst of a few hundred
 * misses filled (3 of 4 lost at 2,000 new flows/s offered); with
 * CAP_NET_ADMIN, which upcalld keeps, SO_RCVBUFFORCE is not. */
static void
upcall_rcvbuf(struct nl_sock *sk)
{
	int fd = nl_socket_get_fd(sk), size = UPCALL_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size))
		log_warn_rl(&rx_rl, "upcall socket buffer: %s",
			    strerror(errno));
}

/* A new upcall socket, registered on the loop; its port number comes
 * later (kport_attach). */
static struct kport *
kport_new(struct kdp *dp)
{
	struct kport *p = xzalloc(sizeof *p);

	p->dp = dp;
	p->sk = nl_socket_alloc();
	if (!p->sk || genl_connect(p->sk) < 0) {
		if (p->sk)
			nl_socket_free(p->sk);
		free(p);
		return NULL;
	}
	upcall_rcvbuf(p->sk);
	if (ev_io_add(dp->loop, nl_socket_get_fd(p->sk), EPOLLIN, on_upcall, p,
		      &p->io)) {
		kport_free(p);
		return NULL;
	}
	return p;
}

static void
kport_attach(struct kdp *dp, struct kport *p, uint32_t port_no)
{
	p->port_no = port_no;
	dp->ports = xrealloc(dp->ports, (dp->n_ports + 1) * sizeof *dp->ports);
	dp->ports[dp->n_ports++] = p;
}

static struct kport *
kport_find(struct kdp *dp, uint32_t port_no, size_t *idx)
{
	for (size_t i = 0; i < dp->n_ports; i++) {
		if (dp->ports[i]->port_no == port_no) {
			if (idx)
				*idx = i;
			return dp->ports[i];
		}
	}
	return NULL;
}

/* ---- ports ---- */

static enum mvs_vport_type
kernel_type(enum mvs_vport_type t)
{
	/* A tap device is an Ethernet device like any other to the kernel. */
	return t == MVS_VPORT_TYPE_TAP ? MVS_VPORT_TYPE_NETDEV : t;
}

struct port_list {
	struct dp_port_info *p;
	size_t n;
};

static void
got_port(void *aux, const struct attrs *at)
{
	struct port_list *l = aux;
	const uint32_t *no = attr(at, MVS_VPORT_ATTR_PORT_NO, 4);
	const uint32_t *type = attr(at, MVS_VPORT_ATTR_TYPE, 4);
	const uint32_t *ifindex = attr(at, MVS_VPORT_ATTR_IFINDEX, 4);
	const struct mvs_port_stats *st =
		attr(at, MVS_VPORT_ATTR_STATS, sizeof *st);
	const struct nlattr *name = at->a[MVS_VPORT_ATTR_NAME];
	struct dp_port_info *i;

	if (!no || !type || !name)
		return;
	l->p = xrealloc(l->p, (l->n + 1) * sizeof *l->p);
	i = &l->p[l->n++];
	memset(i, 0, sizeof *i);
	i->port_no = *no;
	i->type = (enum mvs_vport_type) * type;
	snprintf(i->name, sizeof i->name, "%.*s", (int)nl_attr_len(name),
		 (const char *)nl_attr_data(name));
	i->ifindex = ifindex ? (int)*ifindex : 0;
	if (st)
		i->stats = *st;
}

static int
port_cmp(const void *a, const void *b)
{
	const struct dp_port_info *x = a, *y = b;

	return x->port_no < y->port_no ? -1 : x->port_no > y->port_no;
}

/* Every port, in number order, device details filled. */
static int
list_ports(struct kdp *dp, struct port_list *l)
{
	int r;

	l->p = NULL;
	l->n = 0;
	r = request(dp, kdp_msg(dp, F_VPORT, MVS_CMD_GET, NLM_F_DUMP, 0),
		    got_port, l);
	if (r) {
		free(l->p);
		return r;
	}
	qsort(l->p, l->n, sizeof *l->p, port_cmp);
	for (size_t i = 0; i < l->n; i++)
		vport_dev_query(l->p[i].name, &l->p[i]);
	return 0;
}

static void
got_port_no(void *aux, const struct attrs *at)
{
	const uint32_t *no = attr(at, MVS_VPORT_ATTR_PORT_NO, 4);

	if (no)
		*(uint32_t *)aux = *no;
}

static int
kmod_port_add(struct dp *dp_, const struct dp_port_spec *spec,
	      uint32_t *port_no)
{
	struct kdp *dp = kdp_cast(dp_);
	struct kport *p = kport_new(dp);
	struct nl_msg *msg;
	int r;

	if (!p)
		return -ENOMEM;
	msg = kdp_msg(dp, F_VPORT, MVS_CMD_NEW, 0, 0);
	nla_put_string(msg, MVS_VPORT_ATTR_NAME, spec->name);
	nla_put_u32(msg, MVS_VPORT_ATTR_TYPE, kernel_type(spec->type));
	if (spec->port_no != MVS_PORT_NONE)
		nla_put_u32(msg, MVS_VPORT_ATTR_PORT_NO, spec->port_no);
	/* Its socket from the start, so that no early miss is lost. */
	nla_put_u32(msg, MVS_VPORT_ATTR_UPCALL_PID,
		    nl_socket_get_local_port(p->sk));
	*port_no = MVS_PORT_NONE;
	r = request(dp, msg, got_port_no, port_no);
	if (r || *port_no == MVS_PORT_NONE) {
		kport_free(p);
		return r ? r : -EBADMSG;
	}
	kport_attach(dp, p, *port_no);
	return 0;
}

static int
kmod_port_del(struct dp *dp_, uint32_t port_no)
{
	struct kdp *dp = kdp_cast(dp_);
	struct nl_msg *msg = kdp_msg(dp, F_VPORT, MVS_CMD_DEL, 0, 0);
	size_t i;
	struct kport *p;
	int r;

	nla_put_u32(msg, MVS_VPORT_ATTR_PORT_NO, port_no);
	r = request(dp, msg, NULL, NULL);
	if (r == -ENODEV)
		r = -ENOENT;
	p = kport_find(dp, port_no, &i);
	if (p && (!r || r == -ENOENT)) {
		dp->ports[i] = dp->ports[--dp->n_ports];
		kport_free(p);
	}
	return r;
}

static int
kmod_port_query(struct dp *dp_, uint32_t port_no, struct dp_port_info *info)
{
	struct kdp *dp = kdp_cast(dp_);
	struct nl_msg *msg = kdp_msg(dp, F_VPORT, MVS_CMD_GET, 0, 0);
	struct port_list l = { NULL, 0 };
	int r;

	nla_put_u32(msg, MVS_VPORT_ATTR_PORT_NO, port_no);
	r = request(dp, msg, got_port, &l);
	if (!r && l.n == 1) {
		*info = l.p[0];
		vport_dev_query(info->name, info);
	} else if (!r || r == -ENODEV) {
		r = -ENOENT;
	}
	free(l.p);
	return r;
}

static int
kmod_port_dump(struct dp *dp_,
	       void (*fn)(void *aux, const struct dp_port_info *), void *aux)
{
	struct port_list l;
	int r = list_ports(kdp_cast(dp_), &l);

	for (size_t i = 0; !r && i < l.n; i++)
		fn(aux, &l.p[i]);
	if (!r)
		free(l.p);
	return r;
}

/* ---- flows ---- */

static void flow_expiry_start(struct kdp *dp);

static int
kmod_flow_put(struct dp *dp_, const struct dp_flow_put *put)
{
	struct kdp *dp = kdp_cast(dp_);
	struct nl_msg *msg = kdp_msg(dp, F_FLOW, MVS_CMD_NEW, 0,
				     2 * sizeof *put->key + put->actions_len);
	int r;

	nla_put(msg, MVS_FLOW_ATTR_UFID, sizeof put->ufid, &put->ufid);
	nla_put(msg, MVS_FLOW_ATTR_KEY, sizeof *put->key, put->key);
	nla_put(msg, MVS_FLOW_ATTR_MASK, sizeof *put->mask, put->mask);
	nla_put(msg, MVS_FLOW_ATTR_ACTIONS, (int)put->actions_len,
		put->actions);
	nla_put_u32(msg, MVS_FLOW_ATTR_FLAGS, put->flags);
	if (put->clear_stats)
		nla_put_flag(msg, MVS_FLOW_ATTR_CLEAR);
	if (put->posted && dp->ops->put_failed) {
		post(dp, msg, &put->ufid);
		flow_expiry_start(dp);
		return 0;
	}
	r = request(dp, msg, NULL, NULL);
	if (!r)
		flow_expiry_start(dp);
	return r;
}

static void
got_stats(void *aux, const struct attrs *at)
{
	const struct mvs_flow_stats *st =
		attr(at, MVS_FLOW_ATTR_STATS, sizeof *st);

	if (st && aux)
		*(struct mvs_flow_stats *)aux = *st;
}

static int
kmod_flow_del(struct dp *dp_, const struct mvs_ufid *ufid,
	      struct mvs_flow_stats *stats)
{
	struct kdp *dp = kdp_cast(dp_);
	struct nl_msg *msg = kdp_msg(dp, F_FLOW, MVS_CMD_DEL, 0, 0);

	if (stats)
		memset(stats, 0, sizeof *stats);
	nla_put(msg, MVS_FLOW_ATTR_UFID, sizeof *ufid, ufid);
	return request(dp, msg, got_stats, stats);
}

static int
kmod_flow_flush(struct dp *dp_)
{
	struct kdp *dp = kdp_cast(dp_);

	return request(dp, kdp_msg(dp, F_FLOW, MVS_CMD_DEL, 0, 0), NULL, NULL);
}

/* A dump, copied whole before anything is called back, so that the
 * callee may make requests of its own. */
struct flow_list {
	struct dp_flow *f;
	size_t n, cap; /* cap doubles: a dump of N flows copies O(N) */
};

static void
got_flow(void *aux, const struct attrs *at)
{
	struct flow_list *l = aux;
	const struct mvs_ufid *ufid =
		attr(at, MVS_FLOW_ATTR_UFID, sizeof *ufid);
	const struct mvs_key *key = attr(at, MVS_FLOW_ATTR_KEY, sizeof *key);
	const struct mvs_key *mask = attr(at, MVS_FLOW_ATTR_MASK, sizeof *mask);
	const struct mvs_flow_stats *st =
		attr(at, MVS_FLOW_ATTR_STATS, sizeof *st);
	const struct nlattr *acts = at->a[MVS_FLOW_ATTR_ACTIONS];
	struct dp_flow *f;
	void *copy;

	if (!ufid || !key || !mask || !st || !acts)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->f = xrealloc(l->f, l->cap * sizeof *l->f);
	}
	f = &l->f[l->n++];
	f->ufid = *ufid;
	copy = xmalloc(2 * sizeof *key + nl_attr_len(acts));
	memcpy(copy, key, sizeof *key);
	memcpy((uint8_t *)copy + sizeof *key, mask, sizeof *mask);
	memcpy((uint8_t *)copy + 2 * sizeof *key, nl_attr_data(acts),
	       nl_attr_len(acts));
	f->key = copy;
	f->mask = (const struct mvs_key *)copy + 1;
	f->actions = (const void *)((const uint8_t *)copy + 2 * sizeof *key);
	f->actions_len = nl_attr_len(acts);
	f->stats = *st;
}

static void
flow_list_free(struct flow_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((void *)(uintptr_t)l->f[i].key);
	free(l->f);
}

static int
list_flows(struct kdp *dp, struct flow_list *l)
{
	l->f = NULL;
	l->n = l->cap = 0;
	return request(dp, kdp_msg(dp, F_FLOW, MVS_CMD_GET, NLM_F_DUMP, 0),
		       got_flow, l);
}

static int
ufid_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct unused *)a)->ufid,
		      &((const struct unused *)b)->ufid,
		      sizeof(struct mvs_ufid));
}

static uint64_t
expiry_every(const struct kdp *dp)
{
	uint64_t every =
		dp->cfg.max_idle_ms < 1000 ? dp->cfg.max_idle_ms : 1000;

	return every ? every : 1;
}

/* The expiry pass over dump @l: deletes the flows idle for max-idle (a
 * flow never hit counts from when a pass first saw it), reports them and
 * takes them out of @l.  Every dump makes one (revalidation's, twice a
 * second while flows exist), and pushes the expiry timer back to two
 * periods from now: it dumps only when nothing else did for that long
 * (a revalidation round that waits for vswitchd does not make it dump),
 * so one dump serves both.  The timer stops when a dump shows no flow.
 * "Now" is read after the dump: a flow hit while the dump ran has a
 * last use later than the dump's start, which taken as "now" made it
 * look idle for 2^64 ms, so that busy flows were deleted every round. */
static void
expire_pass(struct kdp *dp, struct flow_list *l)
{
	uint64_t now = time_mono_ms(), idle = dp->cfg.max_idle_ms;
	struct unused *next = l->n ? xmalloc(l->n * sizeof *next) : NULL;
	size_t n_next = 0, kept = 0;
	bool any = l->n != 0;

	coverage_inc(kmod_expiry_pass);
	for (size_t i = 0; i < l->n; i++) {
		struct dp_flow *f = &l->f[i];
		uint64_t since = f->stats.used_ms;
		bool unused = !since;

		if (unused) {
			struct unused key = { f->ufid, now }, *old;

			old = bsearch(&key, dp->unused, dp->n_unused,
				      sizeof key, ufid_cmp);
			since = old ? old->since_ms : now;
			next[n_next++] = (struct unused){ f->ufid, since };
		}
		if (idle && since <= now && now - since >= idle &&
		    !kmod_flow_del(&dp->up, &f->ufid, &f->stats)) {
			if (unused)
				n_next--; /* it was the last one added */
			if (dp->ops->expired)
				dp->ops->expired(dp->aux, &dp->up, f);
			free((void *)(uintptr_t)f->key);
			continue;
		}
		l->f[kept++] = *f;
	}
	l->n = kept;
	qsort(next, n_next, sizeof *next, ufid_cmp);
	free(dp->unused);
	dp->unused = next;
	dp->n_unused = n_next;
	if (dp->expiry && (!any || !idle)) {
		ev_timer_del(dp->expiry);
		dp->expiry = NULL;
	} else if (dp->expiry) {
		ev_timer_rearm(dp->expiry, 2 * expiry_every(dp));
	}
}

static int
kmod_flow_dump(struct dp *dp_, dp_flow_dump_fn *fn, void *aux)
{
	struct kdp *dp = kdp_cast(dp_);
	struct flow_list l;
	int r = list_flows(dp, &l);

	coverage_inc(kmod_flow_dump);
	if (!r)
		expire_pass(dp, &l);
	for (size_t i = 0; !r && i < l.n; i++)
		fn(aux, &l.f[i]);
	flow_list_free(&l);
	return r;
}

/* Expiry when no dump ran for a period (expire_pass). */
static void
on_expiry(struct ev_timer *t, void *arg)
{
	struct kdp *dp = arg;
	struct flow_list l;

	(void)t;
	coverage_inc(kmod_flow_dump);
	if (!list_flows(dp, &l))
		expire_pass(dp, &l);
	flow_list_free(&l);
}

static void
flow_expiry_start(struct kdp *dp)
{
	if (dp->expiry || !dp->cfg.max_idle_ms)
		return;
	dp->expiry =
		ev_timer_add(dp->loop, expiry_every(dp), true, on_expiry, dp);
}

static int
kmod_set_config(struct dp *dp_, const struct dp_config *cfg)
{
	struct kdp *dp = kdp_cast(dp_);
	struct nl_msg *msg = kdp_msg(dp, F_DP, MVS_CMD_SET, 0, 0);
	int r;

	nla_put_u32(msg, MVS_DP_ATTR_FLOW_LIMIT, cfg->flow_limit);
	r = request(dp, msg, NULL, NULL);
	if (r)
		return r;
	dp->cfg = *cfg;
	if (dp->expiry) {
		ev_timer_del(dp->expiry);
		dp->expiry = NULL;
	}
	flow_expiry_start(dp);
	return 0;
}

static int
kmod_execute(struct dp *dp_, struct dp_packet *packet,
	     const struct mvs_key *key, const struct nlattr *actions,
	     size_t actions_len)
{
	struct kdp *dp = kdp_cast(dp_);
	struct nl_msg *msg = kdp_msg(dp, F_PACKET, MVS_CMD_EXECUTE, 0,
				     packet->len + sizeof *key + actions_len);
	int r = 0;

	if (nla_put(msg, MVS_PACKET_ATTR_PACKET, (int)packet->len,
		    packet->data) ||
	    nla_put(msg, MVS_PACKET_ATTR_KEY, sizeof *key, key) ||
	    nla_put(msg, MVS_PACKET_ATTR_ACTIONS, (int)actions_len, actions)) {
		nlmsg_free(msg);
		r = -EMSGSIZE;
	}
	dp_packet_free(packet);
	if (!r)
		post(dp, msg, NULL);
	return r;
}

/* ---- meters ---- */

/* The module takes one meter as the attributes of the bus's
 * MVS_METER_ATTR_METER nest (lib/flow/dpmsg.h) without the nest, its
 * bands flagged NLA_F_NESTED as strict validation wants; it gives one
 * the same way. */
static int
kmod_meter_set(struct dp *dp_, const struct dpmsg_meter *m)
{
	struct kdp *dp = kdp_cast(dp_);
	struct nl_msg *msg;

	if (dp->fam[F_METER] < 0)
		return -EOPNOTSUPP;
	msg = kdp_msg(dp, F_METER, MVS_CMD_NEW, 0, 0);
	nla_put_u32(msg, MVS_METER_ATTR_ID, m->id);
	if (m->kbps)
		nla_put_flag(msg, MVS_METER_ATTR_KBPS);
	for (unsigned i = 0; i < m->n_bands; i++) {
		struct nlattr *band = nla_nest_start(msg, MVS_METER_ATTR_BAND);

		nla_put_u32(msg, MVS_BAND_ATTR_RATE, m->bands[i].rate);
		nla_put_u32(msg, MVS_BAND_ATTR_BURST, m->bands[i].burst);
		nla_nest_end(msg, band);
	}
	return request(dp, msg, NULL, NULL);
}

static int
kmod_meter_del(struct dp *dp_, uint32_t id)
{
	struct kdp *dp = kdp_cast(dp_);
	struct nl_msg *msg;

	if (dp->fam[F_METER] < 0)
		return -EOPNOTSUPP;
	msg = kdp_msg(dp, F_METER, MVS_CMD_DEL, 0, 0);
	nla_put_u32(msg, MVS_METER_ATTR_ID, id);
	return request(dp, msg, NULL, NULL);
}

/* A dump, copied whole before anything is called back. */
struct meter_list {
	const struct kdp *dp;
	struct dpmsg_meter *m;
	size_t n;
};

static void
got_meter(void *aux, const struct attrs *at)
{
	struct meter_list *l = aux;
	struct nlbuf b = NLBUF_EMPTY;
	size_t ofs = nl_nest_start(&b, MVS_METER_ATTR_METER);
	struct dpmsg_meter m;
	int r;

	nl_put_raw(&b, at->all, at->all_len);
	nl_nest_end(&b, ofs);
	r = dpmsg_parse_meter((const struct nlattr *)b.data, &m);
	nl_buf_free(&b);
	if (r) {
		log_warn_rl(&rx_rl,
			    "%s: a meter the module dumped does not "
			    "parse",
			    l->dp->up.name);
		return;
	}
	l->m = xrealloc(l->m, (l->n + 1) * sizeof *l->m);
	l->m[l->n++] = m;
}

static int
kmod_meter_dump(struct dp *dp_,
		void (*fn)(void *aux, const struct dpmsg_meter *m), void *aux)
{
	struct kdp *dp = kdp_cast(dp_);
	struct meter_list l = { dp, NULL, 0 };
	int r;

	if (dp->fam[F_METER] < 0)
		return -EOPNOTSUPP;
	r = request(dp, kdp_msg(dp, F_METER, MVS_CMD_GET, NLM_F_DUMP, 0),
		    got_meter, &l);
	for (size_t i = 0; !r && i < l.n; i++)
		fn(aux, &l.m[i]);
	free(l.m);
	return r;
}

/* ---- datapaths ---- */

static void
got_dp_stats(void *aux, const struct attrs *at)
{
	const struct mvs_dp_stats *st = attr(at, MVS_DP_ATTR_STATS, sizeof *st);

	if (st)
		*(struct mvs_dp_stats *)aux = *st;
}

static int
kmod_get_stats(struct dp *dp_, struct mvs_dp_stats *stats)
{
	struct kdp *dp = kdp_cast(dp_);

	return request(dp, kdp_msg(dp, F_DP, MVS_CMD_GET, 0, 0), got_dp_stats,
		       stats);
}

static void
got_ifindex(void *aux, const struct attrs *at)
{
	*(int *)aux = at->hdr->dp_ifindex;
}

/* The datapath @name: the existing one, or a new one. */
static int
find_or_create(struct kdp *dp, const char *name)
{
	struct nl_msg *msg;
	int r;

	dp->ifindex = 0;
	msg = kdp_msg(dp, F_DP, MVS_CMD_GET, 0, 0);
	nla_put_string(msg, MVS_DP_ATTR_NAME, name);
	r = request(dp, msg, got_ifindex, &dp->ifindex);
	if (r == -ENODEV) {
		msg = kdp_msg(dp, F_DP, MVS_CMD_NEW, 0, 0);
		nla_put_string(msg, MVS_DP_ATTR_NAME, name);
		r = request(dp, msg, got_ifindex, &dp->ifindex);
	}
	return r ? r : dp->ifindex ? 0 : -EBADMSG;
}

/* A socket of our own for every port the datapath already has. */
static int
adopt_ports(struct kdp *dp)
{
	struct port_list l;
	int r = list_ports(dp, &l);

	for (size_t i = 0; !r && i < l.n; i++) {
		struct kport *p = kport_new(dp);
		struct nl_msg *msg;

		if (!p) {
			r = -ENOMEM;
			break;
		}
		msg = kdp_msg(dp, F_VPORT, MVS_CMD_SET, 0, 0);
		nla_put_u32(msg, MVS_VPORT_ATTR_PORT_NO, l.p[i].port_no);
		nla_put_u32(msg, MVS_VPORT_ATTR_UPCALL_PID,
			    nl_socket_get_local_port(p->sk));
		r = request(dp, msg, NULL, NULL);
		if (r)
			kport_free(p);
		else
			kport_attach(dp, p, l.p[i].port_no);
	}
	if (!r)
		free(l.p);
	return r;
}

static void
kdp_free(struct kdp *dp)
{
	dp->closing = true;
	if (dp->tx)
		drain_posted(dp);
	kmod_tx_free(dp->tx);
	for (size_t i = 0; i < dp->n_ports; i++)
		kport_free(dp->ports[i]);
	free(dp->ports);
	if (dp->expiry)
		ev_timer_del(dp->expiry);
	if (dp->sk)
		nl_socket_free(dp->sk);
	free(dp->unused);
	free(dp->puts);
	free(dp->tx_puts);
	free(dp->pend);
	free(dp->buf);
	free(dp->ubuf);
	free(dp->up.name);
	free(dp);
}

static int
kmod_open(const struct dp_class *cls, const char *name, struct ev_loop *loop,
	  const struct dp_upcall_ops *ops, void *aux, struct dp **dpp)
{
	struct kdp *dp = xzalloc(sizeof *dp);
	int r;

	dp->up.cls = cls;
	dp->up.name = xstrdup(name);
	dp->loop = loop;
	dp->ops = ops;
	dp->aux = aux;
	dp->cfg = (struct dp_config){ DP_DEFAULT_MAX_IDLE_MS,
				      DP_DEFAULT_FLOW_LIMIT };
	dp->buf = xmalloc(RX_BUF);
	dp->ubuf = xmalloc(KPORT_BATCH * RX_BUF);
	dp->pend = xmalloc(PEND_MAX);
	dp->sk = nl_socket_alloc();
	if (!dp->sk || genl_connect(dp->sk) < 0) {
		r = -ENOMEM;
		goto fail;
	}
	nl_socket_set_buffer_size(dp->sk, RX_BUF, SND_BUF);
	r = kmod_tx_new(loop, PEND_MAX, on_tx_done, dp, &dp->tx);
	if (r)
		goto fail;
	for (int f = 0; f < F_N; f++) {
		dp->fam[f] = genl_ctrl_resolve(dp->sk, fam_names[f]);
		if (dp->fam[f] < 0 && f == F_METER) {
			log_warn("generic netlink family %s not found: a "
				 "microvs module without meters, whose meter "
				 "actions pass everything",
				 fam_names[f]);
		} else if (dp->fam[f] < 0) {
			log_info("generic netlink family %s not found: the "
				 "microvs module is not loaded",
				 fam_names[f]);
			r = -EAFNOSUPPORT;
			goto fail;
		}
	}
	r = find_or_create(dp, name);
	if (!r)
		r = adopt_ports(dp);
	if (r)
		goto fail;
	flow_expiry_start(dp);
	*dpp = &dp->up;
	return 0;

fail:
	kdp_free(dp);
	return r;
}

static void
kmod_close(struct dp *dp_, bool destroy)
{
	struct kdp *dp = kdp_cast(dp_);

	if (destroy) {
		int r = request(dp, kdp_msg(dp, F_DP, MVS_CMD_DEL, 0, 0), NULL,
				NULL);

		if (r)
			log_warn("%s: deleting the datapath: %s", dp->up.name,
				 strerror(-r));
	}
	kdp_free(dp);
}

const struct dp_class dp_system_class = {
	.type = "system",
	.open = kmod_open,
	.close = kmod_close,
	.get_stats = kmod_get_stats,
	.port_add = kmod_port_add,
	.port_del = kmod_port_del,
	.port_query = kmod_port_query,
	.port_dump = kmod_port_dump,
	.flow_put = kmod_flow_put,
	.flow_del = kmod_flow_del,
	.flow_flush = kmod_flow_flush,
	.flow_dump = kmod_flow_dump,
	.set_config = kmod_set_config,
	/* flow_set_reported: none.  The module keeps nothing of userspace's
	 * with a flow, so a restarted upcalld takes the counts it dumps as
	 * already reported (has_reported false): the packets a flow carried
	 * between the last report and the restart are never reported, none
	 * twice.  A flow attribute for it in the uAPI would close the gap. */
	.execute = kmod_execute,
	.meter_set = kmod_meter_set,
	.meter_del = kmod_meter_del,
	.meter_dump = kmod_meter_dump,
};
