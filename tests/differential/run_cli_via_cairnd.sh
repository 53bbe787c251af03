#!/bin/sh
# Runs one differential CLI case twice: with libvirt's virsh on libvirt's in-process
# test:///default, then with CLIENT (libvirt's virsh, or Cairn's cairn) through cairnd
# (test+unix:///default?socket=...), which serves Cairn's test driver over libvirt's RPC
# protocol. Output, errors and status must be identical. Uses run_cli_diff.sh, with a CLIENT
# wrapper that rewrites the URI.
#
# usage: run_cli_via_cairnd.sh VIRSH CLIENT CAIRND CASE.sh WORK_DIR
set -u
VIRSH_BIN=$1
CLIENT=$2
CAIRND=$3
CASE=$4
WORK=$5
rm -rf "$WORK" && mkdir -p "$WORK/daemon" || exit 1
RUN=$(mktemp -d /tmp/cairnd.XXXXXX) || exit 1  # a unix socket path has at most 107 bytes
SOCK=$RUN/cairn-sock
"$CAIRND" --root "$WORK/daemon/root" --listen "$RUN" >"$WORK/daemon/log" 2>&1 &
DAEMON=$!
trap 'kill $DAEMON 2>/dev/null; wait $DAEMON 2>/dev/null; rm -rf "$RUN"' EXIT
i=0
until [ -S "$SOCK" ]; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "FAIL: cairnd did not start" >&2; cat "$WORK/daemon/log" >&2; exit 1; }
  sleep 0.05
done
WRAPPER=$WORK/client-via-cairnd
cat >"$WRAPPER" <<SH
#!/bin/sh
for a do
  shift
  [ "\$a" = "test:///default" ] && a="test+unix:///default?socket=$SOCK"
  set -- "\$@" "\$a"
done
exec "$(command -v "$CLIENT")" "\$@"
SH
chmod +x "$WRAPPER"
sh "$(dirname "$0")/run_cli_diff.sh" "$VIRSH_BIN" "$WRAPPER" "$CASE" "$WORK/cases"
