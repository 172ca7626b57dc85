#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S17 (issue 9): a libvirt domain whose interface is
# <source bridge='helloworld'/> <virtualport type='openvswitch'/> gets its
# port on the bridge through libvirt's own ovs-vsctl call, and the bridge
# is attached to a controller (Debian's ovs-testcontroller): ovs-vsctl
# show reports is_connected: true.  libvirtd (Debian's, qemu driver, TCG)
# runs in the switch's namespace and in a private mount namespace (its
# run, state, cache and log directories are tmpfs there: nothing of the
# machine's own libvirt is touched, not even its definitions in
# /etc/libvirt/qemu), with a qemu.conf of its own (root,
# no cgroups, no virtlogd, no security driver).  libvirt runs "ovs-vsctl"
# from its PATH: first on it is a wrapper that runs Debian's ovs-vsctl
# against our dbserver (--db=unix:RUNDIR/db.sock).  The domain boots
# nothing; only its port matters:
#   virsh start: the tap is a port of helloworld with an ofport, and the
#   Interface row carries what libvirt set (external_ids attached-mac,
#   iface-id, vm-id, iface-status=active); ovs-vsctl show lists it.
#   virsh destroy: libvirt's del-port removes it.
P=s17$$
. "$(dirname "$0")/swlib.sh"
command -v libvirtd >/dev/null && command -v virsh >/dev/null ||
	{ echo "skip: no libvirt (libvirt-daemon-system)"; exit 77; }
QEMU=$(command -v qemu-system-x86_64) ||
	{ echo "skip: no qemu-system-x86_64"; exit 77; }
command -v unshare >/dev/null || { echo "skip: no unshare"; exit 77; }
sw_start
LV=$T/libvirt
mkdir -p "$LV/sock" "$LV/bin"
cat >"$LV/bin/ovs-vsctl" <<WRAP
#!/bin/sh
echo "ovs-vsctl \$*" >>"$LV/ovs-vsctl.calls"
exec /usr/bin/ovs-vsctl --db=unix:$R/db.sock "\$@"
WRAP
chmod +x "$LV/bin/ovs-vsctl"
cat >"$LV/libvirtd.conf" <<CONF
unix_sock_dir = "$LV/sock"
unix_sock_rw_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "3:file:$LV/libvirtd.log"
CONF
cat >"$LV/qemu.conf" <<CONF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
stdio_handler = "file"
namespaces = [ ]
CONF
# The private mount namespace: tmpfs over libvirt's directories, our
# qemu.conf over the machine's; libvirtd stays in the foreground.
cat >"$LV/run.sh" <<RUN
#!/bin/sh
set -e
for d in /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt \
	/etc/libvirt/qemu; do
	mkdir -p "\$d"
	mount -t tmpfs tmpfs "\$d"
done
mkdir -p /var/lib/libvirt/qemu /var/log/libvirt/qemu /var/cache/libvirt/qemu
mount --bind "$LV/qemu.conf" /etc/libvirt/qemu.conf
exec env PATH="$LV/bin:\$PATH" libvirtd --config "$LV/libvirtd.conf"
RUN
chmod +x "$LV/run.sh"
ip netns exec "$P-sw" unshare -m --propagation private "$LV/run.sh" \
	>"$LV/libvirtd.out" 2>&1 &
SW_PIDS+=($!)
URI="qemu:///system?socket=$LV/sock/libvirt-sock"
virsh_() { ip netns exec "$P-sw" virsh -q -c "$URI" "$@"; }
# A domain left running (a failed check) goes before libvirtd does.
trap 'virsh_ destroy "$P" >/dev/null 2>&1; sw_cleanup' EXIT
up=
for _ in $(seq 100); do
	virsh_ version >/dev/null 2>&1 && { up=1; break; }
	sleep 0.2
done
if [ -z "$up" ]; then
	echo "skip: libvirtd does not run here"
	cat "$LV/libvirtd.out"
	tail -5 "$LV/libvirtd.log" 2>/dev/null
	exit 77
fi
check "helloworld (netdev)" vsctl add-br helloworld -- set bridge helloworld datapath_type=netdev
if command -v ovs-testcontroller >/dev/null; then
	tc_start ptcp:16656:127.0.0.1
	check "set-controller helloworld tcp:127.0.0.1:16656" \
		vsctl set-controller helloworld tcp:127.0.0.1:16656
fi
MAC=52:54:00:17:00:01
TAP=s17vnet$$
TAP=${TAP:0:15}
cat >"$LV/dom.xml" <<XML
<domain type='qemu'>
  <name>$P</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>$QEMU</emulator>
    <interface type='bridge'>
      <source bridge='helloworld'/>
      <virtualport type='openvswitch'/>
      <mac address='$MAC'/>
      <target dev='$TAP'/>
      <model type='e1000'/>
    </interface>
  </devices>
</domain>
XML
check "virsh define" virsh_ define "$LV/dom.xml"
if ! virsh_ start "$P" >"$LV/start.out" 2>&1; then
	cat "$LV/start.out"
	tail -20 "$LV/libvirtd.log"
	fail "virsh start"
	finish
fi
pass "virsh start"
check "libvirt ran ovs-vsctl add-port helloworld $TAP" \
	grep -q -- "add-port helloworld $TAP" "$LV/ovs-vsctl.calls"
sed 's/^/  libvirt: /' "$LV/ovs-vsctl.calls"
check "the tap is a port of helloworld" eval 'vsctl list-ports helloworld | grep -qx "$TAP"'
check "with an ofport" eval '[ "$(vsctl get interface "$TAP" ofport)" -gt 0 ]'
check "external_ids:attached-mac is the domain's MAC" \
	eval 'vsctl get interface "$TAP" external_ids:attached-mac | grep -q "$MAC"'
UUID=$(virsh_ domuuid "$P")
check "external_ids:vm-id is the domain's uuid" \
	eval 'vsctl get interface "$TAP" external_ids:vm-id | grep -q "$UUID"'
check "external_ids:iface-status=active" \
	eval 'vsctl get interface "$TAP" external_ids:iface-status | grep -q active'
check "ovs-vsctl show lists it under helloworld" \
	eval 'vsctl show | grep -q "Port $TAP"'
if command -v ovs-testcontroller >/dev/null; then
	check "ovs-vsctl show: is_connected: true" ctrl_connected true
	vsctl show | sed 's/^/  /'
fi
check "the datapath has it" eval 'oappctl dpctl/show | grep -q "$TAP"'
check "virsh destroy" virsh_ destroy "$P"
check "libvirt's del-port removed it" \
	eval 'grep -q -- "del-port $TAP" "$LV/ovs-vsctl.calls" &&
	      ! vsctl list-ports helloworld | grep -qx "$TAP"'
virsh_ undefine "$P" >/dev/null 2>&1
finish
