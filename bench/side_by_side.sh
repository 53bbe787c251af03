#!/bin/sh
# Checkpoint metadata calls, libvirt 9.0 and Cairn side by side, in one run: a private
# libvirtd (tests/differential/private_libvirtd.sh: a session daemon as nobody, its own
# directories under /tmp) runs one domain, Cairn's qemu:///embed driver another, and a
# cairnd on a root of its own a third, on copies of the same disk image, all running. For
# each N it grows each to N checkpoints and prints libvirt's figure, Cairn's embedded and
# through cairnd, and the ratios (Cairn / libvirt; below 1 = Cairn faster), in
# milliseconds: create (mean of the last 10 made), ListAllCheckpoints, dumpxml, --size,
# delete a leaf, pull backup begin and abort (bench/metadata_calls.c, the same C source
# built against each), and the CLI listing `checkpoint-list` (virsh against libvirtd,
# cairn against its root and through cairnd; a whole process each, median of CLI_REPS
# runs, default 3). libvirtd against cairnd is the like-for-like pair: both daemons keep
# their monitors open, where an embedded call connects to its domain's.
#
#   bench/side_by_side.sh [BUILD_DIR] [N ...]     (default: build 1 200 1000)
#
# Needs root (libvirtd runs as nobody), libvirt-daemon-driver-qemu and libvirt-dev. The
# guest is the disk alone: it sits in the firmware, which is all checkpoints need.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
[ $# -gt 0 ] && shift
SIZES=${*:-1 200 1000}
CAIRN=$BUILD/tools/cairn
CAIRND=$BUILD/tools/cairnd
CALLS_CAIRN=$BUILD/bench/metadata_calls_cairn
CALLS_LIBVIRT=$BUILD/bench/metadata_calls_libvirt
for f in "$CAIRN" "$CAIRND" "$CALLS_CAIRN" "$CALLS_LIBVIRT"; do
  [ -x "$f" ] || { echo "side_by_side: $f is missing: build first" >&2; exit 1; }
done

. tests/differential/private_libvirtd.sh
start_private_libvirtd
ROOT=$LIBVIRTD_DIR/cairn
CAIRN_URI="qemu:///embed?root=$ROOT"
LIBVIRT_URI="qemu+unix:///session?socket=$LIBVIRTD_SOCK"
CAIRND_DIR=$LIBVIRTD_DIR/cairnd
CAIRND_URI="qemu+unix:///system?socket=$CAIRND_DIR/cairn-sock"
mkdir -p "$CAIRND_DIR"
"$CAIRND" --root "$CAIRND_DIR/root" --listen "$CAIRND_DIR" 2>"$CAIRND_DIR/log" &
CAIRND_PID=$!
cleanup() {
  "$CAIRN" -c "$CAIRN_URI" destroy vm >/dev/null 2>&1 || true
  "$CAIRN" -c "$CAIRND_URI" destroy vm >/dev/null 2>&1 || true
  kill "$CAIRND_PID" 2>/dev/null && wait "$CAIRND_PID" 2>/dev/null || true
  stop_private_libvirtd
}
trap cleanup EXIT
i=0
until [ -S "$CAIRND_DIR/cairn-sock" ]; do
  i=$((i + 1)); [ $i -lt 400 ] || { echo "side_by_side: cairnd did not start" >&2; exit 1; }
  sleep 0.05
done
D=$LIBVIRTD_DIR/disks
mkdir -p "$D/libvirt" "$D/cairn" "$D/cairnd" "$ROOT"
chmod 0777 "$D" "$D/libvirt"
qemu-img create -q -f qcow2 "$D/image.qcow2" 64M
for side in libvirt cairn cairnd; do
  cp "$D/image.qcow2" "$D/$side/vda.qcow2"
  write_firmware_domain "$D/$side/dom.xml" "$D/$side/vda.qcow2"
  # "%d": a fresh scratch file and socket per repetition.
  printf '%s' "<domainbackup mode='pull'><server transport='unix' socket='$D/$side/nbd%d'/>
  <disks><disk name='vda' type='file'><scratch file='$D/$side/scratch%d.qcow2'/></disk>
  </disks></domainbackup>" >"$D/$side/pull.xml"
done
chown -R nobody: "$D/libvirt"
virsh -q -c "$LIBVIRT_URI" define "$D/libvirt/dom.xml" >/dev/null
virsh -q -c "$LIBVIRT_URI" start vm >/dev/null
"$CAIRN" -q -c "$CAIRN_URI" define "$D/cairn/dom.xml" >/dev/null
"$CAIRN" -q -c "$CAIRN_URI" start vm >/dev/null
"$CAIRN" -q -c "$CAIRND_URI" define "$D/cairnd/dom.xml" >/dev/null
"$CAIRN" -q -c "$CAIRND_URI" start vm >/dev/null

# Median wall time of CLI_REPS (default 3) runs of a command, in ms.
CLI_REPS=${CLI_REPS:-3}
cli_ms() {
  i=0
  while [ $i -lt "$CLI_REPS" ]; do
    i=$((i + 1))
    s=$(date +%s%N)
    "$@" >/dev/null
    e=$(date +%s%N)
    echo $(((e - s) / 1000))
  done | sort -n | sed -n "$(((CLI_REPS + 1) / 2))p" | awk '{printf "%.3f", $1 / 1000}'
}

printf '%-16s %6s %10s %10s %10s %7s %7s\n' call N libvirt cairn cairnd ratio ratio_d
for n in $SIZES; do
  "$CALLS_LIBVIRT" "$LIBVIRT_URI" vm "$n" "$(cat "$D/libvirt/pull.xml")" >"$D/libvirt.out"
  "$CALLS_CAIRN" "$CAIRN_URI" vm "$n" "$(cat "$D/cairn/pull.xml")" >"$D/cairn.out"
  "$CALLS_CAIRN" "$CAIRND_URI" vm "$n" "$(cat "$D/cairnd/pull.xml")" >"$D/cairnd.out"
  echo "cli_list $(cli_ms virsh -c "$LIBVIRT_URI" checkpoint-list vm)" >>"$D/libvirt.out"
  echo "cli_list $(cli_ms "$CAIRN" -c "$CAIRN_URI" checkpoint-list vm)" >>"$D/cairn.out"
  echo "cli_list $(cli_ms "$CAIRN" -c "$CAIRND_URI" checkpoint-list vm)" >>"$D/cairnd.out"
  awk -v n="$n" 'FILENAME ~ /cairnd.out$/ { daemon[$1] = $2; next }
    FILENAME ~ /cairn.out$/ { cairn[$1] = $2; next }
    $1 in cairn { printf "%-16s %6d %10.3f %10.3f %10.3f %7.2f %7.2f\n", $1, n, $2, cairn[$1],
                  daemon[$1], ($2 > 0 ? cairn[$1] / $2 : 0), ($2 > 0 ? daemon[$1] / $2 : 0) }' \
    "$D/cairnd.out" "$D/cairn.out" "$D/libvirt.out"
done
