#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Megaflows (issue 8, acceptance 3): after a ping, dpctl/dump-flows shows
# megaflows with hit counts, and after max-idle (500 ms here) they are
# gone.  Side by side with real Open vSwitch 3.1 (Debian's ovs-vswitchd,
# datapath_type=netdev, in a namespace of its own) on the same topology
# and packets: the ping's megaflows are the same (key and mask, with the
# statistics left out), and ofproto/trace prints the same for a unicast,
# a flooded and a VLAN-tagged packet, with the datapath port numbers
# mapped by name.
P=mfx$$
. "$(dirname "$0")/swlib.sh"
command -v ovs-vswitchd >/dev/null || { echo "skip: no Open vSwitch"; exit 77; }
sw_start
MAC1=02:00:00:00:71:01 MAC2=02:00:00:00:71:02
host h1 10.71.0.1 && host h2 10.71.0.2 && host h3 10.71.0.3 ||
	{ fail "hosts"; finish; }
ns h1 ip link set eth0 address $MAC1
ns h2 ip link set eth0 address $MAC2

# The same on real Open vSwitch: hosts o1 o2 o3, switch namespace $P-ovs.
ip netns add "$P-ovs" && SW_NETNS+=("$P-ovs")
O=$T/ovs
mkdir -p "$O"
ovs() { ip netns exec "$P-ovs" env OVS_RUNDIR=$O OVS_DBDIR=$O OVS_LOGDIR=$O "$@"; }
ovs_vsctl() { ovs ovs-vsctl --db=unix:$O/db.sock --timeout=20 "$@"; }
ovs_appctl() { ovs ovs-appctl -t "$O/ovs-vswitchd.$(cat $O/ovs-vswitchd.pid).ctl" "$@"; }
ovs_cleanup() {
	for p in ovs-vswitchd ovsdb-server; do
		[ -f "$O/$p.pid" ] && kill "$(cat "$O/$p.pid")" 2>/dev/null
	done
	sleep 0.3
	sw_cleanup
}
trap ovs_cleanup EXIT
ovs ovsdb-tool create "$O/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ovs ovsdb-server "$O/conf.db" --remote=punix:$O/db.sock --pidfile --detach \
	--log-file --no-chdir
ovs_vsctl --no-wait init
ovs ovs-vswitchd unix:$O/db.sock --pidfile --detach --log-file --no-chdir \
	-vconsole:off
# hosts o1..o3 wired to $P-ovs (host() wires to $P-sw: rewire them).
for i in 1 2 3; do
	ip netns add "$P-o$i" && SW_NETNS+=("$P-o$i")
	ip netns exec "$P-o$i" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$P-ovs" link add h$i type veth peer name eth0 netns "$P-o$i"
	ip -n "$P-ovs" link set h$i up
	ip -n "$P-o$i" link set eth0 up
	ip -n "$P-o$i" addr add 10.71.0.$i/24 dev eth0
done
ip -n "$P-o1" link set eth0 address $MAC1
ip -n "$P-o2" link set eth0 address $MAC2
ip -n "$P-o3" link set eth0 address 02:00:00:00:71:03
ns h3 ip link set eth0 address 02:00:00:00:71:03

for sw in vsctl ovs_vsctl; do
	check "$sw: br0 (netdev), h1 h2 h3 (h3 tag=7) as OpenFlow ports 1-3" \
		eval "$sw add-br br0 -- set bridge br0 datapath_type=netdev -- \
		add-port br0 h1 -- set interface h1 ofport_request=1 -- \
		add-port br0 h2 -- set interface h2 ofport_request=2 -- \
		add-port br0 h3 tag=7 -- set interface h3 ofport_request=3"
done

# The same packets on both: neighbours known, one ping each way; each
# switch's flows are dumped at once (before they may expire).
for n in h1 o1; do ip netns exec $P-$n ip neigh replace 10.71.0.2 lladdr $MAC2 dev eth0; done
for n in h2 o2; do ip netns exec $P-$n ip neigh replace 10.71.0.1 lladdr $MAC1 dev eth0; done
check "microvs: h1 pings h2" pings h1 10.71.0.2 3
oappctl dpctl/dump-flows -m >"$T/m.flows"
check "ovs: o1 pings o2" eval 'ip netns exec $P-o1 ping -c 3 -i 0.2 -W 2 -q 10.71.0.2 >/dev/null'
ovs_appctl dpctl/dump-flows -m >"$T/o.flows"

# The IPv4 megaflows: key and mask as -m prints them (ports by name),
# statistics and Open vSwitch's dp-extra-info left out.
flows() {
	sed 's/, dp-extra-info:.*//' "$1" |
		sed -n 's/^ufid:[^ ]* \(.*\), packets:.*actions:\(.*\)/\1 actions:\2/p' |
		grep "eth_type(0x0800)" | sort
}
check "microvs: megaflows with hit counts" eval \
	'grep "eth_type(0x0800)" "$T/m.flows" | grep -q "packets:[1-9]"'
flows "$T/m.flows" >"$T/m.cmp"; flows "$T/o.flows" >"$T/o.cmp"
check "the ping's megaflows equal Open vSwitch's (key, mask, actions)" eval \
	'[ -s "$T/m.cmp" ] && diff -u "$T/o.cmp" "$T/m.cmp"'

# ofproto/trace, after both learned the same MACs.  Datapath actions name
# ports by number: they become names (dpctl/show); and Open vSwitch floods
# in hash order, so a flood's actions become the sorted list of where each
# output goes with which tags (as vswitchd_xlate_test compares them).
normalize() { # normalize TRACE DPCTL-SHOW
	python3 - "$1" "$2" <<'PY'
import re, sys
trace, show = (open(f).read() for f in sys.argv[1:3])
names = dict(re.findall(r"^  port (\d+): (\S+)", show, re.M))
def acts(a):
    if a == "drop":
        return a
    tags, outs = list(initial), []
    for t in re.findall(r"[^,(]+(?:\([^)]*\))?", a):
        if t.isdigit():
            outs.append("%s%s" % (names.get(t, t), tags))
        elif t == "pop_vlan":
            tags = tags[1:]
        elif t.startswith("push_vlan("):
            tags = [t[10:-1]] + tags
        else:
            outs.append(t)
    return " ".join(sorted(outs))
m = re.search(r",dl_vlan=(\d+),dl_vlan_pcp=(\d+)", trace)
initial = ["vid=%s,pcp=%s" % m.groups()] if m else []
lines = []
for l in trace.splitlines():
    if l.startswith("Datapath actions: "):
        l = "Datapath actions: " + acts(l[18:])
    lines.append(l)
sys.stdout.write("\n".join(lines) + "\n")
PY
}
trace() { # trace WHO FLOW
	if [ $1 = m ]; then
		oappctl dpctl/show >"$T/show.m"; oappctl ofproto/trace br0 "$2"
	else
		ovs_appctl dpctl/show >"$T/show.o"; ovs_appctl ofproto/trace br0 "$2"
	fi >"$T/raw.$1" 2>&1
	normalize "$T/raw.$1" "$T/show.$1" >"$T/trace.$1"
}
n=0
for flow in \
	"in_port=1,icmp,dl_src=$MAC1,dl_dst=$MAC2,nw_src=10.71.0.1,nw_dst=10.71.0.2" \
	"in_port=2,arp,dl_src=$MAC2,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=10.71.0.2,arp_tpa=10.71.0.9,arp_op=1" \
	"in_port=1,tcp,dl_src=$MAC1,dl_dst=02:00:00:00:71:99,nw_src=10.71.0.1,nw_dst=10.71.0.99,tp_dst=80" \
	"in_port=3,icmp,dl_src=02:00:00:00:71:03,dl_dst=$MAC1,nw_src=10.71.0.3,nw_dst=10.71.0.1" \
	"in_port=1,dl_vlan=7,icmp,dl_src=$MAC1,dl_dst=02:00:00:00:71:03,nw_src=10.71.0.1,nw_dst=10.71.0.3"; do
	n=$((n + 1))
	trace m "$flow"; trace o "$flow"
	check "ofproto/trace $n equals Open vSwitch's ($flow)" \
		diff -u "$T/trace.o" "$T/trace.m"
done

# A port's link going down matters to fast failover groups only: with
# none, no megaflow is translated again (it made every one be, as each
# port's first state arrived a few seconds after it was added).
check "microvs: h1 pings h2 again" pings h1 10.71.0.2 3
retr() { oappctl -t vswitchd coverage/read-counter reval_retranslated; }
r0=$(retr)
sw ip link set h3 down
check "vswitchd sees h3's link down (link_state)" eval \
	'for _ in $(seq 80); do
	 [ "$(vsctl get interface h3 link_state)" = down ] && break; sleep 0.1
	 done; [ "$(vsctl get interface h3 link_state)" = down ]'
oappctl -t upcalld revalidator/wait; oappctl -t upcalld revalidator/wait
check "no megaflow was translated again ($r0 before, $(retr) after)" \
	[ "$(retr)" = "$r0" ]

check "microvs: max-idle 500 ms" vsctl set open . other_config:max-idle=500
check "after max-idle the megaflows are gone" eval \
	'for _ in $(seq 50); do [ "$(dump_flows | grep -c actions)" = 0 ] && break;
	 sleep 0.1; done; [ "$(dump_flows | grep -c actions)" = 0 ]'
check "upcall/show agrees" eval \
	'oappctl upcall/show | grep -q "(current 0)"'
# With no flows and no traffic nothing polls: the processes sleep.  Over
# 6 s that still includes a statistics refresh (every 5 s, as in Open
# vSwitch) and its status write: at most 3 ticks (30 ms, 0.5 % of a core);
# polling would use hundreds.
ticks() { awk '{ print $14 + $15 }' /proc/$(pidof_role $1)/stat; }
u0=$(ticks upcalld) v0=$(ticks vswitchd); sleep 6
u1=$(ticks upcalld) v1=$(ticks vswitchd)
check "idle: upcalld used $((u1 - u0)), vswitchd $((v1 - v0)) tick(s) in 6 s" \
	[ $((u1 - u0)) -le 3 -a $((v1 - v0)) -le 3 ]
finish
