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
 * destroy), and open finds it again with its ports and flows.
 */
#include "upcalld.h"

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

#include "log.h"
#include "nlattr.h"
#include "util.h"

LOG_MODULE(dp_kmod);

#define KPORT_BATCH 16	  /* upcalls read from one port per round */
#define RX_BUF (1u << 17) /* one netlink message: a 64 KB frame and more */
#define MSG_SMALL 512	  /* a request without key, actions or packet */

enum kfam { F_DP, F_VPORT, F_FLOW, F_PACKET, F_N };

static const char *const fam_names[F_N] = {
	[F_DP] = MVS_DATAPATH_FAMILY,
	[F_VPORT] = MVS_VPORT_FAMILY,
	[F_FLOW] = MVS_FLOW_FAMILY,
	[F_PACKET] = MVS_PACKET_FAMILY,
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

struct kdp {
	struct dp up;
	struct nl_sock *sk; /* requests */
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

/* The attributes of a genetlink message from the module, by type. */
struct attrs {
	const struct mvs_header *hdr;
	uint8_t cmd;
	const struct nlattr *a[32];
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

/* A failure the module answered to a request post() sent earlier. */
static void
posted_failed(struct kdp *dp, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type == NLMSG_ERROR &&
	    ((const struct nlmsgerr *)NLMSG_DATA(nlh))->error)
		log_warn_rl(&rx_rl, "%s: execute %u failed: %s", dp->up.name,
			    nlh->nlmsg_seq,
			    strerror(-((const struct nlmsgerr *)NLMSG_DATA(nlh))
					      ->error));
}

/* Sends @msg (freed) without waiting for an answer: without NLM_F_ACK
 * the module answers only a failure, which the next request() reads past
 * and logs.  For executes: each upcall's packet otherwise cost a round
 * trip to the module of its own.  0 or -EIO. */
static int
post(struct kdp *dp, struct nl_msg *msg)
{
	int r;

	nl_complete_msg(dp->sk, msg);
	nlmsg_hdr(msg)->nlmsg_flags &= ~NLM_F_ACK;
	r = nl_send(dp->sk, msg);
	nlmsg_free(msg);
	return r < 0 ? -EIO : 0;
}

/* Sends @msg (freed) and reads until its ack or the end of its dump,
 * handing each reply to @fn (may be NULL).  0 or the module's -errno. */
static int
request(struct kdp *dp, struct nl_msg *msg, reply_fn *fn, void *aux)
{
	int fd = nl_socket_get_fd(dp->sk);
	uint32_t seq;
	int r;

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

static void
on_upcall(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct kport *p = arg;
	struct kdp *dp = p->dp;
	struct dp_upcall ups[KPORT_BATCH];
	size_t n = 0;

	while (n < KPORT_BATCH) {
		ssize_t len = recv(fd, dp->buf, RX_BUF, MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const void *)dp->buf;

		if (len < 0) {
			if (errno == ENOBUFS) { /* the module counted n_lost */
				log_warn_rl(&rx_rl,
					    "%s: port %u: upcalls lost, "
					    "the socket was full",
					    dp->up.name, p->port_no);
				continue;
			}
			break;
		}
		for (; NLMSG_OK(nlh, (size_t)len) && n < KPORT_BATCH;
		     nlh = NLMSG_NEXT(nlh, len))
			if (upcall_from(nlh, &ups[n]))
				n++;
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
	nl_socket_set_buffer_size(p->sk, 1 << 20, 0);
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
kmod_flow_dump(struct dp *dp_, dp_flow_dump_fn *fn, void *aux)
{
	struct flow_list l;
	int r = list_flows(kdp_cast(dp_), &l);

	for (size_t i = 0; !r && i < l.n; i++)
		fn(aux, &l.f[i]);
	flow_list_free(&l);
	return r;
}

static int
ufid_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct unused *)a)->ufid,
		      &((const struct unused *)b)->ufid,
		      sizeof(struct mvs_ufid));
}

/* Deletes the flows idle for max-idle (a flow never hit counts from
 * when expiry first saw it) and reports them; stops when none is left.
 * "Now" is read after the dump: a flow hit while the dump ran has a
 * last use later than the dump's start, which taken as "now" made it
 * look idle for 2^64 ms, so that busy flows were deleted every round. */
static void
on_expiry(struct ev_timer *t, void *arg)
{
	struct kdp *dp = arg;
	uint64_t now, idle = dp->cfg.max_idle_ms;
	struct unused *next = NULL;
	size_t n_next = 0;
	struct flow_list l;

	if (list_flows(dp, &l)) {
		flow_list_free(&l);
		return;
	}
	now = time_mono_ms();
	next = l.n ? xmalloc(l.n * sizeof *next) : NULL; /* at most all */
	for (size_t i = 0; i < l.n; i++) {
		struct dp_flow *f = &l.f[i];
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
		}
	}
	qsort(next, n_next, sizeof *next, ufid_cmp);
	free(dp->unused);
	dp->unused = next;
	dp->n_unused = n_next;
	if (!l.n || !idle) {
		ev_timer_del(t);
		dp->expiry = NULL;
	}
	flow_list_free(&l);
}

static void
flow_expiry_start(struct kdp *dp)
{
	uint64_t every =
		dp->cfg.max_idle_ms < 1000 ? dp->cfg.max_idle_ms : 1000;

	if (dp->expiry || !dp->cfg.max_idle_ms)
		return;
	dp->expiry =
		ev_timer_add(dp->loop, every ? every : 1, true, on_expiry, dp);
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
	return r ? r : post(dp, msg);
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
	for (size_t i = 0; i < dp->n_ports; i++)
		kport_free(dp->ports[i]);
	free(dp->ports);
	if (dp->expiry)
		ev_timer_del(dp->expiry);
	if (dp->sk)
		nl_socket_free(dp->sk);
	free(dp->unused);
	free(dp->buf);
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
	dp->sk = nl_socket_alloc();
	if (!dp->sk || genl_connect(dp->sk) < 0) {
		r = -ENOMEM;
		goto fail;
	}
	for (int f = 0; f < F_N; f++) {
		dp->fam[f] = genl_ctrl_resolve(dp->sk, fam_names[f]);
		if (dp->fam[f] < 0) {
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
};
