/* SPDX-License-Identifier: Apache-2.0 */
/*
 * priv_test: the seccomp allow-list denies what no role may do (exec,
 * mount, ptrace, namespaces, id changes, module loading) with EPERM, keeps
 * what every role needs working, applies to threads too, and lets socket()
 * open only the address families of the role table.  Each case
 * runs in a child so the filter does not stay on the test.
 */
#include "priv.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define DENIED(call) ((call) == -1 && errno == EPERM)

static void *
thread_exec(void *arg)
{
	char *argv[] = { "/bin/false", NULL };
	execv("/bin/false", argv);
	return (void *)(long)errno;
}

/* Runs in the child; returns a bit per failed expectation. */
static int
filtered_child(const char *role)
{
	char *argv[] = { "/bin/false", NULL };
	int bad = 0;
	pthread_t t;
	void *res;

	/* A thread that exists before the filter, as nng's do. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    priv_seccomp(role_find(role)))
		return 1 << 0;
	if (!DENIED(execv("/bin/false", argv)))
		bad |= 1 << 1;
	if (!DENIED(mount("none", "/mnt", "tmpfs", 0, NULL)))
		bad |= 1 << 2;
	if (!DENIED(ptrace(PTRACE_TRACEME, 0, NULL, NULL)))
		bad |= 1 << 3;
	if (!DENIED(unshare(CLONE_NEWNET)))
		bad |= 1 << 4;
	if (!DENIED(setuid(0)))
		bad |= 1 << 5;
	if (!DENIED((int)syscall(SYS_delete_module, "x", 0)))
		bad |= 1 << 6;
	/* Still fine: the basics every role uses. */
	if (getpid() <= 0 || write(-1, "", 0) != -1 || errno != EBADF)
		bad |= 1 << 7;
	if (pthread_create(&t, NULL, thread_exec, NULL) ||
	    pthread_join(t, &res) || (long)res != EPERM)
		bad |= 1 << 8;
	return bad;
}

/* Runs @fn(@role) in a child under the filter: 0 when every expectation
 * held, else the child prints its failure bits and this returns 1. */
static int
run_child(int (*fn)(const char *), const char *role)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int bad = fn(role);
		if (bad)
			fprintf(stderr, "role %s: failure bits %#x\n", role,
				bad);
		_exit(bad ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/* socket() opens only the role's address families; others are EPERM. */
static int
family_child(const char *role)
{
	const struct role *r = role_find(role);
	int bad = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || priv_seccomp(r))
		return 1 << 0;
	for (size_t i = 0; i < n_role_families; i++) {
		int af = role_families[i].af;
		int fd = socket(af,
				af == AF_UNIX || af == AF_INET || af == AF_INET6
					? SOCK_STREAM
					: SOCK_RAW,
				0);
		int e = errno;
		bool denied = fd == -1 && e == EPERM;
		bool needs_no_privilege = af == AF_UNIX || af == AF_INET ||
					  af == AF_INET6 || af == AF_NETLINK;

		if (!role_allows_family(r, af) && !denied)
			bad |= 1 << (1 + i);
		if (role_allows_family(r, af) && needs_no_privilege && fd < 0)
			bad |= 1 << (8 + i);
		if (fd >= 0)
			close(fd);
	}
	return bad;
}

static void
test_every_role_denies_the_dangerous(void)
{
	for (size_t i = 0; i < n_roles; i++)
		CHECK_EQ(run_child(filtered_child, roles[i].name), 0);
}

static void
test_sockets_only_of_the_role_families(void)
{
	for (size_t i = 0; i < n_roles; i++)
		CHECK_EQ(run_child(family_child, roles[i].name), 0);
	/* The table says what the test expects: vtepd is AF_UNIX only. */
	CHECK(role_allows_family(role_find("vtepd"), AF_UNIX));
	CHECK(!role_allows_family(role_find("vtepd"), AF_INET));
	CHECK(role_allows_family(role_find("upcalld"), AF_XDP));
	CHECK(!role_allows_family(role_find("dbserver"), AF_PACKET));
}

/* Whether @r's row lists system call @name among its extras. */
static bool
lists_syscall(const struct role *r, const char *name)
{
	for (int i = 0; i < ROLE_MAX_SYSCALLS && r->syscalls[i]; i++)
		if (!strcmp(r->syscalls[i], name))
			return true;
	return false;
}

/* bpf() is not in the base list: a role may call it only if its row lists
 * it (upcalld does, for AF_XDP sockets). */
static void
test_only_the_roles_listing_bpf_may(void)
{
	CHECK(lists_syscall(role_find("upcalld"), "bpf"));
	for (size_t i = 0; i < n_roles; i++) {
		int status;
		bool may = lists_syscall(&roles[i], "bpf");
		pid_t pid = fork();

		if (pid == 0) {
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			priv_seccomp(&roles[i]);
			/* Bad arguments: EPERM only if filtered out. */
			long r = syscall(SYS_bpf, 0, NULL, 0);
			_exit(r == -1 && errno == EPERM ? 1 : 0);
		}
		waitpid(pid, &status, 0);
		/* Without root the kernel itself says EPERM: only the
		 * denials are meaningful then. */
		if (geteuid() == 0 || !may)
			CHECK_EQ(WEXITSTATUS(status), may ? 0 : 1);
	}
}

int
main(void)
{
	CHECK_RUN(test_every_role_denies_the_dangerous);
	CHECK_RUN(test_only_the_roles_listing_bpf_may);
	CHECK_RUN(test_sockets_only_of_the_role_families);
	CHECK_EXIT();
}
