#!/bin/sh
# Cairn's client hears libvirt's own job-completed event: a private libvirtd 9.0 (a session
# daemon run as nobody, ../../differential/private_libvirtd.sh) manages a real QEMU domain,
# defined and started with `cairn`; a C program on Cairn's C API (job_event_client.c)
# registers VIR_DOMAIN_EVENT_ID_JOB_COMPLETED through qemu+unix://, begins a push backup, and
# must receive the event libvirtd pushes.
#
# usage: job_event_via_libvirtd.sh CAIRN JOB_EVENT_CLIENT
set -u
CAIRN=$1
CLIENT=$2
. "$(dirname "$0")/../../differential/private_libvirtd.sh"
start_private_libvirtd || exit 1
URI="qemu+unix:///session?socket=$LIBVIRTD_SOCK"
cleanup() { "$CAIRN" -q -c "$URI" destroy vm >/dev/null 2>&1; stop_private_libvirtd; }
trap cleanup EXIT
write_libvirtd_test_domain || exit 1
timeout 60 "$CAIRN" -q -c "$URI" "define $D/dom.xml; start vm" >/dev/null || {
  echo "FAIL: cairn could not define and start vm through libvirtd" >&2; exit 1; }
out=$(timeout 120 "$CLIENT" "$URI" vm "$D/push.xml" 2>&1)
status=$?
[ $status -eq 0 ] || { echo "FAIL: job_event_client exited with $status: $out" >&2; exit 1; }
echo "$out" | grep -qF "events=1 domain=vm success=1 operation=9" || {
  echo "FAIL: unexpected event: $out" >&2; exit 1; }
echo ok
