#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# python3-openvswitch's IDL works against microvs-dbserver.
. "$(dirname "$0")/lib.sh"
/usr/bin/python3 -c 'import ovs.db.idl' 2>/dev/null || exit 77
start_microvs "$TMP/mv"
ovs-vsctl --db="unix:$TMP/mv/db.sock" --no-wait init 2>/dev/null ||
	/usr/bin/python3 - "$TMP/mv/db.sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(json.dumps({"method": "transact", "id": 1, "params": ["Open_vSwitch",
    {"op": "insert", "table": "Open_vSwitch", "row": {}}]}).encode())
s.recv(65536)
PY
/usr/bin/python3 "$(dirname "$0")/idl_test.py" "unix:$TMP/mv/db.sock" "$SCHEMA"
