#!/bin/sh
# Cairn's cli driving libvirt's own qemu driver: a private libvirtd 9.0 (a session daemon run
# as nobody, ../differential/private_libvirtd.sh) manages a real QEMU domain, and
# `cairn -c qemu+unix:///session?socket=...` defines and starts it, makes a checkpoint, runs
# a push backup with --wait, reads the completed job, lists the checkpoints and destroys it.
# The backup must equal the disk.
#
# usage: cairn_cli_on_libvirtd_qemu.sh CAIRN
set -u
CAIRN=$1
. "$(dirname "$0")/../differential/private_libvirtd.sh"
start_private_libvirtd || exit 1
trap stop_private_libvirtd EXIT
write_libvirtd_test_domain || exit 1
qemu-io -c 'write -P 0x5a 1M 2M' "$D/vda.qcow2" >/dev/null
out=$(timeout 120 "$CAIRN" -q -c "qemu+unix:///session?socket=$LIBVIRTD_SOCK" \
  "define $D/dom.xml; start vm; checkpoint-create-as vm c1; backup-begin vm $D/push.xml --wait;
   domjobinfo vm --completed; checkpoint-list vm --name; destroy vm" 2>&1)
status=$?
fail() { echo "FAIL: $1" >&2; echo "$out" >&2; exit 1; }
[ $status -eq 0 ] || fail "cairn exited with $status"
for want in "Job type:         Completed" "File total:       16.000 MiB" "c1"; do
  echo "$out" | grep -qF "$want" || fail "no '$want' in the output"
done
qemu-img compare -U "$D/vda.qcow2" "$D/copy.qcow2" >/dev/null || fail "the backup differs from the disk"
echo ok
