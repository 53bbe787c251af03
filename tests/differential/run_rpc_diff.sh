#!/bin/sh
# Cairn's RPC client against libvirt's own daemon and against cairnd: wire_calls makes the
# same REMOTE calls on test:///default through a private libvirtd (a session daemon run as
# user nobody, with its sockets and state in WORK_DIR) and through cairnd; the transcripts
# must be identical.
#
# usage: run_rpc_diff.sh WIRE_CALLS CAIRND WORK_DIR
set -u
WIRE=$1
CAIRND=$2
WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
LV=$WORK/libvirt
mkdir -p "$LV/config/libvirt" "$LV/runtime/sock" "$LV/cache" "$LV/data" "$LV/home"
printf 'unix_sock_dir = "%s"\nlog_outputs = "3:file:%s"\n' "$LV/runtime/sock" "$LV/home/log" \
  >"$LV/config/libvirt/libvirtd.conf"
chmod 0755 "$WORK"
chown -R nobody: "$LV"
command -v setpriv >/dev/null || { echo "FAIL: setpriv (util-linux) is missing" >&2; exit 1; }
[ -x /usr/sbin/libvirtd ] || { echo "FAIL: libvirtd is missing: run scripts/install-deps" >&2; exit 1; }
env -i HOME="$LV/home" XDG_CONFIG_HOME="$LV/config" XDG_RUNTIME_DIR="$LV/runtime" \
  XDG_CACHE_HOME="$LV/cache" XDG_DATA_HOME="$LV/data" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  setpriv --reuid=nobody --regid=nogroup --clear-groups \
  /usr/sbin/libvirtd --config "$LV/config/libvirt/libvirtd.conf" >"$LV/home/out" 2>&1 &
LIBVIRTD=$!
"$CAIRND" --root "$WORK/cairn/root" --listen "$WORK/cairn" >"$WORK/cairnd.log" 2>&1 &
CAIRND_PID=$!
trap 'kill $LIBVIRTD $CAIRND_PID 2>/dev/null; wait 2>/dev/null' EXIT
for s in "$LV/runtime/sock/libvirt-sock" "$WORK/cairn/cairn-sock"; do
  i=0
  until [ -S "$s" ]; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "FAIL: no socket $s" >&2; cat "$LV/home/out" >&2; exit 1; }
    sleep 0.05
  done
done
"$WIRE" "$LV/runtime/sock/libvirt-sock" >"$WORK/libvirt.out" 2>&1
echo "status $?" >>"$WORK/libvirt.out"
"$WIRE" "$WORK/cairn/cairn-sock" >"$WORK/cairnd.out" 2>&1
echo "status $?" >>"$WORK/cairnd.out"
diff -u "$WORK/libvirt.out" "$WORK/cairnd.out" || { echo "FAIL: cairnd answers differ from libvirtd's" >&2; exit 1; }
