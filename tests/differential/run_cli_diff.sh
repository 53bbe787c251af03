#!/bin/sh
# Runs one differential CLI case twice: cases NAME.sh is run by sh with $VIRSH naming
# libvirt's virsh, then with $VIRSH naming Cairn's cairn, each in a fresh directory with
# TZ=UTC and LC_ALL=C. Their stdout, stderr and exit status must be identical, after both
# pass through NAME.filter (a sed script) when it exists, for differences documented there.
# Times differ between the two runs, so both are cooked first: a "YYYY-MM-DD HH:MM:SS +ZZZZ"
# time becomes TIMESTAMP and the digits of <creationTime> become EPOCH.
#
# usage: run_cli_diff.sh VIRSH CAIRN CASE.sh WORK_DIR
set -u
VIRSH_BIN=$1
CAIRN_BIN=$2
CASE=$3
WORK=$4
BASE=${CASE%.sh}
command -v "$VIRSH_BIN" >/dev/null 2>&1 || {
  echo "FAIL: libvirt's virsh ($VIRSH_BIN) is missing: run scripts/install-deps" >&2; exit 1; }

run() {  # run SIDE BINARY
  dir=$WORK/$1
  rm -rf "$dir" && mkdir -p "$dir" || exit 1
  (cd "$dir" && VIRSH=$2 TZ=UTC LC_ALL=C HOME=$dir XDG_CACHE_HOME=$dir/cache \
     XDG_CONFIG_HOME=$dir/config sh "$CASE" >stdout.raw 2>stderr.raw </dev/null
   echo $? >status)
  for f in stdout stderr; do
    sed 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [+-][0-9]\{4\}/TIMESTAMP/g
         s/<creationTime>[0-9]*<\/creationTime>/<creationTime>EPOCH<\/creationTime>/g' \
      "$dir/$f.raw" >"$dir/$f.cooked"
    if [ -f "$BASE.filter" ]; then sed -f "$BASE.filter" "$dir/$f.cooked" >"$dir/$f"
    else cp "$dir/$f.cooked" "$dir/$f"; fi
  done
}
run libvirt "$VIRSH_BIN"
run cairn "$CAIRN_BIN"
fail=0
for f in stdout stderr status; do
  diff -u "$WORK/libvirt/$f" "$WORK/cairn/$f" || { echo "FAIL: $f differs from libvirt's" >&2; fail=1; }
done
exit "$fail"
