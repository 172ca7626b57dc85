/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tunneld_netlink: the host's routing, neighbour and link tables over
 * rtnetlink.  A lookup asks the kernel the way "ip route get" does
 * (RTM_GETROUTE for the remote: egress device, preferred source, gateway),
 * then the device (RTM_GETLINK: name, address, carrier) and the next
 * hop's neighbour entry (RTM_GETNEIGH).  Changes come as notifications on
 * a second socket (links, addresses, IPv4 and IPv6 routes, neighbours):
 * nothing is polled.  IPv6 remotes go the same way (their next hop's
 * entry is an ND neighbour).  Reading these tables needs no capability.
 */
#include "tunneld.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

LOG_MODULE(tnl_netlink);

struct tnld_nl {
	int fd;	    /* lookups */
	int mon_fd; /* notifications */
	uint32_t seq;
	struct ev_loop *loop;
	struct ev_io *io;
	struct ev_timer *settle;
	void (*changed)(void *aux);
	void *aux;
};

static int
nl_socket(uint32_t groups)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = groups };
	struct timeval tv = { 1, 0 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	/* The kernel answers lookups at once; the timeout only guards. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

static void
on_settle(struct ev_timer *t, void *arg)
{
	struct tnld_nl *nl = arg;

	ev_timer_del(t);
	nl->settle = NULL;
	nl->changed(nl->aux);
}

static void
on_monitor(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct tnld_nl *nl = arg;
	char buf[8192];

	while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
		;
	/* A burst of changes (a device going down takes its routes and
	 * neighbours with it) is handled once. */
	if (!nl->settle)
		nl->settle = ev_timer_add(nl->loop, 20, false, on_settle, nl);
}

int
tnld_nl_open(struct ev_loop *loop, void (*changed)(void *aux), void *aux,
	     struct tnld_nl **nlp)
{
	struct tnld_nl *nl = xzalloc(sizeof *nl);
	int r;

	nl->loop = loop;
	nl->changed = changed;
	nl->aux = aux;
	nl->fd = nl_socket(0);
	if (nl->fd < 0) {
		r = nl->fd;
		free(nl);
		return r;
	}
	nl->mon_fd = nl_socket(RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_ROUTE |
			       RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_ROUTE |
			       RTMGRP_IPV6_IFADDR);
	if (nl->mon_fd < 0) {
		r = nl->mon_fd;
		close(nl->fd);
		free(nl);
		return r;
	}
	r = ev_io_add(loop, nl->mon_fd, EPOLLIN, on_monitor, nl, &nl->io);
	if (r) {
		close(nl->fd);
		close(nl->mon_fd);
		free(nl);
		return r;
	}
	*nlp = nl;
	return 0;
}

void
tnld_nl_close(struct tnld_nl *nl)
{
	if (!nl)
		return;
	ev_io_del(nl->io);
	if (nl->settle)
		ev_timer_del(nl->settle);
	close(nl->fd);
	close(nl->mon_fd);
	free(nl);
}

/* ---- requests ---- */

struct nlreq {
	struct nlmsghdr h;
	union {
		struct rtmsg rt;
		struct ifinfomsg ifi;
		struct ndmsg nd;
	};
	char attrs[64];
};

bool
tnld_ip_is_v4(const struct in6_addr *a)
{
	return IN6_IS_ADDR_V4MAPPED(a);
}

bool
tnld_ip_parse(const char *s, struct in6_addr *a)
{
	struct in_addr v4;

	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, &v4) == 1) {
		if (!v4.s_addr)
			return false;
		a->s6_addr[10] = a->s6_addr[11] = 0xff;
		memcpy(a->s6_addr + 12, &v4, 4);
		return true;
	}
	return inet_pton(AF_INET6, s, a) == 1 && !IN6_IS_ADDR_UNSPECIFIED(a);
}

const char *
tnld_ip_text(const struct in6_addr *a, char buf[INET6_ADDRSTRLEN])
{
	if (tnld_ip_is_v4(a))
		return inet_ntop(AF_INET, a->s6_addr + 12, buf,
				 INET6_ADDRSTRLEN);
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/* An address attribute of @len bytes (4 or 16) into *@a. */
static void
attr_ip(const void *data, size_t len, struct in6_addr *a)
{
	memset(a, 0, sizeof *a);
	if (len == 4) {
		a->s6_addr[10] = a->s6_addr[11] = 0xff;
		memcpy(a->s6_addr + 12, data, 4);
	} else if (len == 16) {
		memcpy(a, data, 16);
	}
}

static void
add_attr(struct nlreq *q, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a =
		(struct rtattr *)((char *)q + NLMSG_ALIGN(q->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	q->h.nlmsg_len = NLMSG_ALIGN(q->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

typedef void reply_fn(const struct nlmsghdr *h, void *aux);

/* Sends @q and hands every reply message to @fn until the answer ends
 * (one message, or NLMSG_DONE of a dump).  0, or -errno (the kernel's
 * error, -ETIMEDOUT). */
static int
transact(struct tnld_nl *nl, struct nlreq *q, reply_fn *fn, void *aux)
{
	static char buf[32768];
	bool dump = q->h.nlmsg_flags & NLM_F_DUMP;

	q->h.nlmsg_seq = ++nl->seq;
	if (send(nl->fd, q, q->h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(nl->fd, buf, sizeof buf, 0);
		struct nlmsghdr *h;
		size_t left;

		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		left = (size_t)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != nl->seq)
				continue; /* a late answer to an old one */
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof *e))
					return -EBADMSG;
				if (e->error || !dump)
					return e->error;
				continue;
			}
			fn(h, aux);
			if (!dump)
				return 0;
		}
	}
}

static const struct rtattr *
attr_first(const struct nlmsghdr *h, size_t hdr, size_t *left)
{
	if (h->nlmsg_len < NLMSG_LENGTH(hdr)) {
		*left = 0;
		return NULL;
	}
	*left = h->nlmsg_len - NLMSG_LENGTH(hdr);
	return (const struct rtattr *)((const char *)NLMSG_DATA(h) +
				       NLMSG_ALIGN(hdr));
}

#define ATTRS_FOR_EACH(A, H, HDR, LEFT)                                     \
	for (size_t LEFT##_ = 0, *LEFT##p_ = &LEFT##_; LEFT##p_;            \
	     LEFT##p_ = NULL)                                               \
		for (const struct rtattr *A = attr_first(H, HDR, &LEFT##_); \
		     A && RTA_OK(A, LEFT##_); A = RTA_NEXT(A, LEFT##_))

static void
route_reply(const struct nlmsghdr *h, void *aux)
{
	struct tnld_underlay *u = aux;

	if (h->nlmsg_type != RTM_NEWROUTE)
		return;
	ATTRS_FOR_EACH(a, h, sizeof(struct rtmsg), left)
	{
		size_t len = RTA_PAYLOAD(a);

		if (a->rta_type == RTA_OIF && len >= 4)
			memcpy(&u->ifindex, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_PREFSRC)
			attr_ip(RTA_DATA(a), len, &u->src);
		else if (a->rta_type == RTA_GATEWAY)
			attr_ip(RTA_DATA(a), len, &u->nexthop);
	}
}

static void
link_reply(const struct nlmsghdr *h, void *aux)
{
	struct tnld_underlay *u = aux;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);

	if (h->nlmsg_type != RTM_NEWLINK ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof *ifi))
		return;
	u->carrier =
		(ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
	ATTRS_FOR_EACH(a, h, sizeof(struct ifinfomsg), left)
	{
		size_t len = RTA_PAYLOAD(a);

		if (a->rta_type == IFLA_IFNAME && len) {
			size_t n =
				len < sizeof u->dev ? len : sizeof u->dev - 1;
			memcpy(u->dev, RTA_DATA(a), n);
			u->dev[n] = 0;
		} else if (a->rta_type == IFLA_ADDRESS && len == 6) {
			memcpy(u->smac, RTA_DATA(a), 6);
		}
	}
}

static void
neigh_reply(const struct nlmsghdr *h, void *aux)
{
	struct tnld_underlay *u = aux;
	const struct ndmsg *nd = NLMSG_DATA(h);
	struct in6_addr dst;
	const uint8_t *mac = NULL;
	int af = tnld_ip_is_v4(&u->nexthop) ? AF_INET : AF_INET6;

	memset(&dst, 0, sizeof dst);
	if (h->nlmsg_type != RTM_NEWNEIGH ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof *nd) || nd->ndm_family != af ||
	    nd->ndm_ifindex != u->ifindex ||
	    !(nd->ndm_state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY |
			       NUD_PROBE | NUD_PERMANENT | NUD_NOARP)))
		return;
	ATTRS_FOR_EACH(a, h, sizeof(struct ndmsg), left)
	{
		if (a->rta_type == NDA_DST)
			attr_ip(RTA_DATA(a), RTA_PAYLOAD(a), &dst);
		else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6)
			mac = RTA_DATA(a);
	}
	if (!memcmp(&dst, &u->nexthop, sizeof dst) && mac) {
		memcpy(u->dmac, mac, 6);
		u->resolved = true;
	}
}

int
tnld_nl_resolve(struct tnld_nl *nl, const struct in6_addr *remote,
		struct tnld_underlay *u)
{
	bool v4 = tnld_ip_is_v4(remote);
	struct nlreq q;
	int r;

	memset(u, 0, sizeof *u);
	memset(&q, 0, sizeof q);
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof q.rt);
	q.h.nlmsg_type = RTM_GETROUTE;
	q.h.nlmsg_flags = NLM_F_REQUEST;
	q.rt.rtm_family = v4 ? AF_INET : AF_INET6;
	q.rt.rtm_dst_len = v4 ? 32 : 128;
	add_attr(&q, RTA_DST, v4 ? remote->s6_addr + 12 : remote->s6_addr,
		 v4 ? 4 : 16);
	r = transact(nl, &q, route_reply, u);
	if (r == -ENETUNREACH || r == -EHOSTUNREACH || (!r && !u->ifindex))
		return -ENETUNREACH;
	if (r)
		return r;
	if (IN6_IS_ADDR_UNSPECIFIED(&u->nexthop))
		u->nexthop = *remote;

	memset(&q, 0, sizeof q);
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof q.ifi);
	q.h.nlmsg_type = RTM_GETLINK;
	q.h.nlmsg_flags = NLM_F_REQUEST;
	q.ifi.ifi_index = u->ifindex;
	r = transact(nl, &q, link_reply, u);
	if (r)
		return r;

	memset(&q, 0, sizeof q);
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof q.nd);
	q.h.nlmsg_type = RTM_GETNEIGH;
	q.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.nd.ndm_family = v4 ? AF_INET : AF_INET6;
	return transact(nl, &q, neigh_reply, u);
}

void
tnld_nl_solicit(const struct in6_addr *remote)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(9) }; /* discard */
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6,
				    .sin6_port = htons(9) };
	bool v4 = tnld_ip_is_v4(remote);
	int fd = socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r;

	if (fd < 0)
		return;
	if (v4) {
		memcpy(&sa.sin_addr, remote->s6_addr + 12, 4);
		r = (int)sendto(fd, "", 0, MSG_DONTWAIT, (struct sockaddr *)&sa,
				sizeof sa);
	} else {
		sa6.sin6_addr = *remote;
		r = (int)sendto(fd, "", 0, MSG_DONTWAIT,
				(struct sockaddr *)&sa6, sizeof sa6);
	}
	if (r < 0)
		log_dbg("solicit: %s", strerror(errno));
	close(fd);
}
