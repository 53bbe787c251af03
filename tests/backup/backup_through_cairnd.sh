#!/bin/sh
# cairn-backup through cairnd (qemu+unix://, Cairn's remote driver on libvirt's protocol)
# on the real test guest: a full and an incremental of the running domain, the incremental
# reading only what changed, both restoring byte for byte, and verify passing. The same
# tool, the same repository format, whichever way the connection goes.
# usage: backup_through_cairnd.sh CAIRN CAIRN_BACKUP CAIRND   (CAIRN_TEST_GUEST_DIR set)
set -eu
CAIRN=$1
CB=$2
CAIRND=$3
. "$(dirname "$0")/guest_lib.sh"
fail() { echo "FAIL: $*" >&2; cat "$W/cairnd.log" >&2 2>/dev/null || true; exit 1; }
RUN=$(mktemp -d /tmp/cb-cairnd.XXXXXX)  # a unix socket path has at most 107 bytes
"$CAIRND" --root "$W/daemon-root" --listen "$RUN" 2>"$W/cairnd.log" &
DAEMON=$!
trap 'cleanup; kill $DAEMON 2>/dev/null; wait $DAEMON 2>/dev/null; rm -rf "$RUN"' EXIT
URI="qemu+unix:///system?socket=$RUN/cairn-sock"
i=0
until [ -S "$RUN/cairn-sock" ]; do
  i=$((i + 1)); [ $i -lt 200 ] || fail "cairnd did not start"
  sleep 0.05
done

cb init >/dev/null
start_guest
guest "cairn-write-pattern /dev/vda 1048576 2097152 1"
cb backup vm --json >"$W/full.json"
grep -q '"level":"full"' "$W/full.json" || fail "first backup is not a full: $(cat "$W/full.json")"
stop_guest
cp "$W/vda.qcow2" "$W/at_full.qcow2"
start_guest
guest "cairn-write-pattern /dev/vda 41943040 65536 3"
guest "sync"
cb backup vm --json >"$W/inc.json"
grep -q '"level":"inc"' "$W/inc.json" || fail "second backup is not incremental: $(cat "$W/inc.json")"
read_bytes=$(sed 's/.*"read":\([0-9]*\).*/\1/' "$W/inc.json")
[ "$read_bytes" -le 131072 ] || fail "the incremental read $read_bytes bytes for 64 KiB of new data"
[ "$(cairn checkpoint-list vm --name | grep -c '^cb-')" -eq 1 ] ||
  fail "cairn-backup's older checkpoint was not dropped through cairnd"
stop_guest

full_id=$(sed 's/.*"id":"\([^"]*\)".*/\1/' "$W/full.json")
cb restore "vm@$full_id" --to "$W/r_full" >/dev/null
cb restore vm --to "$W/r_inc" >/dev/null
qemu-img compare -q "$W/at_full.qcow2" "$W/r_full/vda.qcow2" || fail "the full does not restore"
qemu-img compare -q "$W/vda.qcow2" "$W/r_inc/vda.qcow2" || fail "the incremental does not restore"
cb verify >/dev/null || fail "verify failed"
echo "PASS"
