#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# checked_stream "RX-PREFIX" "TX-PREFIX" IP [MB]: MB (default 16) megabytes
# of a known pattern over TCP, from a sender run with TX-PREFIX (a command
# prefix such as "ip netns exec NS") to a receiver on IP:5001 run with
# RX-PREFIX; true if the receiver saw exactly the bytes sent (length and
# SHA-256).  Gives up after 60 s without progress.  Uses $T.
checked_stream() {
	local rx=$1 tx=$2 ip=$3 mb=${4:-16} pid want
	$rx python3 -c '
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(60); s.bind((sys.argv[1], 5001)); s.listen(1)
c, _ = s.accept(); c.settimeout(60); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(1 << 16)
    if not b: break
    h.update(b); n += len(b)
print(n, h.hexdigest())' "$ip" >"$T/stream.rx" &
	pid=$!
	# The receiver may not listen yet (Python starting on a busy
	# machine): the sender tries again for up to 30 s.
	want=$($tx python3 -c '
import hashlib, socket, sys, time
data = bytes(range(256)) * (4096 * int(sys.argv[2]))
for i in range(300):
    try:
        s = socket.create_connection((sys.argv[1], 5001), timeout=60)
        break
    except ConnectionRefusedError:
        if i == 299: raise
        time.sleep(0.1)
s.sendall(data); s.close()
print(len(data), hashlib.sha256(data).hexdigest())' "$ip" "$mb")
	wait $pid
	[ -n "$want" ] && [ "$want" = "$(cat "$T/stream.rx")" ]
}
