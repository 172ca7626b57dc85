#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The two-hypervisor tunnel layout of scenario S7, for the tests that use
# it (source after hostslib.sh).
#   tnl_hosts TYPE [OPTIONS1 [OPTIONS2]]
# Hosts 1 and 2 (namespaces $P-host1, $P-host2) joined by a veth cable
# between their eth0, in a bridge br-phy whose own port holds the host's
# underlay address 192.168.77.N/24 (Open vSwitch's userspace tunnelling
# layout); br-int with VM vmN (namespace $P-vmN, 10.77.0.N/24, MTU 1450:
# room for the outer header) and patch-tun; br-tun with patch-int and
# TYPE0 (type TYPE, remote_ip the other host, plus OPTIONSN: more
# "options:k=v" words for host N's tunnel port).  With TNL_LINUX_HOST2=1
# host 2 is no switch but Linux's own: a TYPE device (VNI/key 0) and a
# Linux bridge with vm2, its underlay address on eth0.  With
# TNL_OVS_HOST2=1 host 2 runs Debian's real Open vSwitch instead
# (tnl_ovs_host): br-phy with eth0 and the underlay address on its own
# port, br-int with vm2 and TYPE0, every file of it under $T/ovs.  With
# TNL_UNDERLAY6=1 (microvs hosts) the underlay is IPv6 only: fd77::N/64
# on br-phy, remote_ip the other's (tnl_addr N).
tnl_linux_host() {
	local h=$1 type=$2 o=$((3 - $1)) ns=$P-host$1
	ip -n $ns addr add 192.168.77.$h/24 dev eth0
	case $type in
	vxlan) ip -n $ns link add ${type}0 type vxlan id 0 dstport 4789 \
		remote 192.168.77.$o local 192.168.77.$h ;;
	geneve) ip -n $ns link add ${type}0 type geneve id 0 \
		remote 192.168.77.$o ;;
	gre) ip -n $ns link add ${type}0 type gretap \
		remote 192.168.77.$o local 192.168.77.$h ;;
	esac 2>/dev/null || {
		echo "skip: this kernel has no $type devices"
		exit 77
	}
	ip -n $ns link add br0 type bridge
	ip -n $ns link set ${type}0 master br0 up
	ip -n $ns link set vm$h master br0
	ip -n $ns link set br0 up
}

# tunneld_back N OLD_PID REMOTE: host N's tunneld is a new process (not
# OLD_PID) and has resolved REMOTE's underlay again.
tunneld_back() {
	[ "$(cat "$T/h$1/run/tunneld.pid")" != "$2" ] &&
		hostctl "$1" -t tunneld tnl/neigh/show | grep -q "^$3 "
}
# tnl_diag N: what host N's tunneld, vswitchd and supervisor say of the
# tunnel routes, for a failed check.
tnl_diag() {
	local l=$T/h$1/log
	echo "    host$1 tunneld.pid: $(cat "$T/h$1/run/tunneld.pid")"
	hostctl "$1" -t tunneld tnl/neigh/show 2>&1 | sed 's/^/    neigh: /'
	tail -n 12 "$l/microvs-tunneld.log" | sed 's/^/    /'
	grep -h 'tnlroutes\|tunnel' "$l/microvs-vswitchd.log" | tail -n 12 |
		sed 's/^/    /'
	grep -h tunneld "$l/microvs-ctl.log" | tail -n 6 | sed 's/^/    /'
}

# ovs_vsctl ARGS, ovs_appctl ARGS: Debian's tools on host 2's real Open
# vSwitch (TNL_OVS_HOST2=1).
ovs_vsctl() { ovs-vsctl --db="unix:$T/ovs/db.sock" --timeout=20 "$@"; }
ovs_appctl() { ovs-appctl -t "$T/ovs/ovs-vswitchd.ctl" "$@"; }
tnl_ovs_stop() {
	[ -f "$T/ovs/ovs-vswitchd.pid" ] &&
		ovs_appctl exit --cleanup >/dev/null 2>&1
	[ -f "$T/ovs/ovsdb-server.pid" ] &&
		kill "$(cat "$T/ovs/ovsdb-server.pid")" 2>/dev/null
}
# tnl_ovs_start N: Debian's ovsdb-server and ovs-vswitchd in host N's
# namespace, every file under $T/ovs.
tnl_ovs_start() {
	local h=$1 ns=$P-host$1 od=$T/ovs
	command -v ovs-vswitchd >/dev/null || {
		echo "skip: no Open vSwitch"
		exit 77
	}
	# (Not "d": check() sets it.)
	mkdir -p "$od"
	trap 'tnl_ovs_stop; hosts_cleanup' EXIT
	trap 'exit 143' TERM INT
	# Its own run, database and log directories: the system's Open
	# vSwitch (if any) is never touched.
	export OVS_RUNDIR=$od OVS_DBDIR=$od OVS_LOGDIR=$od OVS_SYSCONFDIR=$od
	check "host$h: Open vSwitch's database" \
		ovsdb-tool create "$od/conf.db" \
		/usr/share/openvswitch/vswitch.ovsschema
	check "host$h: ovsdb-server starts" ip netns exec "$ns" \
		ovsdb-server "$od/conf.db" --remote="punix:$od/db.sock" \
		--pidfile="$od/ovsdb-server.pid" --log-file="$od/ovsdb-server.log" \
		--unixctl="$od/ovsdb-server.ctl" --detach --no-chdir -vconsole:off
	ovs_vsctl --no-wait init
	check "host$h: ovs-vswitchd starts" ip netns exec "$ns" \
		ovs-vswitchd "unix:$od/db.sock" --pidfile="$od/ovs-vswitchd.pid" \
		--log-file="$od/ovs-vswitchd.log" \
		--unixctl="$od/ovs-vswitchd.ctl" --detach --no-chdir -vconsole:off
}
tnl_ovs_host() {
	local h=$1 type=$2 opts=$3 o=$((3 - $1)) ns=$P-host$1

	tnl_ovs_start "$h"
	[ "${TNL_UNDERLAY6:-0}" = 1 ] &&
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.disable_ipv6=0
	check "host$h (Open vSwitch): br-phy with the cable" ovs_vsctl \
		add-br br-phy -- set bridge br-phy datapath_type=netdev -- \
		add-port br-phy eth0
	if [ "${TNL_UNDERLAY6:-0}" = 1 ]; then
		ip -n "$ns" addr add fd77::$h/64 dev br-phy nodad
		net=fd77::/64
	else
		ip -n "$ns" addr add 192.168.77.$h/24 dev br-phy
		net=192.168.77.0/24
	fi
	ip -n "$ns" link set br-phy up
	check "host$h (Open vSwitch): br-int with vm$h and $type" eval "
		ovs_vsctl add-br br-int -- set bridge br-int datapath_type=netdev \
			-- add-port br-int vm$h -- add-port br-int ${type}0 \
			-- set interface ${type}0 type=$type \
			options:remote_ip=$(tnl_addr $o) $opts"
	for _ in $(seq 50); do
		ovs_appctl ovs/route/show | grep -q "$net dev br-phy" && break
		sleep 0.1
	done
	check "host$h (Open vSwitch): ovs/route/show routes the underlay by br-phy" \
		eval "ovs_appctl ovs/route/show | grep -q '$net dev br-phy'"
}

# tnl_addr N: host N's underlay address.
tnl_addr() {
	if [ "${TNL_UNDERLAY6:-0}" = 1 ]; then
		echo "fd77::$1"
	else
		echo "192.168.77.$1"
	fi
}
tnl_hosts() {
	local type=$1 h o
	local -a opts=("" "${2:-}" "${3:-}")

	for n in host1 host2 vm1 vm2; do mkns $n; done
	ip -n "$P-host1" link add eth0 type veth peer name eth0 netns "$P-host2"
	for h in 1 2; do
		ip -n "$P-host$h" link add vm$h type veth peer name eth0 \
			netns "$P-vm$h"
		ip -n "$P-host$h" link set eth0 up
		ip -n "$P-host$h" link set vm$h up
		ip -n "$P-vm$h" link set eth0 up mtu 1450
		ip -n "$P-vm$h" addr add 10.77.0.$h/24 dev eth0
	done
	for h in 1 2; do
		o=$((3 - h))
		if [ $h = 2 ] && [ "${TNL_LINUX_HOST2:-0}" = 1 ]; then
			tnl_linux_host 2 "$type"
			continue
		fi
		if [ $h = 2 ] && [ "${TNL_OVS_HOST2:-0}" = 1 ]; then
			tnl_ovs_host 2 "$type" "${opts[2]}"
			continue
		fi
		check "host$h: its own microvs instance starts" host_start $h
		# TNL_UNDERLAY6=1: an IPv6-only underlay, fd77::1 and ::2.
		[ "${TNL_UNDERLAY6:-0}" = 1 ] &&
			ip netns exec "$P-host$h" sysctl -qw \
				net.ipv6.conf.all.disable_ipv6=0 \
				net.ipv6.conf.default.disable_ipv6=0
		check "host$h: br-phy with the cable" eval "vsctl $h add-br br-phy -- \
			set bridge br-phy datapath_type=netdev -- \
			add-port br-phy eth0"
		if [ "${TNL_UNDERLAY6:-0}" = 1 ]; then
			ip -n "$P-host$h" addr add fd77::$h/64 dev br-phy nodad
		else
			ip -n "$P-host$h" addr add 192.168.77.$h/24 dev br-phy
		fi
		ip -n "$P-host$h" link set br-phy up
		check "host$h: br-int and br-tun with patch ports and $type" eval "
			vsctl $h add-br br-int -- set bridge br-int datapath_type=netdev &&
			vsctl $h add-br br-tun -- set bridge br-tun datapath_type=netdev &&
			vsctl $h add-port br-int vm$h &&
			vsctl $h add-port br-int patch-tun -- set interface patch-tun \
				type=patch options:peer=patch-int &&
			vsctl $h add-port br-tun patch-int -- set interface patch-int \
				type=patch options:peer=patch-tun &&
			vsctl $h add-port br-tun ${type}0 -- set interface ${type}0 \
				type=$type options:remote_ip=$(tnl_addr $o) ${opts[$h]}"
	done
}
