/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kctl: mvs-kctl, the kernel module's test client.  It speaks the generic
 * netlink families of include/uapi/microvs_dp.h through libnl-genl-3:
 * datapaths, ports, flows (in Open vSwitch's dpctl syntax, lib/flow/odp.h),
 * meters, upcalls and execute, plus the checks the kmod tests run (malformed
 * input, key extraction against lib/flow).
 */
#ifndef MICROVS_KCTL_H
#define MICROVS_KCTL_H

#include <netlink/genl/genl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "microvs_dp.h"
#include "nlattr.h"

enum kctl_fam { KF_DP, KF_VPORT, KF_FLOW, KF_PACKET, KF_METER, KF_N };

/* One netlink socket and the family ids. */
struct kctl {
	struct nl_sock *sk;
	int fam[KF_N];	  /* fam[KF_METER] < 0: a module without meters */
	char errmsg[256]; /* the kernel's extack message of the last error */
	/* The reply a kctl_reply_fn is called for, while it runs. */
	const struct nlmsghdr *reply;
};

/* Connects and resolves the families (the meter family only if the
 * module has it).  0, or -ENOENT when the module is not loaded, or
 * -errno. */
int kctl_open(struct kctl *k);
void kctl_close(struct kctl *k);

/* A request of family @f, command @cmd, for datapath @dp_ifindex. */
struct nl_msg *kctl_msg(struct kctl *k, enum kctl_fam f, uint8_t cmd, int flags,
			int dp_ifindex);

/* Called for each reply message with its attributes (indexed by type,
 * up to @maxattr) and its header. */
typedef void kctl_reply_fn(void *aux, const struct mvs_header *hdr,
			   struct nlattr **a);

/* Sends @msg (freed) and reads replies until the ack or the end of a
 * dump, parsing each with @maxattr attributes for @fn (may be NULL).
 * 0, or the kernel's -errno (its message in k->errmsg). */
int kctl_transact(struct kctl *k, struct nl_msg *msg, int maxattr,
		  kctl_reply_fn *fn, void *aux);

/* Sends @len raw bytes as one message and returns the kernel's answer
 * (0 for an ack or a reply, else -errno).  For malformed requests. */
int kctl_raw(struct kctl *k, const void *buf, size_t len);

/* The ifindex of datapath @name, or -ENODEV. */
int kctl_dp_ifindex(struct kctl *k, const char *name);

/* kctl_bad.c: every malformed request of the acceptance list; prints
 * one line per case and returns the number that were not refused as
 * expected. */
int kctl_badinput(struct kctl *k, const char *dp);

/* kctl_keys.c: sends a corpus of frames into @peer (whose other end is
 * a port of @dp), reads the miss upcalls and compares each key with
 * lib/flow's flow_extract() on the frame the upcall carries.  Returns
 * the number of mismatches (and of frames that never came up). */
int kctl_keycheck(struct kctl *k, const char *dp, const char *peer);

/* Parses a hex string (spaces and colons ignored) into at most @cap
 * bytes at @buf, setting *@len.  0 or -EINVAL. */
int kctl_hex(const char *s, uint8_t *buf, size_t cap, size_t *len);

#endif
