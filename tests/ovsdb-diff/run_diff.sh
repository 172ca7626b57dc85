#!/bin/sh
# Differential OVSDB suite: real ovsdb-server vs microvs dbserver.
#
#   run_diff.sh                 real vs $MICROVS_DBSERVER_CMD (real vs real if unset)
#   run_diff.sh --record        write golden/ from real ovsdb-server
#   run_diff.sh --golden        $MICROVS_DBSERVER_CMD (or real) vs golden/
#   run_diff.sh [--cases GLOB]... [--fresh] [--keep] [-q]
#
# MICROVS_DBSERVER_CMD: shell command template starting our server in the
#   foreground; placeholders {sock} (unix socket to listen on), {dbdir}
#   (directory holding conf.db, vtep.db, difftest.db) and {dbs} (those three
#   paths, space separated).
# MICROVS_OVSDB_TOOL: ovsdb-tool used to create our database files
#   (default: the real ovsdb-tool).
# Exit: 0 identical, 1 differences, 77 real ovsdb-server missing.
here=$(cd "$(dirname "$0")" && pwd)
mode=diff
case "${1:-}" in
    --record) mode=record; shift ;;
    --golden) mode=golden; shift ;;
esac
exec /usr/bin/python3 "$here/ovsdb_diff.py" "$mode" "$@"
