#!/bin/sh
# Runs one C program built twice, against libvirt and against Cairn, and requires the same
# stdout, stderr and exit status from both.
#
# usage: run_capi_diff.sh LIBVIRT_EXE CAIRN_EXE WORK_DIR
set -u
WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
"$1" >"$WORK/libvirt.out" 2>"$WORK/libvirt.err" </dev/null; echo $? >"$WORK/libvirt.status"
"$2" >"$WORK/cairn.out" 2>"$WORK/cairn.err" </dev/null; echo $? >"$WORK/cairn.status"
fail=0
for f in out err status; do
  diff -u "$WORK/libvirt.$f" "$WORK/cairn.$f" || { echo "FAIL: $f differs from libvirt's" >&2; fail=1; }
done
exit "$fail"
