#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# SSL controllers (issues 9 and 13): Controller targets ssl:IP:PORT and
# pssl:PORT:IP, keyed by the SSL row (ovs-vsctl set-ssl), over lib/tls.
# A PKI from Debian's ovs-pki (the switch's and the controller's
# certificates) and one from ours (another CA).
#   keys:   an ssl: target without an SSL row, or with a key vswitchd
#           (its own user, no capability) cannot read, is not connected,
#           last_error="Protocol not available" as Open vSwitch 3.1
#           writes it, the reason in the log, vswitchd alive; a
#           set-ssl with readable files is taken without a restart.
#   ssl:    Debian's ovs-testcontroller on pssl: as a learning switch for
#           a secure bridge: is_connected true, h1 pings h2 through it.
#   bad CA: a controller whose certificate another CA signed is refused:
#           is_connected stays false, last_error="Protocol error".
#   pssl:   Debian's ovs-ofctl -p -c -C show / add-flow / dump-flows over
#           ssl:; a client of another CA and a plaintext client are
#           refused, and neither hangs vswitchd (the management socket
#           and ovs-ofctl over SSL still answer).
#   silent: a peer that never answers the handshake is given up after
#           the inactivity probe interval: last_error="Connection timed
#           out".
#   bootstrap: bootstrap_ca_cert=true with no CA file yet: vswitchd saves
#           the controller's CA and connects.
P=ossl$$
. "$(dirname "$0")/swlib.sh"
command -v ovs-testcontroller >/dev/null ||
	{ echo "skip: no ovs-testcontroller (openvswitch-testcontroller)"; exit 77; }
command -v ovs-pki >/dev/null || { echo "skip: no Debian ovs-pki"; exit 77; }
OURPKI=${MICROVS_SRC:?}/ctl/ovs-pki
sw_start
K=$T/keys
mkdir -p "$K"
chmod 755 "$K"
# pki TOOL DIR NAME...: a PKI in DIR by TOOL, with NAME-privkey.pem and
# NAME-cert.pem for each NAME=CA (switch or controller) in $K.
pki() {
	local tool=$1 dir=$2 w
	shift 2
	"$tool" -d "$dir" -l "$dir.log" init >/dev/null 2>&1 || return 1
	for w in "$@"; do
		(cd "$K" && "$tool" -d "$dir" -l "$dir.log" req+sign \
			"${w%=*}" "${w#*=}" >/dev/null 2>&1) || return 1
		# vswitchd reads them as its own user.
		chmod 644 "$K/${w%=*}-privkey.pem"
	done
}
check "a PKI by Debian's ovs-pki: switch and controller certificates" \
	pki ovs-pki "$K/pki" sw=switch ctl=controller
check "another CA by our ovs-pki: a controller certificate" \
	pki "$OURPKI" "$K/pki2" bad=controller
SWCA=$K/pki/switchca/cacert.pem
CTLCA=$K/pki/controllerca/cacert.pem

host h1 10.18.0.1 && host h2 10.18.0.2 || { fail "hosts"; finish; }
check "br0 (netdev, fail_mode=secure) with h1 h2" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev \
	fail_mode=secure -- \
	add-port br0 h1 -- set interface h1 ofport_request=1 -- \
	add-port br0 h2 -- set interface h2 ofport_request=2

status_has() {
	local st
	for _ in $(seq 100); do
		st=$(vsctl get controller br0 status)
		grep -q "$1" <<<"$st" && return 0
		sleep 0.1
	done
	echo "status: $st"
	return 1
}
LOG=$T/log/microvs-vswitchd.log
log_has() {
	for _ in $(seq 100); do grep -q "$1" "$LOG" && return 0; sleep 0.1; done
	return 1
}
VPID=$(pidof_role vswitchd)
alive() { [ "$(pidof_role vswitchd)" = "$VPID" ] && kill -0 "$VPID"; }

# --- keys ---
check "set-controller br0 ssl:127.0.0.1:16633 without an SSL row" \
	vsctl set-controller br0 ssl:127.0.0.1:16633
# Open vSwitch 3.1: {last_error="Protocol not available", state=BACKOFF}.
check "no keys: last_error=\"Protocol not available\", as Open vSwitch" \
	status_has '^{last_error="Protocol not available", state=BACKOFF}$'
check "no keys: the reason is logged" \
	log_has "Private key must be configured to use SSL"
check "no keys: not connected" ctrl_connected false
cp "$K/sw-privkey.pem" "$K/root-only.pem"
chmod 600 "$K/root-only.pem"
check "set-ssl with a key only root can read" \
	vsctl set-ssl "$K/root-only.pem" "$K/sw-cert.pem" "$CTLCA"
check "unreadable key: the reason (Permission denied) is logged" \
	log_has "root-only.pem.*Permission denied"
check "unreadable key: last_error=\"Protocol not available\"" \
	status_has 'last_error="Protocol not available"'
check "vswitchd is alive (the same process)" alive

# --- ssl: a learning-switch controller ---
# tc_ssl KEYNAME CA [ARGS...]: ovs-testcontroller on pssl:16633 with
# KEYNAME's certificate, trusting CA.
tc_ssl() {
	local k=$1 ca=$2
	shift 2
	ip netns exec "$P-sw" env OVS_RUNDIR="$T" ovs-testcontroller \
		-O OpenFlow13 --unixctl="$T/tc.ctl" -p "$K/$k-privkey.pem" \
		-c "$K/$k-cert.pem" -C "$ca" "$@" pssl:16633:127.0.0.1 \
		>>"$T/tc.log" 2>&1 &
	TC_PID=$!
	SW_PIDS+=($TC_PID)
}
tc_stop() { kill "$TC_PID"; wait "$TC_PID" 2>/dev/null; }
check "set-ssl with readable files (taken without a restart)" \
	vsctl set-ssl "$K/sw-privkey.pem" "$K/sw-cert.pem" "$CTLCA"

# --- a controller signed by another CA ---
# It trusts the switch's CA: only the switch's check can refuse it.
tc_ssl bad "$SWCA"
# Open vSwitch 3.1 writes {last_error="Protocol error",
# sec_since_disconnect="0", state=BACKOFF} (and no sec_since_connect).
check "another CA's controller: last_error=\"Protocol error\", as Open vSwitch" \
	status_has '^{last_error="Protocol error", sec_since_disconnect="[0-9]*", state=BACKOFF}$'
check "the certificate check is logged" log_has "certificate verify failed"
check "and it stays unconnected" \
	eval 'sleep 2; ! vsctl show | grep -q "is_connected: true"'
tc_stop

tc_ssl ctl "$SWCA"
check "ovs-testcontroller on pssl: is_connected: true" ctrl_connected true
# Open vSwitch 3.1 keeps the last error once connected (here "Protocol
# error", or "Connection refused" if a try came before the controller
# listened).
check "Controller status: state ACTIVE, the last error kept, as Open vSwitch" \
	status_has '^{last_error="[A-Za-z ]*", sec_since_connect="[0-9]*", sec_since_disconnect="[0-9]*", state=ACTIVE}$'
check "the controller installed priority=0 actions=CONTROLLER:128" \
	eval 'of dump-flows br0 | grep -q "priority=0 actions=CONTROLLER:128"'
check "h1 pings h2 through the controller over SSL" pings h1 10.18.0.2 5
check "the controller's learned flows count packets" \
	eval 'of dump-flows br0 | grep -v CONTROLLER | grep -q "n_packets=[1-9]"'
tc_stop
check "controller gone: is_connected false" ctrl_connected false

# --- pssl: service connections ---
check "set-controller br0 pssl:16634:127.0.0.1" \
	vsctl set-controller br0 pssl:16634:127.0.0.1
# ofs KEYNAME CA ARGS...: Debian's ovs-ofctl over ssl:127.0.0.1:16634.
ofs() {
	local k=$1 ca=$2 cmd=$3
	shift 3
	sw timeout 10 ovs-ofctl -p "$K/$k-privkey.pem" -c "$K/$k-cert.pem" \
		-C "$ca" "$cmd" ssl:127.0.0.1:16634 "$@"
}
listening() {
	for _ in $(seq 100); do
		sw ss -ltn | grep -q "127.0.0.1:16634" && return 0
		sleep 0.1
	done
	return 1
}
check "vswitchd listens on 127.0.0.1:16634" listening
ofs ctl "$SWCA" show >"$T/show.out" 2>&1
check "Debian's ovs-ofctl show ssl:: features reply with h1 and h2" \
	eval 'grep -q "OFPT_FEATURES_REPLY" "$T/show.out" &&
	      grep -q "1(h1)" "$T/show.out" && grep -q "2(h2)" "$T/show.out"'
check "Debian's ovs-ofctl add-flow ssl:" \
	ofs ctl "$SWCA" add-flow "priority=9,ip,nw_dst=10.18.0.99,actions=drop"
check "Debian's ovs-ofctl dump-flows ssl: shows it" \
	eval 'ofs ctl "$SWCA" dump-flows | grep -q "priority=9,ip,nw_dst=10.18.0.99 actions=drop"'
# Many records each way: 5,000 flow-mods in, a dump of several
# multipart messages out (partial TLS writes, buffered records).
for i in $(seq 5000); do
	echo "priority=3,tcp,tp_dst=$i,actions=drop"
done >"$T/many.flows"
check "Debian's ovs-ofctl add-flows of 5,000 flows over ssl:" \
	ofs ctl "$SWCA" add-flows "$T/many.flows"
check "dump-flows over ssl: shows the 5,000 (as the management socket)" \
	eval '[ "$(ofs ctl "$SWCA" dump-flows | grep -c "priority=3,tcp")" = 5000 ] &&
	      [ "$(of dump-flows br0 | grep -c "priority=3,tcp")" = 5000 ]'
check "another CA's client is refused" \
	eval '! ofs bad "$SWCA" show >"$T/bad.out" 2>&1'
# A plaintext OpenFlow hello, and a client that connects and says
# nothing: the first is closed on, the second waits on its own.
ip netns exec "$P-sw" python3 - >"$T/plain.out" 2>&1 <<'EOF' &
import socket, sys, time
idle = socket.create_connection(("127.0.0.1", 16634), timeout=5)
s = socket.create_connection(("127.0.0.1", 16634), timeout=10)
s.sendall(bytes([4, 0, 0, 8, 0, 0, 0, 1]))
try:
    data = s.recv(4096)
    # TLS answers a non-TLS record with an alert at most, then closes.
    while data and s.recv(4096):
        pass
    print("closed")
except ConnectionResetError:
    print("closed")
except socket.timeout:
    print("still open")
sys.stdout.flush()
time.sleep(60)
EOF
PLAIN=$!
SW_PIDS+=($PLAIN)
closed() { for _ in $(seq 150); do grep -q closed "$T/plain.out" && return 0; sleep 0.1; done; return 1; }
check "a plaintext client is closed on" closed
check "the management socket still answers (ovs-ofctl show br0)" \
	eval 'of show br0 | grep -q "OFPT_FEATURES_REPLY"'
check "ovs-ofctl over SSL still answers" \
	eval 'ofs ctl "$SWCA" show | grep -q "OFPT_FEATURES_REPLY"'
check "vswitchd is alive (the same process)" alive

# --- a peer that takes the TCP connection and never answers TLS ---
ip netns exec "$P-sw" python3 -c '
import socket, time
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 16635))
l.listen(8)
held = []
while True:
    held.append(l.accept()[0])
' >"$T/silent.log" 2>&1 &
SW_PIDS+=($!)
check "set-controller br0 ssl:127.0.0.1:16635 (silent), inactivity_probe=1000" \
	eval 'vsctl set-controller br0 ssl:127.0.0.1:16635 -- \
	      set controller br0 inactivity_probe=1000'
check "a silent peer: the handshake times out (last_error=\"Connection timed out\")" \
	status_has 'last_error="Connection timed out"'
check "vswitchd is alive (the same process)" alive

# --- bootstrap ---
BOOT=$T/boot
mkdir -p "$BOOT"
chown microvs-sw "$BOOT"
check "set-ssl --bootstrap with no CA file yet" \
	vsctl del-controller br0 -- --bootstrap set-ssl \
	"$K/sw-privkey.pem" "$K/sw-cert.pem" "$BOOT/cacert.pem"
tc_ssl ctl "$SWCA" --peer-ca-cert="$CTLCA"
check "set-controller br0 ssl:127.0.0.1:16633" \
	vsctl set-controller br0 ssl:127.0.0.1:16633
check "bootstrap: connected" ctrl_connected true
fpr() { openssl x509 -noout -fingerprint -sha256 -in "$1"; }
check "bootstrap: the controller's CA saved" \
	eval '[ "$(fpr "$BOOT/cacert.pem")" = "$(fpr "$CTLCA")" ]'
tc_stop
finish
