/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_kmod_tx: the kernel datapath's sender thread.  The upcall
 * path's installs and executes go to the module in one send per batch,
 * and the module does their work (flow inserts, the packets' actions, as
 * far as the receiving sockets) inside that send: in bench_kmod's flow
 * setup about 0.6 ms of upcalld's 0.8 ms per new flow.  On the loop
 * thread that work stopped the reading of misses and the talk with
 * vswitchd; this thread does it on a netlink socket of its own while the
 * loop goes on, as Open vSwitch's handler threads do theirs.  One batch
 * at a time: the loop fills the next meanwhile.  The thread sleeps when
 * it has none (no polling) and hands each result back through an
 * eventfd.
 */
#ifndef UPCALLD_KMOD_TX_H
#define UPCALLD_KMOD_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev.h"

struct kmod_tx;

/* A message of a batch that failed: its sequence number and -errno. */
struct kmod_tx_fail {
	uint32_t seq;
	int err;
};

/* A batch's result, on the loop thread: @send_err is the send's -errno
 * (every message lost) or 0, @fails the messages the module refused;
 * valid during the call only.  The callee may start the next batch. */
typedef void kmod_tx_done_fn(void *aux, int send_err,
			     const struct kmod_tx_fail *fails, size_t n_fails);

/* Starts the thread with a generic netlink socket of its own and buffers
 * of @cap bytes; results come to @done on @loop.  0 or -errno. */
int kmod_tx_new(struct ev_loop *loop, size_t cap, kmod_tx_done_fn *done,
		void *aux, struct kmod_tx **txp);
/* Waits for the batch in hand (its result goes to done), stops the
 * thread, frees everything.  NULL is fine. */
void kmod_tx_free(struct kmod_tx *tx);
/* True from kmod_tx_start until its result was handed to done. */
bool kmod_tx_busy(const struct kmod_tx *tx);
/* Hands the @len bytes of netlink messages at *@buf (a buffer of the
 * capacity given to kmod_tx_new) to the thread, to go in one send, and
 * puts in *@buf a free buffer of that capacity for the next batch.  Must
 * not be busy.  Never blocks. */
void kmod_tx_start(struct kmod_tx *tx, uint8_t **buf, size_t len);
/* Blocks until the batch in hand, if any, is sent and its result handed
 * to done (which may start another: the caller loops if it needs the
 * thread idle). */
void kmod_tx_wait(struct kmod_tx *tx);

#endif
