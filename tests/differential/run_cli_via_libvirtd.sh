#!/bin/sh
# Cairn's cli against libvirt's own daemon: one differential CLI case run with libvirt's virsh
# on libvirt's in-process test:///default, then with Cairn's cairn through a private libvirtd
# (test+unix:///default?socket=..., Cairn's remote driver speaking libvirt's RPC protocol to
# libvirt's server). Output, errors and status must be identical.
#
# usage: run_cli_via_libvirtd.sh VIRSH CAIRN CASE.sh WORK_DIR
set -u
VIRSH_BIN=$1
CAIRN=$2
CASE=$3
WORK=$4
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
. "$(dirname "$0")/private_libvirtd.sh"
start_private_libvirtd || exit 1
trap stop_private_libvirtd EXIT
WRAPPER=$WORK/cairn-via-libvirtd
cat >"$WRAPPER" <<SH
#!/bin/sh
for a do
  shift
  [ "\$a" = "test:///default" ] && a="test+unix:///default?socket=$LIBVIRTD_SOCK"
  set -- "\$@" "\$a"
done
exec "$CAIRN" "\$@"
SH
chmod +x "$WRAPPER"
sh "$(dirname "$0")/run_cli_diff.sh" "$VIRSH_BIN" "$WRAPPER" "$CASE" "$WORK/cases"
