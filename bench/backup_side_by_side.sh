#!/bin/sh
# Push backups, libvirt 9.0 and Cairn side by side, in one run: a private libvirtd
# (tests/differential/private_libvirtd.sh: a session daemon as nobody, its own directories
# under /tmp) runs one domain, Cairn's qemu:///embed driver another, on copies of the same
# qcow2 image (DISK_MIB virtual, DATA_MIB written), both running. Each side makes a full push
# backup creating a checkpoint, then ROUNDS incrementals, each after DIRTY_MIB written into
# the running disk (HMP qemu-io on its virtio backend: the same path a guest's writes take).
# Every backup is timed from virDomainBackupBegin to its job-completed event
# (bench/backup_calls.c, the same C source built against each). Data files leave the page
# cache before each side runs. Prints libvirt's figure, Cairn's and the ratio (Cairn /
# libvirt; below 1 = Cairn faster), in milliseconds, and, as the anchor, a dd of the same
# image (conv=fsync).
#
#   bench/backup_side_by_side.sh [BUILD_DIR [ROUNDS [DATA_MIB [DIRTY_MIB [DISK_MIB]]]]]
#                                 (defaults: build 5 512 64 1024)
#
# Needs root (libvirtd runs as nobody), libvirt-daemon-driver-qemu and libvirt-dev.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROUNDS=${2:-5}
DATA_MIB=${3:-512}
DIRTY_MIB=${4:-64}
DISK_MIB=${5:-1024}
CAIRN=$BUILD/tools/cairn
CALLS_CAIRN=$BUILD/bench/backup_calls_cairn
CALLS_LIBVIRT=$BUILD/bench/backup_calls_libvirt
for f in "$CAIRN" "$CALLS_CAIRN" "$CALLS_LIBVIRT"; do
  [ -x "$f" ] || { echo "backup_side_by_side: $f is missing: build first" >&2; exit 1; }
done

. tests/differential/private_libvirtd.sh
start_private_libvirtd
ROOT=$LIBVIRTD_DIR/cairn
CAIRN_URI="qemu:///embed?root=$ROOT"
LIBVIRT_URI="qemu+unix:///session?socket=$LIBVIRTD_SOCK"
cleanup() {
  "$CAIRN" -c "$CAIRN_URI" destroy vm >/dev/null 2>&1 || true
  stop_private_libvirtd
}
trap cleanup EXIT
# On the file system the benches use (not /tmp, which may be a tmpfs).
D=$(mktemp -d "$PWD/$BUILD/bench/backup-side.XXXXXX")
trap 'cleanup; rm -rf "$D"' EXIT
mkdir -p "$D/libvirt" "$D/cairn" "$ROOT"
chmod 0777 "$D" "$D/libvirt"
qemu-img create -q -f qcow2 "$D/image.qcow2" "${DISK_MIB}M"
qemu-io -f qcow2 -c "write -P 0x5a 0 ${DATA_MIB}M" "$D/image.qcow2" >/dev/null
for side in libvirt cairn; do
  cp "$D/image.qcow2" "$D/$side/vda.qcow2"
  write_firmware_domain "$D/$side/dom.xml" "$D/$side/vda.qcow2"
done
chown -R nobody: "$D/libvirt"
virsh -q -c "$LIBVIRT_URI" define "$D/libvirt/dom.xml" >/dev/null
virsh -q -c "$LIBVIRT_URI" start vm >/dev/null
"$CAIRN" -q -c "$CAIRN_URI" define "$D/cairn/dom.xml" >/dev/null
"$CAIRN" -q -c "$CAIRN_URI" start vm >/dev/null

WRITE="write -P 0x42 0 ${DIRTY_MIB}M"
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }
drop_caches
"$CALLS_LIBVIRT" "$LIBVIRT_URI" vm "$D/libvirt" b "$ROUNDS" \
  "virsh -q -c '$LIBVIRT_URI' qemu-monitor-command vm --hmp \
   'qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"$WRITE\"' >/dev/null" \
  >"$D/libvirt.out"
drop_caches
"$CALLS_CAIRN" "$CAIRN_URI" vm "$D/cairn" b "$ROUNDS" \
  "python3 bench/hmp_write.py '$ROOT/run/vm/qmp.sock' virtio-disk0 '$WRITE'" >"$D/cairn.out"
drop_caches
s=$(date +%s%N)
dd if="$D/image.qcow2" of="$D/dd.copy" bs=4M conv=fsync status=none
e=$(date +%s%N)

echo "push backups, ${DATA_MIB} MiB of data in a ${DISK_MIB} MiB qcow2 disk;" \
  "incrementals after ${DIRTY_MIB} MiB written (median of $ROUNDS); load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-18s %12s %12s %8s\n' "ms to the event" libvirt cairn ratio
awk 'NR == FNR { cairn[$1] = $2; next }
  $1 in cairn { printf "%-18s %12.1f %12.1f %8.2f\n", $1, $2, cairn[$1],
                ($2 > 0 ? cairn[$1] / $2 : 0) }' "$D/cairn.out" "$D/libvirt.out"
printf '%-18s %12.1f   (dd conv=fsync of the image file, %s bytes)\n' dd_image \
  "$(echo "$s $e" | awk '{print ($2 - $1) / 1e6}')" "$(stat -c %s "$D/image.qcow2")"
