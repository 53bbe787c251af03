#!/bin/sh
# cairnd beside libvirtd 9.0, in one run, through libvirt's own clients on both sides: a
# private libvirtd (tests/differential/private_libvirtd.sh: a session daemon as nobody, its
# own directories under /tmp) and a cairnd on its own root, each running one domain on a
# copy of the same disk image (the guest sits in its firmware: all checkpoints need).
# Prints libvirt's figure, cairnd's and the ratio (cairnd / libvirt) for:
#   roundtrip_us       virConnectGetLibVersion, one connection (median; p99 beside it)
#   virsh_alone_ms     `virsh uri`: a whole virsh process that connects and asks nothing,
#                      the floor under create_virsh_ms (median of 5)
#   create_virsh_ms    `virsh checkpoint-create-as`, a whole virsh process (median of 5)
#   create_in_virsh_ms the same inside one virsh session ((51 creates - 1 create) / 50)
#   clients_calls_per_s 100 clients, one connection each, GetLibVersion and ListAllCheckpoints
#                      in turn for 5 s (with ~60 checkpoints): calls per second over all
#   list1000_virsh_ms  `virsh checkpoint-list vm` of 1,000 checkpoints (median of 3; virsh
#                      fetches each checkpoint's XML: 1,000+ round trips)
#   list1000_virsh_cpu_ms   of which virsh's own CPU time (user + system, median of 3): the
#                      part no server can save
#   list1000_server_cpu_ms  the daemon's CPU time during one listing (median of 3)
#
#   bench/daemon.sh [BUILD_DIR]                   (as root; libvirt-daemon-driver-qemu,
#                                                  libvirt-dev for bench/daemon_calls)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
CAIRND=$BUILD/tools/cairnd
CALLS=$BUILD/bench/daemon_calls
for f in "$CAIRND" "$CALLS"; do
  [ -x "$f" ] || { echo "daemon.sh: $f is missing: build first" >&2; exit 1; }
done

. tests/differential/private_libvirtd.sh
start_private_libvirtd
CAIRND_DIR=$LIBVIRTD_DIR/cairnd
mkdir -p "$CAIRND_DIR"
"$CAIRND" --root "$CAIRND_DIR/root" --listen "$CAIRND_DIR" 2>"$CAIRND_DIR/log" &
CAIRND_PID=$!
cleanup() {
  virsh -q -c "$CAIRN_URI" destroy vm >/dev/null 2>&1 || true
  kill "$CAIRND_PID" 2>/dev/null && wait "$CAIRND_PID" 2>/dev/null || true
  stop_private_libvirtd
}
trap cleanup EXIT
CAIRN_URI="qemu+unix:///system?socket=$CAIRND_DIR/cairn-sock"
LIBVIRT_URI="qemu+unix:///session?socket=$LIBVIRTD_SOCK"
i=0
until [ -S "$CAIRND_DIR/cairn-sock" ]; do
  i=$((i + 1)); [ $i -lt 400 ] || { echo "cairnd did not start" >&2; exit 1; }
  sleep 0.05
done

D=$LIBVIRTD_DIR/disks
mkdir -p "$D/libvirt" "$D/cairn"
chmod 0777 "$D" "$D/libvirt"
qemu-img create -q -f qcow2 "$D/image.qcow2" 64M
for side in libvirt cairn; do
  cp "$D/image.qcow2" "$D/$side/vda.qcow2"
  write_firmware_domain "$D/$side/dom.xml" "$D/$side/vda.qcow2"
done
chown -R nobody: "$D/libvirt"
for side in libvirt cairn; do
  uri=$LIBVIRT_URI; [ $side = cairn ] && uri=$CAIRN_URI
  virsh -q -c "$uri" define "$D/$side/dom.xml" >/dev/null
  virsh -q -c "$uri" start vm >/dev/null
done

# Median wall time of REPS runs of a command, in ms.
median_ms() {
  reps=$1; shift
  i=0
  while [ $i -lt "$reps" ]; do
    i=$((i + 1))
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
    echo $(((e - s) / 1000))
  done | sort -n | sed -n "$(((reps + 1) / 2))p" | awk '{printf "%.3f", $1 / 1000}'
}
# CPU milliseconds (user + system) of a process that ran the command, and of the process
# PID while it ran: "CLIENT SERVER", from the shell's `times` and /proc/PID/stat.
cpu_ms() {
  pid=$1; shift
  ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
  hz=$(getconf CLK_TCK)
  before=$(ticks "$pid")
  client=$( ("$@" >/dev/null; times) | awk 'NR == 2 {
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }')
  after=$(ticks "$pid")
  echo "$client $(((after - before) * 1000 / hz))"
}
# Wall time of one virsh session running `checkpoint-create-as vm PREFIXk` for k = 1..N.
batch_ms() {
  uri=$1 prefix=$2 n=$3
  k=0
  while [ $k -lt "$n" ]; do k=$((k + 1)); echo "checkpoint-create-as vm $prefix$k"; done >"$D/batch"
  s=$(date +%s%N); virsh -q -c "$uri" <"$D/batch" >/dev/null; e=$(date +%s%N)
  echo $(((e - s) / 1000))
}

for side in libvirt cairn; do
  uri=$LIBVIRT_URI; [ $side = cairn ] && uri=$CAIRN_URI
  out=$D/$side.out
  "$CALLS" "$uri" roundtrip 20000 | awk '{print "roundtrip_us", $2; print "roundtrip_p99_us", $3}' >"$out"
  echo "virsh_alone_ms $(median_ms 5 virsh -c "$uri" uri)" >>"$out"
  k=0
  for r in 1 2 3 4 5; do
    echo "$(median_ms 1 virsh -c "$uri" checkpoint-create-as vm one$r)"
  done | sort -n | sed -n 3p | sed 's/^/create_virsh_ms /' >>"$out"
  one=$(batch_ms "$uri" single 1)
  many=$(batch_ms "$uri" batch 51)
  echo "create_in_virsh_ms $(awk -v a="$one" -v b="$many" 'BEGIN { printf "%.3f", (b - a) / 50 / 1000 }')" >>"$out"
  "$CALLS" "$uri" clients 100 5 vm | grep calls_per_s >>"$out"
  # Up to 1,000 checkpoints, one virsh session; then the listing.
  have=$(virsh -q -c "$uri" checkpoint-list vm --name | grep -c .)
  batch_ms "$uri" fill $((1000 - have)) >/dev/null
  n=$(virsh -q -c "$uri" checkpoint-list vm --name | grep -c .)
  [ "$n" -eq 1000 ] || { echo "daemon.sh: $side has $n checkpoints, not 1000" >&2; exit 1; }
  echo "list1000_virsh_ms $(median_ms 3 virsh -c "$uri" checkpoint-list vm)" >>"$out"
  server_pid=$LIBVIRTD_PID; [ $side = cairn ] && server_pid=$CAIRND_PID
  for r in 1 2 3; do cpu_ms "$server_pid" virsh -c "$uri" checkpoint-list vm; done >"$D/cpu"
  echo "list1000_virsh_cpu_ms $(cut -d' ' -f1 "$D/cpu" | sort -n | sed -n 2p)" >>"$out"
  echo "list1000_server_cpu_ms $(cut -d' ' -f2 "$D/cpu" | sort -n | sed -n 2p)" >>"$out"
done

printf '%-20s %12s %12s %8s\n' measure libvirtd cairnd ratio
awk 'NR == FNR { cairn[$1] = $2; next }
  $1 in cairn { printf "%-20s %12s %12s %8.3f\n", $1, $2, cairn[$1], ($2 > 0 ? cairn[$1] / $2 : 0) }' \
  "$D/cairn.out" "$D/libvirt.out"
