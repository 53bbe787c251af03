#!/bin/sh
# Runs one differential CLI case with libvirt's own virsh twice: on libvirt's in-process
# test:///default, then through cairnd (test+unix:///default?socket=...), which serves Cairn's
# test driver over libvirt's RPC protocol. Output, errors and status must be identical: the
# wire protocol is libvirt's to the byte, as far as virsh can tell. Uses run_cli_diff.sh, with
# a virsh wrapper that rewrites the URI in place of Cairn's CLI.
#
# usage: run_cli_via_cairnd.sh VIRSH CAIRND CASE.sh WORK_DIR
set -u
VIRSH_BIN=$1
CAIRND=$2
CASE=$3
WORK=$4
rm -rf "$WORK" && mkdir -p "$WORK/daemon" || exit 1
SOCK=$WORK/daemon/cairn-sock
"$CAIRND" --root "$WORK/daemon/root" --listen "$WORK/daemon" >"$WORK/daemon/log" 2>&1 &
DAEMON=$!
trap 'kill $DAEMON 2>/dev/null; wait $DAEMON 2>/dev/null' EXIT
i=0
until [ -S "$SOCK" ]; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "FAIL: cairnd did not start" >&2; cat "$WORK/daemon/log" >&2; exit 1; }
  sleep 0.05
done
WRAPPER=$WORK/virsh-via-cairnd
cat >"$WRAPPER" <<SH
#!/bin/sh
for a do
  shift
  [ "\$a" = "test:///default" ] && a="test+unix:///default?socket=$SOCK"
  set -- "\$@" "\$a"
done
exec "$(command -v "$VIRSH_BIN")" "\$@"
SH
chmod +x "$WRAPPER"
sh "$(dirname "$0")/run_cli_diff.sh" "$VIRSH_BIN" "$WRAPPER" "$CASE" "$WORK/cases"
