#!/bin/sh
# cairn-backup on the real test guest: a full backup, then an incremental after new data,
# zeros written over old data and a trim; each restores (qcow2 and raw) byte for byte as the
# disk was at its checkpoint; the incremental reads only what changed; verify passes, then
# finds a chunk damaged by hand; restore --to-domain defines a new domain on the restore.
# usage: full_and_incremental_restore.sh CAIRN CAIRN_BACKUP   (CAIRN_TEST_GUEST_DIR set)
set -eu
CAIRN=$1
CB=$2
. "$(dirname "$0")/guest_lib.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }

cb init >/dev/null
start_guest
guest "cairn-write-pattern /dev/vda 1048576 2097152 1"   # 2 MiB at 1 MiB
guest "cairn-write-pattern /dev/vda 20971520 1048576 2"  # 1 MiB at 20 MiB
cb backup vm --json >"$W/full.json" 2>"$W/full.err"
grep -q '"level":"full"' "$W/full.json" || fail "first backup is not a full: $(cat "$W/full.json")"
# --json progress: JSON lines on stderr, the last one per disk done with the whole disk covered.
grep '"progress"' "$W/full.err" | tail -1 | python3 -c 'import json,sys
p = json.load(sys.stdin)["progress"]
assert p["disk"] == "vda" and p["done"] and p["covered"] == p["size"] == 67108864, p' ||
  fail "no final progress line: $(cat "$W/full.err")"
# The disk as the full saw it (no guest writes since): copied with the guest stopped.
stop_guest
cp "$W/vda.qcow2" "$W/at_full.qcow2"
start_guest
guest "cairn-write-pattern /dev/vda 41943040 65536 3"    # 64 KiB of new data at 40 MiB
guest "dd if=/dev/zero of=/dev/vda bs=65536 seek=16 count=1 conv=fsync 2>/dev/null"  # zeros at 1 MiB
guest "blkdiscard -o 20971520 -l 1048576 /dev/vda"       # trim the 1 MiB at 20 MiB
guest "sync"
cb backup vm --json >"$W/inc.json"
grep -q '"level":"inc"' "$W/inc.json" || fail "second backup is not incremental: $(cat "$W/inc.json")"
read_bytes=$(sed 's/.*"read":\([0-9]*\).*/\1/' "$W/inc.json")
[ "$read_bytes" -le 131072 ] || fail "the incremental read $read_bytes bytes for 64 KiB of new data"
# 3 MiB written, 64 KiB zeroed, 1 MiB trimmed, 64 KiB new: 2 MiB hold data at the checkpoint.
grep -q '"allocated":2097152,' "$W/inc.json" || fail "zeros or the trim were not recorded: $(cat "$W/inc.json")"
stop_guest

cb list vm | grep -c "^2026\|^20[0-9][0-9]" | grep -qx 2 || fail "list does not show two backups"
full_id=$(sed 's/.*"id":"\([^"]*\)".*/\1/' "$W/full.json")
cb restore "vm@$full_id" --to "$W/r_full" >/dev/null
# On a terminal, restore draws a bar per disk on stderr.
script -qec "$CB -c '$URI' -r '$W/repo' restore vm --to '$W/r_inc' --format raw" /dev/null \
  >"$W/tty.out" </dev/null
grep -q "vda .*\] 100.0%" "$W/tty.out" || fail "no progress bar on a terminal: $(cat -v "$W/tty.out")"
qemu-img compare -q "$W/at_full.qcow2" "$W/r_full/vda.qcow2" || fail "the full does not restore"
qemu-img compare -q "$W/vda.qcow2" "$W/r_inc/vda.raw" || fail "the incremental does not restore"
# Thin: the restored raw image allocates about what the disk holds, not its 64 MiB.
used=$(du -k "$W/r_inc/vda.raw" | cut -f1)
[ "$used" -lt 8192 ] || fail "the restored raw image allocates ${used} KiB"

# --to-domain: a new domain defined from the saved XML on the restored disks; its first
# backup is a full, and an existing name is refused.
if cb restore vm --to "$W/r_dom" --to-domain vm >"$W/todom.out" 2>&1; then
  fail "restore --to-domain over an existing domain was accepted"
fi
grep -q "already exists" "$W/todom.out" || fail "no reason given: $(cat "$W/todom.out")"
cb restore vm --to "$W/r_dom" --to-domain vm2 >/dev/null
cairn dumpxml vm2 >"$W/vm2.xml"
grep -q "<source file='$W/r_dom/vda.qcow2'" "$W/vm2.xml" || fail "vm2 is not on the restored disk"
[ "$(cairn domuuid vm2)" != "$(cairn domuuid vm)" ] || fail "vm2 kept vm's uuid"
qemu-img compare -q "$W/vda.qcow2" "$W/r_dom/vda.qcow2" || fail "vm2's disk is not the backup"
cb backup vm2 --json >"$W/vm2.json"
grep -q '"level":"full"' "$W/vm2.json" || fail "vm2's first backup is not a full: $(cat "$W/vm2.json")"

# serve: the backup over NBD, read by nbdcopy and as the backing of a qcow2 overlay.
cb serve vm --socket "$W/serve.sock" >"$W/serve.out" 2>&1 &
SERVER=$!
i=0
until [ -S "$W/serve.sock" ]; do
  i=$((i + 1)); [ $i -lt 100 ] || fail "serve did not start: $(cat "$W/serve.out")"
  sleep 0.1
done
nbdcopy "nbd+unix:///?socket=$W/serve.sock" "$W/served.raw"
cmp -s "$W/served.raw" "$W/r_inc/vda.raw" || fail "the served disk differs from the restore"
nbdinfo --map "nbd+unix:///?socket=$W/serve.sock" | grep -q "hole,zero" ||
  fail "the served disk reports no holes"
qemu-img create -q -f qcow2 -F raw -b "nbd+unix:///?socket=$W/serve.sock" "$W/overlay.qcow2"
qemu-img compare -q "$W/overlay.qcow2" "$W/r_inc/vda.raw" || fail "an overlay on the served disk differs"
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true

cb list vm | grep -q "never *$" || fail "list does not say the backups were never verified"
cb verify >/dev/null || fail "verify of an intact repository failed"
[ "$(cb list vm | grep -c " ok *$")" -eq 2 ] || fail "list does not show both backups verified: $(cb list vm)"
# A byte inside the first chunk's frame of a pack.
pack=$(find "$W/repo/packs" -type f | head -1)
printf 'X' | dd of="$pack" bs=1 seek=10 conv=notrunc 2>/dev/null
if cb verify >"$W/verify.out" 2>&1; then fail "verify missed a damaged chunk"; fi
grep -q "damaged" "$W/verify.out" || fail "verify did not name the damage: $(cat "$W/verify.out")"
cb list vm --json | python3 -c 'import json,sys
b = json.load(sys.stdin)
assert any(x["verified"]["ok"] is False and x["verified"]["problems"] > 0 for x in b), b' ||
  fail "list does not show the damaged backup: $(cb list vm)"
cb info vm | grep -q "^Verified: *\(ok\|DAMAGED\)" || fail "info does not say when it was verified"
echo "PASS"
