/* SPDX-License-Identifier: Apache-2.0 */
/*
 * priv_test: the seccomp allow-list denies what no role may do (exec,
 * mount, ptrace, namespaces, id changes, module loading) with EPERM, keeps
 * what every role needs working, and applies to threads too.  Each case
 * runs in a child so the filter does not stay on the test.
 */
#include "priv.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tests/check.h"

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

static int
run_child(const char *role)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(filtered_child(role));
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

static void
test_every_role_denies_the_dangerous(void)
{
	for (size_t i = 0; i < n_roles; i++) {
		int bad = run_child(roles[i].name);
		if (bad)
			fprintf(stderr, "role %s: failure bits %#x\n",
				roles[i].name, bad);
		CHECK_EQ(bad, 0);
	}
}

static void
test_only_upcalld_may_bpf(void)
{
	for (size_t i = 0; i < n_roles; i++) {
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			priv_seccomp(&roles[i]);
			/* Bad arguments: EPERM only if filtered out. */
			long r = syscall(SYS_bpf, 0, NULL, 0);
			_exit(r == -1 && errno == EPERM ? 1 : 0);
		}
		waitpid(pid, &status, 0);
		bool upcalld = role_find("upcalld") == &roles[i];
		/* Without root the kernel itself says EPERM: only the
		 * denials are meaningful then. */
		if (geteuid() == 0 || !upcalld)
			CHECK_EQ(WEXITSTATUS(status), upcalld ? 0 : 1);
	}
}

int
main(void)
{
	CHECK_RUN(test_every_role_denies_the_dangerous);
	CHECK_RUN(test_only_upcalld_may_bpf);
	CHECK_EXIT();
}
