#!/bin/sh
# cairn-backup on a domain managed by libvirt's own libvirtd 9.0 (a private session daemon run
# as nobody, ../differential/private_libvirtd.sh), through Cairn's remote driver: a full of the
# running domain, new data written into its disk through HMP's qemu-io (no guest OS needed),
# an incremental that reads only that data; the one checkpoint cairn-backup keeps is libvirt's
# own (virsh lists it); a bitmap removed by hand makes the disk fall back to a full read (the
# check libvirt's protocol allows: checkpoint XML with sizes); a pull job a killed run left
# is ended; both restores equal the disk as it was; verify passes. A shut-off domain is
# refused with what to do (libvirtd has no offline backup), and backing it up started
# paused, as the refusal says, works.
# virsh (libvirt-clients) is the test's tool only; cairn-backup never runs it.
# usage: backup_through_libvirtd.sh CAIRN_BACKUP
set -u
CB=$1
. "$(dirname "$0")/../differential/private_libvirtd.sh"
start_private_libvirtd || exit 1
trap stop_private_libvirtd EXIT
write_libvirtd_test_domain || exit 1
URI="qemu+unix:///session?socket=$LIBVIRTD_SOCK"
fail() { echo "FAIL: $*" >&2; exit 1; }
lv() { virsh -q -c "$URI" "$@"; }
cb() { timeout 120 "$CB" -c "$URI" -r "$D/repo" "$@"; }
# A qemu-io command on vda's virtio backend, as the guest would write ("flush" so that a
# reader of the image file, qemu-img -U, sees what was written).
disk_io() {
  out=$(lv qemu-monitor-command vm --hmp \
    "qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"$1\"") || fail "qemu-io '$1'"
  [ -z "$(echo "$out" | tr -d '[:space:]')" ] || fail "qemu-io '$1': $out"
}
json_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",]*\).*/\1/p" "$2"; }
checkpoints() { lv checkpoint-list vm --name | grep -v '^$'; }

cb init >"$D/init.out" || fail "init"
lv define "$D/dom.xml" >/dev/null && lv start vm >/dev/null || fail "the domain did not start"

# A full of the running domain: 8 MiB of data.
disk_io "write -P 0x5a 1M 8M"
disk_io "flush"
cb backup vm --json >"$D/full.json" || fail "the full backup failed"
[ "$(json_field level "$D/full.json")" = full ] || fail "not a full: $(cat "$D/full.json")"
# Nothing writes to the disk but qemu-io: a shared-lock copy is the disk at the full.
qemu-img convert -U -f qcow2 -O qcow2 "$D/vda.qcow2" "$D/at_full.qcow2" || fail "copy at the full"

# 1 MiB of new data, and 1 MiB over old data: the incremental reads about those 2 MiB.
disk_io "write -P 0x6b 12M 1M"
disk_io "write -P 0x7c 2M 1M"
disk_io "flush"
cb backup vm --json >"$D/inc.json" || fail "the incremental failed"
[ "$(json_field level "$D/inc.json")" = inc ] || fail "not incremental: $(cat "$D/inc.json")"
read_bytes=$(json_field read "$D/inc.json")
[ "$read_bytes" -ge 2097152 ] && [ "$read_bytes" -le 3145728 ] ||
  fail "the incremental read $read_bytes bytes for 2 MiB of changes"
grep -q '"read_in_full":false' "$D/inc.json" || fail "the incremental read the disk in full"

# The checkpoint the incremental made is libvirt's, and the only one cairn-backup keeps.
inc_checkpoint=$(json_field checkpoint "$D/inc.json")
[ "$(checkpoints)" = "$inc_checkpoint" ] ||
  fail "libvirt lists checkpoints '$(checkpoints)', not only '$inc_checkpoint'"

# A bitmap lost by hand: libvirt's checkpoint XML shows no size for the disk, so the next
# incremental reads that disk in full instead of failing (and stores nothing new).
lv qemu-monitor-command vm "{\"execute\":\"block-dirty-bitmap-remove\",
  \"arguments\":{\"node\":\"libvirt-1-format\",\"name\":\"$inc_checkpoint\"}}" >/dev/null ||
  fail "could not remove the bitmap"
cb backup vm --json >"$D/lost.json" 2>"$D/lost.err" || fail "the run after a lost bitmap failed: $(cat "$D/lost.err")"
grep -q '"read_in_full":true' "$D/lost.json" || fail "a lost bitmap was not noticed: $(cat "$D/lost.json")"
grep -q "vda: .*no valid bitmap" "$D/lost.err" || fail "no reason given: $(cat "$D/lost.err")"
[ "$(json_field stored "$D/lost.json")" -lt 65536 ] || fail "the full read stored again: $(cat "$D/lost.json")"
[ "$(checkpoints)" = "$(json_field checkpoint "$D/lost.json")" ] ||
  fail "libvirt lists '$(checkpoints)' after the run: $(cat "$D/lost.err")"

# A pull job a killed run left behind (begun here by hand, its socket in a directory named
# as this repository's runs name theirs): the next run ends it, found through libvirt's
# backup XML, and goes on.
repo_id=$(sed -n 's/^created repository \([0-9a-f]*\) .*/\1/p' "$D/init.out")
left=$(mktemp -d "${TMPDIR:-/tmp}/cairn-backup-$repo_id-XXXXXX") && chmod 0777 "$left"
cat >"$D/left.xml" <<XML
<domainbackup mode='pull'><server transport='unix' socket='$left/nbd.sock'/><disks>
  <disk name='vda' backup='yes' type='file'><scratch file='$D/left.scratch'/></disk>
</disks></domainbackup>
XML
lv backup-begin vm "$D/left.xml" >/dev/null || fail "could not begin a job by hand"
cb backup vm --json >"$D/after.json" 2>"$D/after.err" || fail "a left job stopped the run: $(cat "$D/after.err")"
grep -q "ended the backup job an interrupted run left behind" "$D/after.err" ||
  fail "the left job was not ended: $(cat "$D/after.err")"
[ ! -e "$left" ] || fail "the left job's socket directory is still there"
[ "$(json_field level "$D/after.json")" = inc ] || fail "not incremental: $(cat "$D/after.json")"
latest_checkpoint=$(json_field checkpoint "$D/after.json")
[ "$(checkpoints)" = "$latest_checkpoint" ] || fail "libvirt lists '$(checkpoints)' after the run"

lv destroy vm >/dev/null || fail "destroy"
cb restore vm --to "$D/r_latest" >/dev/null || fail "restore of the latest backup"
qemu-img compare -q "$D/vda.qcow2" "$D/r_latest/vda.qcow2" || fail "the latest backup does not restore"
cb restore "vm@$(json_field id "$D/full.json")" --to "$D/r_full" >/dev/null || fail "restore of the full"
qemu-img compare -q "$D/at_full.qcow2" "$D/r_full/vda.qcow2" || fail "the full does not restore"
cb verify >/dev/null || fail "verify"

# Shut off: libvirtd has no offline backup; cairn-backup says what to do and leaves nothing.
if cb backup vm >"$D/off.out" 2>&1; then fail "a shut-off domain was backed up through libvirtd"; fi
grep -q "shut off.*virsh start --paused vm" "$D/off.out" || fail "no advice given: $(cat "$D/off.out")"
[ "$(cb list vm | grep -c '^20')" -eq 4 ] || fail "the refused run changed the repository: $(cb list vm)"
[ "$(checkpoints)" = "$latest_checkpoint" ] || fail "the refused run changed the checkpoints"
# As advised: started paused, it is backed up incrementally.
lv start --paused vm >/dev/null || fail "start --paused"
cb backup vm --json >"$D/paused.json" || fail "the backup of the paused domain failed"
[ "$(json_field level "$D/paused.json")" = inc ] || fail "not incremental: $(cat "$D/paused.json")"
lv destroy vm >/dev/null
echo "PASS"
