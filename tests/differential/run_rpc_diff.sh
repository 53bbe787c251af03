#!/bin/sh
# Cairn's RPC client against libvirt's own daemon and against cairnd: wire_calls makes the
# same REMOTE calls on test:///default through a private libvirtd (a session daemon run as
# user nobody, see private_libvirtd.sh) and through cairnd; the transcripts
# must be identical.
#
# usage: run_rpc_diff.sh WIRE_CALLS CAIRND WORK_DIR
set -u
WIRE=$1
CAIRND=$2
WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
. "$(dirname "$0")/private_libvirtd.sh"
start_private_libvirtd || exit 1
CAIRN_RUN=$LIBVIRTD_DIR/cairn
"$CAIRND" --root "$WORK/cairn/root" --listen "$CAIRN_RUN" >"$WORK/cairnd.log" 2>&1 &
CAIRND_PID=$!
trap 'kill $CAIRND_PID 2>/dev/null; stop_private_libvirtd' EXIT
i=0
until [ -S "$CAIRN_RUN/cairn-sock" ]; do
  i=$((i + 1)); [ $i -lt 200 ] || { echo "FAIL: cairnd did not start" >&2; exit 1; }
  sleep 0.05
done
"$WIRE" "$LIBVIRTD_SOCK" >"$WORK/libvirt.out" 2>&1
echo "status $?" >>"$WORK/libvirt.out"
"$WIRE" "$CAIRN_RUN/cairn-sock" >"$WORK/cairnd.out" 2>&1
echo "status $?" >>"$WORK/cairnd.out"
diff -u "$WORK/libvirt.out" "$WORK/cairnd.out" || { echo "FAIL: cairnd answers differ from libvirtd's" >&2; exit 1; }
