#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# db.sock answers to the bus's permission table: a role user connects only
# if the catalogue lets its role send ovsdb_call.  upcalld's user (which
# the catalogue forbids) tries to add a bridge with Debian's ovs-vsctl
# through db.sock: refused, logged with uid and role, nothing written.
# vswitchd's user and root (and a non-role user the socket's group lets
# in) keep working.
. "$(dirname "$0")/lib.sh"
need_root
command -v setpriv >/dev/null || { echo "skip: setpriv missing"; exit 77; }
VSCTL=/usr/bin/ovs-vsctl
[ -x $VSCTL ] || { echo "skip: Debian's ovs-vsctl missing"; exit 77; }
start_instance
gid=$(getent group microvs | cut -d: -f3)
as() { # as USER|UID COMMAND...
	u=$1; shift
	setpriv --reuid="$u" --regid="$gid" --clear-groups "$@"
}
vsctl() { OVS_RUNDIR=$R timeout 20 $VSCTL --timeout=10 --no-wait "$@"; }
log=$T/log/microvs-dbserver.log

uid=$(id -u microvs-dp)
out=$(as "$uid" env OVS_RUNDIR="$R" timeout 20 $VSCTL --timeout=10 \
	--no-wait add-br evil 2>&1); rc=$?
check "upcalld's user cannot add a bridge through db.sock (rc $rc)" test $rc -ne 0
check "no bridge evil" eval '! vsctl list-br | grep -qx evil'
check "the refusal names uid and role" \
	grep -q "refused a connection from uid $uid (upcalld)" "$log"
check "the refusal says why" grep -q "does not let upcalld send ovsdb_call" "$log"

uid=$(id -u microvs-db)
check "dbserver's own user is refused too" \
	eval '! as microvs-db env OVS_RUNDIR="$R" timeout 20 $VSCTL --timeout=10 --no-wait list-br >/dev/null 2>&1'
check "logged" grep -q "refused a connection from uid $uid (dbserver)" "$log"

check "vswitchd's user may (the catalogue allows vswitchd)" \
	eval 'as microvs-sw env OVS_RUNDIR="$R" timeout 20 $VSCTL --timeout=10 --no-wait add-br from-sw'
check "vtepd's user may" \
	eval 'as microvs-vtep env OVS_RUNDIR="$R" timeout 20 $VSCTL --timeout=10 --no-wait add-br from-vtep'
check "a non-role user in group microvs (an operator) may" \
	eval 'as 65534 env OVS_RUNDIR="$R" timeout 20 $VSCTL --timeout=10 --no-wait add-br from-op'
check "root may" vsctl add-br from-root
check "exactly those bridges" \
	eval 'test "$(vsctl list-br | tr "\n" " ")" = "from-op from-root from-sw from-vtep "'
check "dbserver still serves root" eval 'vsctl show >/dev/null'
finish
