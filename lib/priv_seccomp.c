/* SPDX-License-Identifier: Apache-2.0 */
/*
 * priv_seccomp: the last step of the privilege drop, a seccomp allow-list
 * (STYLE.md rule 2).  Every system call not listed fails with EPERM: no
 * exec, no ptrace, no mount, no module loading, no id or capability
 * change, no namespaces.  The filter is synchronised to every thread (nng's
 * included).  One base list covers what glibc, nng, msgpack-c, jansson and
 * SQLite use; a role adds only the calls its row in the role table lists
 * (struct role's syscalls), and socket() is allowed only for its address
 * families (struct role's families).
 */
#include "priv.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>

#include "log.h"

LOG_MODULE(seccomp);

static const char *const base_syscalls[] = {
	/* files and I/O */
	"read",
	"write",
	"readv",
	"writev",
	"pread64",
	"pwrite64",
	"preadv",
	"pwritev",
	"open",
	"openat",
	"close",
	"close_range",
	"lseek",
	"stat",
	"fstat",
	"lstat",
	"newfstatat",
	"statx",
	"statfs",
	"fstatfs",
	"access",
	"faccessat",
	"faccessat2",
	"readlink",
	"readlinkat",
	"getdents64",
	"getcwd",
	"fcntl",
	"flock",
	"fsync",
	"fdatasync",
	"ftruncate",
	"fallocate",
	"fadvise64",
	"rename",
	"renameat",
	"renameat2",
	"unlink",
	"unlinkat",
	"mkdir",
	"mkdirat",
	"rmdir",
	"chmod",
	"fchmod",
	"fchmodat",
	"umask",
	"ioctl",
	"dup",
	"dup2",
	"dup3",
	"pipe",
	"pipe2",
	"sendfile",
	/* memory */
	"brk",
	"mmap",
	"munmap",
	"mremap",
	"mprotect",
	"madvise",
	"msync",
	"mincore",
	"membarrier",
	/* events and time */
	"poll",
	"ppoll",
	"select",
	"pselect6",
	"epoll_create",
	"epoll_create1",
	"epoll_ctl",
	"epoll_wait",
	"epoll_pwait",
	"epoll_pwait2",
	"eventfd",
	"eventfd2",
	"signalfd",
	"signalfd4",
	"timerfd_create",
	"timerfd_settime",
	"timerfd_gettime",
	"nanosleep",
	"clock_nanosleep",
	"clock_gettime",
	"clock_getres",
	"gettimeofday",
	"time",
	"getitimer",
	"setitimer",
	"alarm",
	/* sockets (socket() itself: by the role's address families) */
	"socketpair",
	"bind",
	"listen",
	"accept",
	"accept4",
	"connect",
	"shutdown",
	"getsockname",
	"getpeername",
	"setsockopt",
	"getsockopt",
	"sendto",
	"recvfrom",
	"sendmsg",
	"recvmsg",
	"sendmmsg",
	"recvmmsg",
	/* processes, threads, signals */
	"clone",
	"clone3",
	"exit",
	"exit_group",
	"wait4",
	"kill",
	"tgkill",
	"tkill",
	"futex",
	"set_robust_list",
	"get_robust_list",
	"set_tid_address",
	"rseq",
	"sched_yield",
	"sched_getaffinity",
	"rt_sigaction",
	"rt_sigprocmask",
	"rt_sigreturn",
	"rt_sigtimedwait",
	"rt_sigsuspend",
	"sigaltstack",
	"restart_syscall",
	"prctl",
	"arch_prctl",
	"getpid",
	"getppid",
	"gettid",
	"getpgrp",
	"getuid",
	"geteuid",
	"getgid",
	"getegid",
	"getgroups",
	"getresuid",
	"getresgid",
	"capget",
	"getrlimit",
	"prlimit64",
	"getrusage",
	"sysinfo",
	"times",
	"uname",
	"getrandom",
};

static void
add_rule(scmp_filter_ctx ctx, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	/* A name this architecture lacks (e.g. "open" on arm64) is fine. */
	if (nr != __NR_SCMP_ERROR)
		seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
}

int
priv_seccomp(const struct role *r)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int err;

	if (!ctx) {
		log_warn("seccomp unavailable: running without a system call "
			 "filter");
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(base_syscalls); i++)
		add_rule(ctx, base_syscalls[i]);
	for (int i = 0; i < ROLE_MAX_SYSCALLS && r->syscalls[i]; i++)
		add_rule(ctx, r->syscalls[i]);
	for (int i = 0; i < ROLE_MAX_FAMILIES && r->families[i]; i++)
		seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)r->families[i]));
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err == -EINVAL || err == -ENOSYS) {
		log_warn("kernel lacks seccomp filters (%s): running without "
			 "a system call filter",
			 strerror(-err));
		return 0;
	}
	if (err)
		log_err("cannot load the seccomp filter: %s", strerror(-err));
	return err;
}
