/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kctl_nl: the netlink plumbing of mvs-kctl: families, requests, replies,
 * the kernel's errors with their extended-ack message, raw messages.
 */
#include "kctl.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static const char *const fam_names[KF_N] = {
	[KF_DP] = MVS_DATAPATH_FAMILY, [KF_VPORT] = MVS_VPORT_FAMILY,
	[KF_FLOW] = MVS_FLOW_FAMILY,   [KF_PACKET] = MVS_PACKET_FAMILY,
	[KF_METER] = MVS_METER_FAMILY,
};

int
kctl_open(struct kctl *k)
{
	int one = 1;

	memset(k, 0, sizeof *k);
	k->sk = nl_socket_alloc();
	if (!k->sk)
		return -ENOMEM;
	if (genl_connect(k->sk) < 0) {
		nl_socket_free(k->sk);
		k->sk = NULL;
		return -ECONNREFUSED;
	}
	setsockopt(nl_socket_get_fd(k->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof one);
	nl_socket_set_buffer_size(k->sk, 1 << 20, 1 << 20);
	for (int f = 0; f < KF_N; f++) {
		k->fam[f] = genl_ctrl_resolve(k->sk, fam_names[f]);
		if (k->fam[f] < 0 && f != KF_METER) {
			kctl_close(k);
			return -ENOENT;
		}
	}
	return 0;
}

void
kctl_close(struct kctl *k)
{
	if (k->sk)
		nl_socket_free(k->sk);
	k->sk = NULL;
}

struct nl_msg *
kctl_msg(struct kctl *k, enum kctl_fam f, uint8_t cmd, int flags,
	 int dp_ifindex)
{
	struct nl_msg *msg = nlmsg_alloc_size(1 << 16);
	struct mvs_header *hdr;

	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->fam[f],
			  sizeof *hdr, flags, cmd, MVS_GENL_VERSION);
	hdr->dp_ifindex = dp_ifindex;
	return msg;
}

struct transact {
	struct kctl *k;
	int maxattr;
	kctl_reply_fn *fn;
	void *aux;
	int err;
	bool done;
};

/* The NLMSGERR_ATTR_MSG of an extended ack, if any. */
static void
ext_ack_msg(struct kctl *k, const struct nlmsghdr *nlh,
	    const struct nlmsgerr *e)
{
	size_t ofs = NLMSG_HDRLEN + sizeof *e;
	const struct nlattr *a;
	size_t left;

	k->errmsg[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ofs += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (ofs >= nlh->nlmsg_len)
		return;
	left = nlh->nlmsg_len - ofs;
	NL_ATTR_FOR_EACH(a, left, (const void *)((const char *)nlh + ofs), left)
	{
		if (nl_attr_type(a) == NLMSGERR_ATTR_MSG) {
			snprintf(k->errmsg, sizeof k->errmsg, "%.*s",
				 (int)nl_attr_len(a),
				 (const char *)nl_attr_data(a));
			return;
		}
	}
}

static int
on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct transact *t = arg;

	t->err = e->error;
	ext_ack_msg(t->k, (const struct nlmsghdr *)e - 1, e);
	t->done = true;
	return NL_STOP;
}

static int
on_ack(struct nl_msg *msg, void *arg)
{
	struct transact *t = arg;

	t->done = true;
	return NL_STOP;
}

static int
on_valid(struct nl_msg *msg, void *arg)
{
	struct transact *t = arg;
	struct nlattr *a[256];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (genlmsg_parse(nlh, sizeof(struct mvs_header), a, t->maxattr, NULL) <
	    0) {
		t->err = -EBADMSG;
		return NL_SKIP;
	}
	t->k->reply = nlh;
	if (t->fn)
		t->fn(t->aux, genlmsg_user_hdr(nlmsg_data(nlh)), a);
	t->k->reply = NULL;
	return NL_OK;
}

int
kctl_transact(struct kctl *k, struct nl_msg *msg, int maxattr,
	      kctl_reply_fn *fn, void *aux)
{
	struct transact t = {
		.k = k, .maxattr = maxattr, .fn = fn, .aux = aux
	};
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err;

	k->errmsg[0] = 0;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);
	err = nl_send_auto(k->sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	while (!t.done) {
		err = nl_recvmsgs(k->sk, cb);
		if (err < 0 && !t.done) {
			t.err = t.err ? t.err : -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return t.err;
}

int
kctl_raw(struct kctl *k, const void *buf, size_t len)
{
	int fd = nl_socket_get_fd(k->sk);
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	char reply[65536];
	ssize_t n;

	k->errmsg[0] = 0;
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof to) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *nlh = (const void *)reply;

		n = recv(fd, reply, sizeof reply, 0);
		if (n < 0)
			return -errno;
		for (; NLMSG_OK(nlh, (size_t)n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				ext_ack_msg(k, nlh, e);
				return e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
		}
	}
}

static void
got_ifindex(void *aux, const struct mvs_header *hdr, struct nlattr **a)
{
	*(int *)aux = hdr->dp_ifindex;
}

int
kctl_dp_ifindex(struct kctl *k, const char *name)
{
	struct nl_msg *msg = kctl_msg(k, KF_DP, MVS_CMD_GET, 0, 0);
	int ifindex = -ENODEV, err;

	nla_put_string(msg, MVS_DP_ATTR_NAME, name);
	err = kctl_transact(k, msg, MVS_DP_ATTR_MAX, got_ifindex, &ifindex);
	return err ? err : ifindex;
}

int
kctl_hex(const char *s, uint8_t *buf, size_t cap, size_t *len)
{
	*len = 0;
	while (*s) {
		unsigned v;

		if (*s == ' ' || *s == ':' || *s == '\n') {
			s++;
			continue;
		}
		if (*len >= cap || !s[1] || sscanf(s, "%2x", &v) != 1)
			return -EINVAL;
		buf[(*len)++] = (uint8_t)v;
		s += 2;
	}
	return 0;
}
