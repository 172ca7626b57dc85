# SPDX-License-Identifier: Apache-2.0
# Helpers for the scenarios that switch traffic: a microvs instance in a
# namespace of its own ($P-sw: the hypervisor, so its br0 and ovs-netdev
# devices are private to the test), hosts and VMs as network namespaces
# wired to it by veth pairs (or tap devices held by tests/tapvm, which
# plays qemu), and ovs-vsctl without --no-wait.  Every namespace name
# starts with $P, unique per test run, so runs never collide.  A test
# sets P (a few characters and $$) before sourcing this.
. "$(dirname "${BASH_SOURCE[0]}")/../system/lib.sh"
need_root
command -v ip >/dev/null || { echo "skip: no iproute2"; exit 77; }
: "${P:?set P before sourcing swlib.sh}"
VSCTL=$B/ctl/ovs-vsctl
TAPVM=$B/tests/tapvm
SW_NETNS=()
SW_PIDS=()

sw_cleanup() {
	for p in "${SW_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "${CTLARGS:-}" ] && stop_instance
	for n in "${SW_NETNS[@]}"; do ip netns del "$n" 2>/dev/null; done
}

# sw: runs a command in the switch's namespace.
sw() { ip netns exec "$P-sw" "$@"; }

# sw_start: a fresh instance (R, T, CTLARGS) in namespace $P-sw, cleaned
# up with everything else on exit.
sw_start() {
	trap sw_cleanup EXIT
	ip netns add "$P-sw" || { echo "skip: no network namespaces"; exit 77; }
	SW_NETNS+=("$P-sw")
	ip netns exec "$P-sw" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$P-sw" link set lo up
	T=$(mktemp -d /tmp/microvs-test.XXXXXX)
	chmod 755 "$T"
	R=$T/run
	CTLARGS="--rundir=$R --dbdir=$T/db --logdir=$T/log"
	sw $CTL $CTLARGS start >/dev/null || { echo "FAIL: start"; exit 1; }
}

# vsctl ARGS...: our ovs-vsctl on the instance, waiting for cur_cfg.
vsctl() { MICROVS_RUNDIR=$R "$VSCTL" --timeout=20 "$@"; }
# dpctl/fdb... through ovs-appctl without -t (it finds the process).
oappctl() { "$APPCTL" --rundir "$R" "$@"; }

# ns NAME: runs the rest in host NAME's namespace.
ns() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }

# host NAME IP [MTU]: namespace $P-NAME with eth0 (IP/24), wired to
# NAME in the switch's namespace (up, not yet on a bridge).
host() {
	local name=$1 ip=$2 mtu=${3:-}
	ip netns add "$P-$name" || return 1
	SW_NETNS+=("$P-$name")
	# No IPv6: its neighbour discovery would add traffic the tests count.
	ip netns exec "$P-$name" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$P-sw" link add "$name" type veth peer name eth0 \
		netns "$P-$name" || return 1
	if [ -n "$mtu" ]; then
		ip -n "$P-sw" link set "$name" mtu "$mtu"
		ip -n "$P-$name" link set eth0 mtu "$mtu"
	fi
	ip -n "$P-sw" link set "$name" up
	ip -n "$P-$name" link set lo up
	ip -n "$P-$name" link set eth0 up
	[ -n "$ip" ] && ip -n "$P-$name" addr add "$ip/24" dev eth0
	return 0
}

# vm NAME IP TAP: a "VM": namespace $P-NAME whose eth0 reaches tap device
# TAP (in the switch's namespace) through tapvm (the qemu of the test),
# which holds the tap.
vm() {
	local name=$1 ip=$2 tap=$3
	host "$name" "$ip" || return 1
	# Not through sw(): a function run in the background is a subshell,
	# and killing it would leave tapvm running.
	ip netns exec "$P-sw" "$TAPVM" "$tap" "$name" \
		>"$T/tapvm-$name.log" 2>&1 &
	SW_PIDS+=($!)
	for _ in $(seq 50); do
		grep -q ready "$T/tapvm-$name.log" 2>/dev/null && return 0
		sleep 0.05
	done
	cat "$T/tapvm-$name.log"
	return 1
}

# mac NAME: host NAME's eth0 address.
mac() { ip -n "$P-$1" -o link show eth0 | sed 's/.*link\/ether \([^ ]*\).*/\1/'; }

# pings FROM IP [COUNT]: COUNT pings (default 3) all answered.
pings() {
	ns "$1" ping -c "${3:-3}" -i 0.2 -W 2 -q "$2" >"$T/ping.out" 2>&1 &&
		grep -q " 0% packet loss" "$T/ping.out"
}

# no_ping FROM IP: none of 3 pings answered.
no_ping() { ! ns "$1" ping -c 3 -i 0.2 -W 1 -q "$2" >/dev/null 2>&1; }

# The scenarios' datapath: netdev (userspace, the default), or system
# where the kernel module is loaded (kmod/tests/guest/scenarios.sh runs
# them so in a guest).  DP is its name in dpctl, DP_INTERNAL how dpctl/show
# names an internal port's type there.
DP_TYPE=${MICROVS_DP_TYPE:-netdev}
DP="$DP_TYPE@ovs-$DP_TYPE"
if [ "$DP_TYPE" = system ]; then DP_INTERNAL=internal; else DP_INTERNAL=tap; fi

# netdev_br BR: add-br BR with the scenarios' datapath (userspace unless
# MICROVS_DP_TYPE says otherwise).
netdev_br() { vsctl add-br "$1" -- set bridge "$1" datapath_type="$DP_TYPE"; }

# dump_flows: dpctl/dump-flows of the instance.
dump_flows() { oappctl dpctl/dump-flows "$@"; }

# ifscripts_install: the seed's /etc/ovs-ifup and /etc/ovs-ifdown (under
# $T/etc), with our ovs-vsctl first on their PATH:
#   /sbin/ifconfig $1 0.0.0.0 up|down
#   ovs-vsctl add-port|del-port ${switch} $1
ifscripts_install() {
	local s op
	mkdir -p "$T/bin" "$T/etc"
	ln -sf "$VSCTL" "$T/bin/ovs-vsctl"
	for s in up down; do
		if [ $s = up ]; then op=add-port; else op=del-port; fi
		cat >"$T/etc/ovs-if$s" <<SCRIPT
#!/bin/sh
switch='br0'
/sbin/ifconfig \$1 0.0.0.0 $s
ovs-vsctl $op \${switch} \$1
SCRIPT
		chmod +x "$T/etc/ovs-if$s"
	done
}

# ifscript up|down TAP: runs the script as kvm would (on the hypervisor).
ifscript() {
	sw env PATH="$T/bin:$PATH" MICROVS_RUNDIR="$R" "$T/etc/ovs-if$1" "$2"
}

# The restart tests' measures: the IPv4 megaflows' ufids (sorted); the
# packets of the one from datapath port N; upcalld's installs so far.
sw_ufids() { dump_flows -m | grep "eth_type(0x0800)" | sed 's/ .*//' | sort; }
sw_pkts() {
	dump_flows | grep "eth_type(0x0800)" | grep "in_port($1)" |
		sed 's/.*packets:\([0-9]*\).*/\1/'
}
sw_installs() { oappctl -t upcalld coverage/read-counter upcall_flow_install; }

# sw_kill ROLE: kill -9 ROLE, check that the supervisor has it back, and
# give it 1.5 s.
sw_kill() {
	local role=$1 old new
	old=$(pidof_role "$role")
	kill -9 "$old"
	for _ in $(seq 300); do
		new=$(pidof_role "$role")
		[ -n "$new" ] && [ "$new" != "$old" ] &&
			appctl "$role" version >/dev/null 2>&1 && break
		sleep 0.01
	done
	check "$role restarted by the supervisor ($old -> $new)" \
		eval '[ -n "$new" ] && [ "$new" != "$old" ]'
	sleep 1.5
}

# ping_loss FILE: sets sent, got and lost from ping's summary in FILE.
ping_loss() {
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$1")
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1")
	lost=$((sent - got))
}

# ovs_ref_start: real Open vSwitch 3.1 (Debian's ovsdb-server and
# ovs-vswitchd, no IPv6) in namespace $P-ovs with its files in $O
# ($T/ovs), stopped on exit; ovs CMD... runs a command there with
# OVS_RUNDIR/DBDIR/LOGDIR set.  Skips (77) without Open vSwitch.
ovs() { ip netns exec "$P-ovs" env OVS_RUNDIR=$O OVS_DBDIR=$O OVS_LOGDIR=$O "$@"; }
ovs_ref_cleanup() {
	for p in ovs-vswitchd ovsdb-server; do
		[ -f "$O/$p.pid" ] && kill "$(cat "$O/$p.pid")" 2>/dev/null
	done
	sleep 0.3
	sw_cleanup
}
ovs_ref_start() {
	command -v ovs-vswitchd >/dev/null ||
		{ echo "skip: no Open vSwitch"; exit 77; }
	ip netns add "$P-ovs" && SW_NETNS+=("$P-ovs")
	ip netns exec "$P-ovs" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	O=$T/ovs
	mkdir -p "$O"
	trap ovs_ref_cleanup EXIT
	ovs ovsdb-tool create "$O/conf.db" \
		/usr/share/openvswitch/vswitch.ovsschema
	ovs ovsdb-server "$O/conf.db" --remote=punix:$O/db.sock --pidfile \
		--detach --log-file --no-chdir
	ovs ovs-vsctl --db=unix:$O/db.sock --no-wait init
	ovs ovs-vswitchd unix:$O/db.sock --pidfile --detach --log-file \
		--no-chdir -vconsole:off
}

# ovs_ref_bridge N: br0 (netdev) with ports h1..hN (numbers 1..N) on
# microvs (the hosts' veths, made by host) and on real Open vSwitch
# (veth ends in $P-ovs; ovs_ref_start first).
ovs_ref_bridge() {
	local n=$1 i ports=""
	for i in $(seq "$n"); do
		ip -n "$P-ovs" link add h$i type veth peer name p$i
		ip -n "$P-ovs" link set h$i up
		ip -n "$P-ovs" link set p$i up
		ports="$ports -- add-port br0 h$i -- set interface h$i ofport_request=$i"
	done
	# shellcheck disable=SC2086
	ovs ovs-vsctl --db=unix:$O/db.sock --timeout=20 add-br br0 -- \
		set bridge br0 datapath_type=netdev $ports ||
		fail "real Open vSwitch: br0"
	# shellcheck disable=SC2086
	check "microvs: br0 (netdev) with h1-h$n as ports 1-$n" \
		vsctl add-br br0 -- set bridge br0 datapath_type=netdev $ports
}

# ofdiff_start N NET: microvs (sw_start) with hosts h1..hN (NET.1 to
# NET.N) and real Open vSwitch (ovs_ref_start), each with br0 (netdev)
# and ports h1..hN numbered 1..N.
ofdiff_start() {
	local n=$1 net=$2 i
	sw_start
	for i in $(seq "$n"); do
		host h$i "$net.$i" || { fail "hosts"; finish; }
	done
	ovs_ref_start
	ovs_ref_bridge "$n"
}

# ofdiff_run WHO ARGS...: ovs-ofctl ARGS, WHO being m (Debian's on
# microvs), u (ours on microvs) or o (Debian's on Open vSwitch); its exit
# status and output, put through the caller's ofdiff_filter (a function
# from stdin to stdout), in $T/out.WHO.
ofdiff_run() {
	local who=$1 rc
	shift
	case $who in
	m) sw env OVS_RUNDIR="$R/vswitchd" ovs-ofctl "$@" ;;
	u) sw env MICROVS_RUNDIR="$R" "$B/ctl/ovs-ofctl" "$@" ;;
	o) ovs ovs-ofctl "$@" ;;
	esac >"$T/raw.$who" 2>&1
	rc=$?
	{
		echo "rc=$rc"
		ofdiff_filter <"$T/raw.$who"
	} >"$T/out.$who"
}

# The controller tests' helpers.
# of ARGS...: our ovs-ofctl on the instance.
of() { sw env MICROVS_RUNDIR="$R" "$B/ctl/ovs-ofctl" "$@"; }
# ctrl_connected true|false: ovs-vsctl show says (or no longer says)
# is_connected: true within 20 s.
ctrl_connected() {
	for _ in $(seq 200); do
		if vsctl show | grep -q "is_connected: true"; then
			[ "$1" = true ] && return 0
		else
			[ "$1" = false ] && return 0
		fi
		sleep 0.1
	done
	return 1
}
# eventually_pings FROM IP: one ping answered within 10 s.
eventually_pings() {
	for _ in $(seq 10); do pings "$1" "$2" 1 && return 0; sleep 0.5; done
	return 1
}
# tc_start TARGET: Debian's ovs-testcontroller (OpenFlow 1.3) on TARGET
# in the switch's namespace (TC_PID; log $T/tc.log).
tc_start() {
	# Not through sw(): a function in the background is a subshell.
	ip netns exec "$P-sw" env OVS_RUNDIR="$T" ovs-testcontroller \
		-O OpenFlow13 --unixctl="$T/tc.ctl" "$1" >>"$T/tc.log" 2>&1 &
	TC_PID=$!
	SW_PIDS+=($TC_PID)
}
# static_neigh PREFIX N...: hosts hN (at PREFIX.N) know each other's MAC
# addresses: no ARP refresh needs the controller at times a test does not
# choose.
static_neigh() {
	local prefix=$1 a b
	shift
	for a in "$@"; do
		for b in "$@"; do
			[ "$a" = "$b" ] && continue
			ns "h$a" ip neigh replace "$prefix.$b" \
				lladdr "$(mac "h$b")" dev eth0
		done
	done
}
# wait_line FILE LINE: FILE has the whole line LINE within 60 s.
wait_line() {
	for _ in $(seq 600); do grep -qx "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
