# Sourced by cairn-backup's end-to-end tests: a scratch directory $W (removed on exit, with
# the domain destroyed), and the test guest as a domain "vm" on qemu:///embed in $W, with a
# serial console to run commands in it.
#   cairn ARGS / cb ARGS  cairn on the domain's URI / cairn-backup on it and $W/repo
#   start_guest       define (first time) and start vm, wait until its shell answers
#   guest CMD         run CMD in the guest and wait for it to finish
#   stop_guest        destroy vm (its disks stay as written)
# Needs: $CAIRN, $CB (cairn-backup), $CAIRN_TEST_GUEST_DIR. $DISKS names vm's disks, each a
# 64 MiB qcow2 $W/NAME.qcow2 (default: vda).
W=$(mktemp -d /tmp/cairn-backup-test.XXXXXX)
READER=
URI="qemu:///embed?root=$W/state"
cleanup() {
  "$CAIRN" -c "$URI" destroy vm >/dev/null 2>&1 || true
  [ -z "$READER" ] || kill "$READER" 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT
cairn() { "$CAIRN" -c "$URI" "$@"; }
cb() { "$CB" -c "$URI" -r "$W/repo" "$@"; }

start_guest() {
  if [ ! -f "$W/vm.xml" ]; then
    disk_xml=
    for d in ${DISKS:-vda}; do
      qemu-img create -q -f qcow2 "$W/$d.qcow2" 64M
      disk_xml="$disk_xml
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' discard='unmap'/>
      <source file='$W/$d.qcow2'/>
      <target dev='$d' bus='virtio'/>
    </disk>"
    done
    cat >"$W/vm.xml" <<XML
<domain type='qemu'>
  <name>vm</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$CAIRN_TEST_GUEST_DIR/vmlinuz</kernel>
    <initrd>$CAIRN_TEST_GUEST_DIR/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet no_timer_check</cmdline>
  </os>
  <devices>$disk_xml
    <serial type='pipe'>
      <source path='$W/serial'/>
    </serial>
  </devices>
</domain>
XML
    mkfifo "$W/serial.in" "$W/serial.out"
    cairn define "$W/vm.xml" >/dev/null
  fi
  : >"$W/console.log"
  cairn start vm >/dev/null
  cat "$W/serial.out" >>"$W/console.log" &
  READER=$!
  exec 3<>"$W/serial.in"
  i=0
  until grep -q "__CAIRN_READY__" "$W/console.log"; do
    i=$((i + 1)); [ $i -lt 900 ] || { echo "guest did not boot" >&2; exit 1; }
    sleep 0.2
  done
}

guest() {
  n=$(( ${n:-0} + 1 ))
  printf '%s; echo __done_%s_$?\n' "$1" "$n" >&3
  i=0
  until grep -q "__done_${n}_" "$W/console.log"; do
    i=$((i + 1)); [ $i -lt 900 ] || { echo "guest did not answer: $1" >&2; exit 1; }
    sleep 0.1
  done
  grep -q "__done_${n}_0" "$W/console.log" || { echo "guest command failed: $1" >&2; exit 1; }
}

stop_guest() {
  cairn destroy vm >/dev/null
  exec 3>&-
  kill "$READER" 2>/dev/null || true
  wait "$READER" 2>/dev/null || true
}
