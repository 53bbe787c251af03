#!/bin/sh
# cairn-backup's speed (issue 14, "Speed"), each figure beside its anchor measured in the same
# run, and the ratio against the aim (>= 1 meets it). One qcow2 image (DISK_MIB virtual,
# DATA_MIB of random data in 16 regions spread over the disk) runs on two domains with no
# guest OS: one under Cairn's qemu:///embed driver (cairn-backup's side), one under a private
# libvirtd 9.0 (tests/differential/private_libvirtd.sh: a session daemon as nobody, its own
# directories under /tmp), virtnbdbackup's side. Data files leave the page cache before every
# timed step; every time is a whole command, start to exit.
#
#   full       cairn-backup backup --level full into a fresh repository, vs nbdcopy --flush
#              of the same kind of pull export (cairn backup-begin) to a local file
#   full, inc  the same, vs virtnbdbackup -l full / -l inc against the libvirtd domain; the
#              incrementals follow DIRTY_MIB of scattered writes (4-64 KiB, HMP qemu-io on the
#              virtio backend, the same writes on both: bench/scattered_writes.py); each is
#              the median of INC_REPS rounds (writes, then both incrementals)
#   map        extent query of a 1 TiB qcow2 holding MAP_DATA_MIB, in 16 pieces, then in
#              64 KiB pieces, spread evenly, through a Cairn pull export of a domain on it:
#              Cairn's ExtentCursor (bench/extent_map) vs nbdinfo --map (and, for context,
#              nbdinfo on qemu-nbd with QEMU's default L2 cache)
#   restore    restore of the first full to qcow2, vs that full's throughput; its allocated
#              bytes (qemu-img map) vs the source's
#   verify     cairn-backup verify, cold and warm page cache, vs openssl speed -evp sha256
#              (64 KiB blocks, one core and every core)
#   refull     a second full of the unchanged disk: new bytes stored vs its data
#
#   bench/repository.sh [BUILD_DIR [DATA_MIB [DISK_MIB [MAP_DATA_MIB]]]]
#                        (defaults: build 1024 4096 1024; DIRTY_MIB="0 64 256" and
#                        INC_REPS=3 in the environment; a quick run:
#                        DIRTY_MIB="0 8" INC_REPS=1 bench/repository.sh build 64 256 16)
#
# Needs root (libvirtd runs as nobody, page cache drops), libvirt-daemon-driver-qemu,
# libnbd-bin (nbdcopy, nbdinfo), qemu-utils, openssl, python3-libvirt and virtnbdbackup
# (scripts/install-deps). Without virtnbdbackup its rows say why and the rest still runs.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DATA_MIB=${2:-1024}
DISK_MIB=${3:-4096}
MAP_DATA_MIB=${4:-1024}
DIRTY_SIZES=${DIRTY_MIB:-0 64 256}
INC_REPS=${INC_REPS:-3}
CAIRN=$BUILD/tools/cairn
CB=$BUILD/tools/cairn-backup
EXTENT_MAP=$BUILD/bench/extent_map
for f in "$CAIRN" "$CB" "$EXTENT_MAP"; do
  [ -x "$f" ] || { echo "repository: $f is missing: build first" >&2; exit 1; }
done
[ $((DATA_MIB % 16)) -eq 0 ] && [ "$DATA_MIB" -gt 0 ] && [ "$DISK_MIB" -ge "$DATA_MIB" ] || {
  echo "repository: DATA_MIB must be a positive multiple of 16, at most DISK_MIB" >&2; exit 1; }
CB=$(realpath "$CB")

. tests/differential/private_libvirtd.sh
start_private_libvirtd
ROOT=$LIBVIRTD_DIR/cairn
CAIRN_URI="qemu:///embed?root=$ROOT"
LIBVIRT_URI="qemu+unix:///session?socket=$LIBVIRTD_SOCK"
# virtnbdbackup asks for --user/--password on any "qemu+..." URI; the plain scheme with the
# socket reaches the same daemon without them.
VNB_URI="qemu:///session?socket=$LIBVIRTD_SOCK"
QEMU_NBD_PID=
cleanup() {
  [ -n "$QEMU_NBD_PID" ] && kill "$QEMU_NBD_PID" 2>/dev/null
  "$CAIRN" -c "$CAIRN_URI" destroy vm >/dev/null 2>&1 || true
  [ -z "${D:-}" ] || "$CAIRN" -c "qemu:///embed?root=$D/map-root" destroy vm >/dev/null 2>&1 || true
  stop_private_libvirtd
}
trap cleanup EXIT
# A signal ends the run through the EXIT trap: no daemon or domain is left behind.
trap 'exit 1' INT TERM HUP PIPE
# On the file system the benches use (not /tmp, which may be a tmpfs).
mkdir -p "$BUILD/bench"
D=$(mktemp -d "$PWD/$BUILD/bench/repository.XXXXXX")
# cairn-backup's progress lines and notices go to progress.log; a failed step shows its end.
trap 'status=$?; [ $status -eq 0 ] || tail -5 "$D/progress.log" >&2 2>/dev/null; cleanup; rm -rf "$D"' EXIT
mkdir -p "$D/libvirt" "$D/cairn" "$ROOT"
chmod 0777 "$D" "$D/libvirt"

MIB=1048576
# Debian's python3, which has python3-libvirt (a PATH one may not).
PY=/usr/bin/python3
DISK_BYTES=$((DISK_MIB * MIB))
DATA_BYTES=$((DATA_MIB * MIB))
now() { date +%s%N; }
secs() { echo "$1 $2" | awk '{printf "%.3f", ($2 - $1) / 1e9}'; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# Bytes qemu-img calls data in an image (a running one too: -U).
allocated() {
  qemu-img map -U --output=json "$1" |
    python3 -c "import json,sys; print(sum(e['length'] for e in json.load(sys.stdin) if e['data']))"
}

# The image: random data in 16 regions, one at the start of each 16th of the disk.
truncate -s "${DISK_MIB}M" "$D/image.raw"
i=0
while [ $i -lt 16 ]; do
  dd if=/dev/urandom of="$D/image.raw" bs=1M count=$((DATA_MIB / 16)) \
    seek=$((i * DISK_MIB / 16)) conv=notrunc iflag=fullblock status=none
  i=$((i + 1))
done
qemu-img convert -O qcow2 "$D/image.raw" "$D/image.qcow2"
rm "$D/image.raw"
for side in libvirt cairn; do
  cp "$D/image.qcow2" "$D/$side/vda.qcow2"
  write_firmware_domain "$D/$side/dom.xml" "$D/$side/vda.qcow2"
done
rm "$D/image.qcow2"
chown -R nobody: "$D/libvirt"
virsh -q -c "$LIBVIRT_URI" define "$D/libvirt/dom.xml" >/dev/null
virsh -q -c "$LIBVIRT_URI" start vm >/dev/null
"$CAIRN" -q -c "$CAIRN_URI" define "$D/cairn/dom.xml" >/dev/null
"$CAIRN" -q -c "$CAIRN_URI" start vm >/dev/null
SOURCE_ALLOCATED=$(allocated "$D/cairn/vda.qcow2")

# Rows: step, figure, Cairn's, the anchor's, unit, ratio against the aim, aim; printed as
# they are measured.
row() { printf '%-10s %-40s %10s %10s %-5s %7s  %s\n' "$@"; }
echo "cairn-backup, ${DATA_MIB} MiB of random data in a ${DISK_MIB} MiB qcow2 disk;" \
  "load at start $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "x-aim: how far the figure is toward its aim (>= 1 meets it); timed steps start with a cold page cache"
row step figure cairn anchor unit x-aim aim
# ratio A B: A / B to two places.
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else if ($1 > 0) print "inf"; else print "-" }'; }
mbps() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.0f", $1 / $2 / 1e6; else print "-" }'; }

# --- full: nbdcopy of a pull export, then cairn-backup ---
cat >"$D/pull.xml" <<XML
<domainbackup mode='pull'><server transport='unix' socket='$D/cairn/nbd.sock'/>
  <disks><disk name='vda' type='file'><scratch file='$D/cairn/scratch.qcow2'/></disk></disks>
</domainbackup>
XML
"$CAIRN" -q -c "$CAIRN_URI" backup-begin vm "$D/pull.xml" >/dev/null
drop_caches
s=$(now)
nbdcopy --flush "nbd+unix:///vda?socket=$D/cairn/nbd.sock" "$D/nbdcopy.raw"
e=$(now)
NBDCOPY_S=$(secs "$s" "$e")
"$CAIRN" -q -c "$CAIRN_URI" domjobabort vm >/dev/null
rm -f "$D/nbdcopy.raw"

"$CB" -r "$D/repo" init >/dev/null
drop_caches
s=$(now)
"$CB" -c "$CAIRN_URI" -r "$D/repo" --json backup vm --level full >"$D/full1.json" 2>>"$D/progress.log"
e=$(now)
FULL_S=$(secs "$s" "$e")
FULL_ID=$(json "$D/full1.json" "d['id']")
row full "MB/s of data, vs nbdcopy" "$(mbps "$DATA_BYTES" "$FULL_S")" \
  "$(mbps "$DATA_BYTES" "$NBDCOPY_S")" MB/s "$(ratio "$(ratio "$NBDCOPY_S" "$FULL_S")" 0.8)" \
  ">= 0.8x nbdcopy (${FULL_S} s vs ${NBDCOPY_S} s)"

# --- restore of that full, and its allocation ---
drop_caches
s=$(now)
"$CB" -r "$D/repo" --json restore "vm@$FULL_ID" --to "$D/restore" >/dev/null 2>>"$D/progress.log"
e=$(now)
RESTORE_S=$(secs "$s" "$e")
RESTORED_ALLOCATED=$(allocated "$D/restore/vda.qcow2")
row restore "MB/s of data, vs the full's" "$(mbps "$DATA_BYTES" "$RESTORE_S")" \
  "$(mbps "$DATA_BYTES" "$FULL_S")" MB/s "$(ratio "$FULL_S" "$RESTORE_S")" \
  ">= 1x backup (${RESTORE_S} s)"
ALLOC_DIFF=$(echo "$RESTORED_ALLOCATED $SOURCE_ALLOCATED" |
  awk '{ d = ($1 - $2) / $2 * 100; if (d < 0) d = -d; printf "%.2f", d }')
row restore "allocated MiB, vs the source's" $((RESTORED_ALLOCATED / MIB)) \
  $((SOURCE_ALLOCATED / MIB)) MiB "$(ratio 1 "$ALLOC_DIFF")" "within 1% (${ALLOC_DIFF}% apart)"
rm -rf "$D/restore"

# --- verify, vs this machine's SHA-256 ---
sha256_mbps() {
  openssl speed "$@" -evp sha256 -bytes 65536 -seconds 2 2>/dev/null |
    awk '/^sha256 /{ v = $NF; sub(/k$/, "", v); printf "%.0f", v * 1000 / 1e6 }'
}
SHA_1=$(sha256_mbps)
SHA_N=$(sha256_mbps -multi "$(nproc)")
for cache in cold warm; do
  [ $cache = cold ] && drop_caches
  s=$(now)
  "$CB" -r "$D/repo" --json verify >"$D/verify.json"
  e=$(now)
  VERIFY_S=$(secs "$s" "$e")
  VERIFY_MBPS=$(mbps "$(json "$D/verify.json" "d['bytes']")" "$VERIFY_S")
  row verify "MB/s ($cache cache), vs sha256 x$(nproc)" "$VERIFY_MBPS" "$SHA_N" MB/s \
    "$(ratio "$VERIFY_MBPS" 1000)" ">= 1 GB/s (sha256 on one core: $SHA_1 MB/s)"
done

# --- a second full of the unchanged disk ---
drop_caches
s=$(now)
"$CB" -c "$CAIRN_URI" -r "$D/repo" --json backup vm --level full >"$D/full2.json" 2>>"$D/progress.log"
e=$(now)
STORED=$(json "$D/full2.json" "d['stored']")
row refull "new MiB stored, vs the data" "$(echo "$STORED" | awk '{printf "%.2f", $1 / 1048576}')" \
  "$DATA_MIB" MiB "$(ratio "$(echo "$DATA_BYTES" | awk '{print $1 / 100}')" "$STORED")" \
  "< 1% new ($(secs "$s" "$e") s)"

# --- virtnbdbackup: full, then incrementals beside cairn-backup's ---
VNB_WHY=
command -v virtnbdbackup >/dev/null || VNB_WHY="virtnbdbackup is not installed (scripts/install-deps)"
mkdir -p "$D/libvirt/scratch"
chown nobody: "$D/libvirt/scratch"
vnb() {
  virtnbdbackup -U "$VNB_URI" -d vm -o "$D/vnb" -S "$D/libvirt/scratch" \
    -f "$D/libvirt/scratch/nbd.sock" -n "$@" >"$D/vnb.log" 2>&1
}
if [ -z "$VNB_WHY" ]; then
  drop_caches
  s=$(now)
  if vnb -l full; then
    e=$(now)
    VNB_FULL_S=$(secs "$s" "$e")
  else
    VNB_WHY="virtnbdbackup -l full failed: $(grep -m1 ERROR "$D/vnb.log" || tail -1 "$D/vnb.log")"
  fi
fi
if [ -z "$VNB_WHY" ]; then
  row full "s, vs virtnbdbackup" "$FULL_S" "$VNB_FULL_S" s "$(ratio "$(ratio "$VNB_FULL_S" "$FULL_S")" 3)" \
    ">= 3x faster"
else
  row full "s, vs virtnbdbackup" "$FULL_S" - s - "$VNB_WHY"
fi

# The median of a list of numbers, one a line.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
seed=1
ZERO_S=
for mib in $DIRTY_SIZES; do
  : >"$D/vnb.times"
  : >"$D/inc.times"
  rep=0
  while [ $rep -lt "$INC_REPS" ]; do
    rep=$((rep + 1))
    seed=$((seed + 1))
    "$PY" bench/scattered_writes.py --qmp "$ROOT/run/vm/qmp.sock" virtio-disk0 \
      "$DISK_BYTES" $((mib * MIB)) $seed
    if [ -z "$VNB_WHY" ]; then
      "$PY" bench/scattered_writes.py --libvirt "$LIBVIRT_URI" vm virtio-disk0 \
        "$DISK_BYTES" $((mib * MIB)) $seed
      drop_caches
      s=$(now)
      if vnb -l inc; then
        e=$(now)
        secs "$s" "$e" >>"$D/vnb.times"
        echo >>"$D/vnb.times"
      else
        VNB_WHY="virtnbdbackup -l inc failed: $(grep -m1 ERROR "$D/vnb.log" || tail -1 "$D/vnb.log")"
      fi
    fi
    drop_caches
    s=$(now)
    "$CB" -c "$CAIRN_URI" -r "$D/repo" --json backup vm --level inc >"$D/inc.json" 2>>"$D/progress.log"
    e=$(now)
    secs "$s" "$e" >>"$D/inc.times"
    echo >>"$D/inc.times"
  done
  INC_S=$(median <"$D/inc.times")
  [ -z "$VNB_WHY" ] && VNB_INC_S=$(median <"$D/vnb.times")
  [ -z "$ZERO_S" ] && ZERO_S=$INC_S
  READ_MIB=$(json "$D/inc.json" "round(d['disks'][0]['read'] / 1048576, 1)")
  if [ -z "$VNB_WHY" ]; then
    row "inc $mib" "s after $mib MiB dirty, vs virtnbdbackup" "$INC_S" "$VNB_INC_S" s \
      "$(ratio "$(ratio "$VNB_INC_S" "$INC_S")" 3)" ">= 3x faster (read $READ_MIB MiB)"
  else
    row "inc $mib" "s after $mib MiB dirty, vs virtnbdbackup" "$INC_S" - s - "$VNB_WHY"
  fi
  if [ "$mib" -gt 0 ]; then
    # Cost per dirty MiB over the clean incremental's: flat across sizes = proportional.
    per=$(echo "$INC_S $ZERO_S $mib" | awk '{printf "%.4f", ($1 - $2) / $3}')
    aim="cost over 0 dirty: $per s/MiB"
    if [ "$mib" -eq 64 ]; then
      row "inc $mib" "s end to end, vs the aim" "$INC_S" 0.5 s "$(ratio 0.5 "$INC_S")" "<= 0.5 s; $aim"
    else
      row "inc $mib" "s end to end, proportionality" "$INC_S" "$ZERO_S" s - "$aim"
    fi
  fi
done

# --- extent query of a 1 TiB qcow2 ---
# Two layouts of the same data: 16 pieces (a few large files), and pieces of 64 KiB spread
# evenly (the worst case: every piece its own extent, every qcow2 L2 table in use). Queried
# where a backup queries it: the pull export of a domain on that disk, under Cairn's driver
# (a second domain `vm` in its own embedded root). Each query gets a fresh QEMU and a cold page
# cache, since QEMU keeps the L2 tables the first one read; qemu-nbd with QEMU's default
# cache (what a domain without Cairn's cache setting gets) is shown beside them.
MAP_URI="qemu:///embed?root=$D/map-root"
map_start() {  # starts the domain and a pull backup; prints the export's URI
  "$CAIRN" -q -c "$MAP_URI" start vm >/dev/null
  "$CAIRN" -q -c "$MAP_URI" backup-begin vm "$D/map-pull.xml" >/dev/null
  echo "nbd+unix:///vda?socket=$D/map.sock"
}
map_stop() {
  "$CAIRN" -q -c "$MAP_URI" domjobabort vm >/dev/null
  "$CAIRN" -q -c "$MAP_URI" destroy vm >/dev/null
}
map_row() {  # pieces
  piece=$((MAP_DATA_MIB * MIB / $1))
  rm -f "$D/big.qcow2" "$D/big.sock"
  qemu-img create -q -f qcow2 "$D/big.qcow2" 1T
  "$PY" -c "
import sys
n, piece = int(sys.argv[1]), int(sys.argv[2]); stride = (1 << 40) // n // 65536 * 65536
for i in range(n):
    for at in range(0, piece, 1 << 24): print(f'write -q -P 7 {i * stride + at} {min(piece - at, 1 << 24)}')
" "$1" "$piece" | qemu-io -f qcow2 "$D/big.qcow2" >/dev/null
  qemu-nbd -r -f qcow2 --persistent --socket="$D/big.sock" "$D/big.qcow2" &
  QEMU_NBD_PID=$!
  i=0
  until [ -S "$D/big.sock" ]; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "repository: qemu-nbd did not start" >&2; exit 1; }
    sleep 0.05
  done
  drop_caches
  s=$(now)
  nbdinfo --map "nbd+unix:///?socket=$D/big.sock" >/dev/null
  e=$(now)
  DEFAULT_S=$(secs "$s" "$e")
  kill "$QEMU_NBD_PID"
  wait "$QEMU_NBD_PID" 2>/dev/null || true
  QEMU_NBD_PID=

  export_uri=$(map_start)
  drop_caches
  s=$(now)
  nbdinfo --map "$export_uri" >"$D/map.txt"
  e=$(now)
  NBDINFO_S=$(secs "$s" "$e")
  map_stop
  export_uri=$(map_start)
  drop_caches
  "$EXTENT_MAP" "$export_uri" >"$D/extent_map.out"
  map_stop
  MAP_S=$(awk '{printf "%.3f", $6 / 1000}' "$D/extent_map.out")
  MAP_EXTENTS=$(awk '{print $2}' "$D/extent_map.out")
  MAP_DATA=$(awk '{print $4}' "$D/extent_map.out")
  [ "$MAP_DATA" -eq $((MAP_DATA_MIB * MIB)) ] ||
    echo "repository: extent_map found $MAP_DATA bytes of data, not $((MAP_DATA_MIB * MIB))" >&2
  row map "s for 1 TiB in $1 pieces, vs nbdinfo" "$MAP_S" "$NBDINFO_S" s \
    "$(ratio 1 "$MAP_S")" \
    "< 1 s ($MAP_EXTENTS extents, nbdinfo $(wc -l <"$D/map.txt"); QEMU's default cache $DEFAULT_S s)"
}
mkdir -p "$D/map-root"
write_firmware_domain "$D/map-dom.xml" "$D/big.qcow2"
cat >"$D/map-pull.xml" <<XML
<domainbackup mode='pull'><server transport='unix' socket='$D/map.sock'/>
  <disks><disk name='vda' type='file'><scratch file='$D/map-scratch.qcow2'/></disk></disks>
</domainbackup>
XML
qemu-img create -q -f qcow2 "$D/big.qcow2" 1T
"$CAIRN" -q -c "$MAP_URI" define "$D/map-dom.xml" >/dev/null
map_row 16
map_row $((MAP_DATA_MIB * 16))
rm -f "$D/big.qcow2"

echo "load at end $(cut -d' ' -f1-3 /proc/loadavg)"
