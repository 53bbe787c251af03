#!/bin/sh
# cairn-backup on the real test guest with two disks and an encrypted repository: both disks
# are backed up in one job; no guest data appears in the repository's files; the repository
# refuses to open without its key or with another one; a bitmap removed by hand from one
# disk makes that disk alone read in full while the other stays incremental; a disk added
# to the domain is read in full within the next incremental run; every backup restores byte
# for byte; prune keeps exactly the policy's backups, gc frees the packs only the pruned
# ones used, and every kept backup still restores and verifies.
# usage: encrypted_two_disks_lost_bitmap_prune.sh CAIRN CAIRN_BACKUP   (CAIRN_TEST_GUEST_DIR set)
set -eu
CAIRN=$1
CB=$2
DISKS="vda vdb"
. "$(dirname "$0")/guest_lib.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
# The bytes of the repository's pack files (its fan-out directories do not count).
pack_bytes() { find "$W/repo/packs" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
# disk_field FILE DISK FIELD: a field of one disk in a `backup --json` summary.
disk_field() {
  python3 -c 'import json,sys
s = json.load(open(sys.argv[1]))
print(next(d for d in s["disks"] if d["name"] == sys.argv[2])[sys.argv[3]])' "$@"
}
keep_disks() { for d in $DISKS; do cp "$W/$d.qcow2" "$W/$d.at_$1.qcow2"; done; }
restores_as() {  # restores_as BACKUP TAG: every disk of BACKUP equals the copy kept as TAG
  rm -rf "$W/r"
  cb --key "$W/key" restore "vm@$1" --to "$W/r" >/dev/null || fail "backup $1 ($2) does not restore"
  for d in $DISKS; do
    qemu-img compare -q "$W/$d.at_$2.qcow2" "$W/r/$d.qcow2" || fail "disk $d of backup $2 differs"
  done
}
id_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$1"; }

cb init --encrypt "$W/key" >/dev/null
[ "$(stat -c %a "$W/key")" = 600 ] || fail "the key file is not 0600"
if cb list >"$W/nokey.out" 2>&1; then fail "an encrypted repository opened without its key"; fi
grep -qi "key" "$W/nokey.out" || fail "no word about the key: $(cat "$W/nokey.out")"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$W/other.key"
chmod 600 "$W/other.key"
if cb --key "$W/other.key" list >"$W/badkey.out" 2>&1; then fail "a wrong key opened the repository"; fi

# Full: both disks, one job, a marker a plain-text repository would show.
start_guest
guest "cairn-write-pattern /dev/vda 1048576 1048576 1"
guest "cairn-write-pattern /dev/vdb 2097152 1048576 2"
guest "echo CAIRN_PLAINTEXT_MARKER_0123456789 | dd of=/dev/vdb bs=4096 seek=1024 conv=fsync 2>/dev/null"
cb --key "$W/key" backup vm --json >"$W/b1.json"
stop_guest
keep_disks b1
[ "$(disk_field "$W/b1.json" vdb allocated)" -gt 0 ] || fail "vdb was not backed up"
if grep -rqa CAIRN_PLAINTEXT_MARKER "$W/repo"; then fail "guest data is readable in the repository"; fi

# Incremental on both disks.
start_guest
guest "cairn-write-pattern /dev/vda 8388608 65536 3"
guest "cairn-write-pattern /dev/vdb 8388608 65536 4"
cb --key "$W/key" backup vm --json >"$W/b2.json"
stop_guest
keep_disks b2
for d in $DISKS; do
  [ "$(disk_field "$W/b2.json" $d read_in_full)" = False ] || fail "$d of b2 was read in full"
  [ "$(disk_field "$W/b2.json" $d read)" -le 131072 ] || fail "$d of b2 read too much"
done

# vdb's bitmap removed by hand (the domain is shut off): vdb alone is read in full, and its
# unchanged chunks are not stored again.
checkpoint=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["checkpoint"])' "$W/b2.json")
qemu-img bitmap --remove "$W/vdb.qcow2" "$checkpoint"
qemu-io -f qcow2 -c "write -P 0x77 1M 64K" "$W/vda.qcow2" >/dev/null  # over b1's data
cb --key "$W/key" backup vm --json >"$W/b3.json" 2>"$W/b3.err"
keep_disks b3
grep -q '"level":"inc"' "$W/b3.json" || fail "b3 is not incremental: $(cat "$W/b3.json")"
[ "$(disk_field "$W/b3.json" vda read_in_full)" = False ] || fail "vda fell back with vdb"
[ "$(disk_field "$W/b3.json" vdb read_in_full)" = True ] || fail "vdb without its bitmap was not read in full"
disk_field "$W/b3.json" vdb full_read_reason | grep -q "missing" ||
  fail "vdb's reason does not name the missing bitmap: $(disk_field "$W/b3.json" vdb full_read_reason)"
grep -q "vdb" "$W/b3.err" || fail "the fallback was not announced: $(cat "$W/b3.err")"
[ "$(disk_field "$W/b3.json" vdb stored)" -lt 65536 ] || fail "vdb's full read stored known chunks again"

# One more, then every point restores. vda's slot at 1M changes again: b3's chunk of it is
# used by no later backup, so once b1 to b3 are pruned gc has a whole pack to delete.
qemu-io -f qcow2 -c "write -P 0x78 24M 64K" "$W/vdb.qcow2" >/dev/null
qemu-io -f qcow2 -c "write -P 0x7a 1M 64K" "$W/vda.qcow2" >/dev/null
cb --key "$W/key" backup vm --json >"$W/b4.json"
keep_disks b4
for b in b1 b2 b3 b4; do restores_as "$(id_of "$W/$b.json")" $b; done

# A disk added since the last backup is read in full within the next incremental run.
qemu-img create -q -f qcow2 "$W/vdc.qcow2" 64M
qemu-io -f qcow2 -c "write -P 0x79 4M 1M" "$W/vdc.qcow2" >/dev/null
sed "s|</devices>|<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$W/vdc.qcow2'/><target dev='vdc' bus='virtio'/></disk></devices>|" \
  "$W/vm.xml" >"$W/vm3.xml"
cairn define "$W/vm3.xml" >/dev/null
DISKS="vda vdb vdc"
cb --key "$W/key" backup vm --json >"$W/b5.json" 2>"$W/b5.err"
keep_disks b5
grep -q '"level":"inc"' "$W/b5.json" || fail "adding a disk broke the chain: $(cat "$W/b5.json")"
[ "$(disk_field "$W/b5.json" vdc read_in_full)" = True ] || fail "the new disk vdc was not read in full"
disk_field "$W/b5.json" vdc full_read_reason | grep -q "new" || fail "vdc's reason does not say it is new"
[ "$(disk_field "$W/b5.json" vda read_in_full)" = False ] || fail "vda fell back when vdc was added"
restores_as "$(id_of "$W/b5.json")" b5

# Retention: keep the last two; gc frees what only b1 to b3 used; b4 and b5 still restore.
cb --key "$W/key" prune vm --keep-last 2 --dry-run >/dev/null
[ "$(cb --key "$W/key" list vm --json | grep -o '"id"' | wc -l)" -eq 5 ] || fail "a dry run pruned"
cb --key "$W/key" prune vm --keep-last 2 >/dev/null
kept=$(cb --key "$W/key" list vm --json | grep -o '"id":"[^"]*"' | cut -d'"' -f4 | sort | tr '\n' ' ')
want=$(printf '%s\n%s\n' "$(id_of "$W/b4.json")" "$(id_of "$W/b5.json")" | sort | tr '\n' ' ')
[ "$kept" = "$want" ] || fail "prune kept '$kept', the policy keeps '$want'"
before=$(pack_bytes)
cb --key "$W/key" gc --json >"$W/gc.json"
after=$(pack_bytes)
[ "$after" -lt "$before" ] || fail "gc freed nothing ($before bytes of packs before and after)"
python3 -c 'import json,sys; g = json.load(open(sys.argv[1]))
assert g["chunks_deleted"] > 0 and g["bytes_freed"] > 0 and g["packs_deleted"] + g["packs_rewritten"] > 0, g' \
  "$W/gc.json" || fail "gc reports nothing freed: $(cat "$W/gc.json")"
DISKS="vda vdb"
restores_as "$(id_of "$W/b4.json")" b4
DISKS="vda vdb vdc"
restores_as "$(id_of "$W/b5.json")" b5
cb --key "$W/key" verify >/dev/null || fail "the repository does not verify after prune and gc"
echo "PASS"
