/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_kmod_tx: the kernel datapath's sender thread (see the header).
 * The module handles a send's messages in order inside the send and
 * queues an answer for each failure before the send returns, so the
 * thread reads them all at once, without waiting, and a batch is over
 * when the thread says so: whatever the loop sends after that (on its
 * own socket) comes after the batch.
 */
#include "upcalld_kmod_tx.h"

#include <errno.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

LOG_MODULE(kmod_tx);

#define TX_RX_BUF (1u << 17) /* an answer echoes its request: up to 64 KB */

struct kmod_tx {
	struct nl_sock *sk;
	int efd;
	struct ev_io *io;
	kmod_tx_done_fn *done;
	void *aux;
	size_t cap;
	bool busy; /* loop thread only */
	pthread_t thread;
	bool started;

	pthread_mutex_t mu;
	pthread_cond_t cv; /* a batch, a result, or stop */
	/* Under mu: */
	uint8_t *job;	/* the batch; once sent, the next free buffer */
	size_t job_len; /* 0: none waiting for the thread */
	bool finished;	/* the batch's result is ready */
	bool stop;
	int send_err;
	struct kmod_tx_fail *fails; /* written by the thread in a batch */
	size_t n_fails, cap_fails;
	uint8_t *rx;
};

/* Sends the batch and collects the failures the module queued. */
static void
tx_send(struct kmod_tx *tx, const uint8_t *data, size_t len)
{
	int fd = nl_socket_get_fd(tx->sk);
	ssize_t n;

	tx->n_fails = 0;
	tx->send_err = 0;
	do
		n = send(fd, data, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		tx->send_err = -errno;
		return;
	}
	while ((n = recv(fd, tx->rx, TX_RX_BUF, MSG_DONTWAIT)) > 0) {
		const struct nlmsghdr *nlh = (const void *)tx->rx;

		for (; NLMSG_OK(nlh, (size_t)n); nlh = NLMSG_NEXT(nlh, n)) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);

			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_len < NLMSG_LENGTH(sizeof *e) ||
			    !e->error)
				continue;
			ARRAY_GROW(tx->fails, tx->n_fails, tx->cap_fails);
			tx->fails[tx->n_fails++] =
				(struct kmod_tx_fail){ nlh->nlmsg_seq,
						       e->error };
		}
	}
}

static void *
tx_main(void *arg)
{
	struct kmod_tx *tx = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&tx->mu);
	for (;;) {
		while (!tx->job_len && !tx->stop)
			pthread_cond_wait(&tx->cv, &tx->mu);
		if (!tx->job_len)
			break;
		pthread_mutex_unlock(&tx->mu);
		tx_send(tx, tx->job, tx->job_len);
		pthread_mutex_lock(&tx->mu);
		tx->job_len = 0;
		tx->finished = true;
		pthread_cond_broadcast(&tx->cv);
		if (write(tx->efd, &one, sizeof one) < 0 && errno != EAGAIN)
			log_warn("eventfd write: %s", strerror(errno));
	}
	pthread_mutex_unlock(&tx->mu);
	return NULL;
}

/* Hands a finished batch's result to done; false if none is ready. */
static bool
collect(struct kmod_tx *tx)
{
	bool finished;

	pthread_mutex_lock(&tx->mu);
	finished = tx->finished;
	tx->finished = false;
	pthread_mutex_unlock(&tx->mu);
	if (!finished)
		return false;
	/* The thread touches fails again only for a new batch. */
	tx->busy = false;
	tx->done(tx->aux, tx->send_err, tx->fails, tx->n_fails);
	return true;
}

static void
on_result(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	uint64_t n;

	(void)io;
	(void)revents;
	if (read(fd, &n, sizeof n) < 0 && errno != EAGAIN)
		log_warn("eventfd read: %s", strerror(errno));
	collect(arg);
}

int
kmod_tx_new(struct ev_loop *loop, size_t cap, kmod_tx_done_fn *done, void *aux,
	    struct kmod_tx **txp)
{
	struct kmod_tx *tx = xzalloc(sizeof *tx);
	sigset_t all, old;
	int r;

	tx->done = done;
	tx->aux = aux;
	tx->cap = cap;
	tx->efd = -1;
	pthread_mutex_init(&tx->mu, NULL);
	pthread_cond_init(&tx->cv, NULL);
	tx->job = xmalloc(cap);
	tx->rx = xmalloc(TX_RX_BUF);
	tx->sk = nl_socket_alloc();
	if (!tx->sk || genl_connect(tx->sk) < 0) {
		r = -ENOMEM;
		goto fail;
	}
	nl_socket_set_buffer_size(tx->sk, TX_RX_BUF, (int)(2 * cap));
	tx->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (tx->efd < 0) {
		r = -errno;
		goto fail;
	}
	r = ev_io_add(loop, tx->efd, EPOLLIN, on_result, tx, &tx->io);
	if (r)
		goto fail;
	/* The thread takes no signal: the loop's signalfd gets them, also
	 * those a program adds after opening its datapath (dp_driver's
	 * SIGUSR1 went to this thread and killed the process). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&tx->thread, NULL, tx_main, tx);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		goto fail;
	tx->started = true;
	*txp = tx;
	return 0;

fail:
	kmod_tx_free(tx);
	return r;
}

void
kmod_tx_free(struct kmod_tx *tx)
{
	if (!tx)
		return;
	if (tx->started) {
		kmod_tx_wait(tx);
		pthread_mutex_lock(&tx->mu);
		tx->stop = true;
		pthread_cond_broadcast(&tx->cv);
		pthread_mutex_unlock(&tx->mu);
		pthread_join(tx->thread, NULL);
	}
	if (tx->io)
		ev_io_del(tx->io);
	if (tx->efd >= 0)
		close(tx->efd);
	if (tx->sk)
		nl_socket_free(tx->sk);
	pthread_cond_destroy(&tx->cv);
	pthread_mutex_destroy(&tx->mu);
	free(tx->fails);
	free(tx->job);
	free(tx->rx);
	free(tx);
}

bool
kmod_tx_busy(const struct kmod_tx *tx)
{
	return tx->busy;
}

void
kmod_tx_start(struct kmod_tx *tx, uint8_t **buf, size_t len)
{
	uint8_t *free_buf;

	if (tx->busy || !len)
		abort();
	tx->busy = true;
	pthread_mutex_lock(&tx->mu);
	free_buf = tx->job;
	tx->job = *buf;
	tx->job_len = len;
	pthread_cond_broadcast(&tx->cv);
	pthread_mutex_unlock(&tx->mu);
	*buf = free_buf;
}

void
kmod_tx_wait(struct kmod_tx *tx)
{
	if (!tx->busy)
		return;
	pthread_mutex_lock(&tx->mu);
	while (!tx->finished)
		pthread_cond_wait(&tx->cv, &tx->mu);
	pthread_mutex_unlock(&tx->mu);
	collect(tx);
}
