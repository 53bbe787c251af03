# backup-begin --wait on a terminal (script(1) gives it one): virsh's progress bar, which
# Cairn extends with the bytes copied of the total, the rate and the time left. The job is
# quick, so only the final line is certain: earlier ones (a loaded host may draw some) are
# dropped, and so is the rate (shown only once two frames were drawn) and the blanks that
# pad a frame shorter than the one before. Without a terminal no bar is drawn at all.
. "$CAIRN_QEMU_CASE"
qemu_domain
qemu-io -c 'write -P 0x5a 1M 2M' "$PWD/vda.qcow2" >/dev/null
push_xml push.xml "$PWD/copy.qcow2"
push_xml push2.xml "$PWD/copy2.qcow2"
c "define dom.xml; start vm" | sed "s|$PWD|DIR|g"
script -qec "'$CAIRN' -c 'qemu:///embed?root=$PWD/state' 'backup-begin vm push.xml --wait'" \
  /dev/null | tr '\r' '\n' | grep -v '^$' | grep -v '^Backup: \[ *[0-9]\{1,2\} %\]' |
  sed -E -e 's|, [0-9.]+ [KMGTPE]?i?B/s||' -e 's/ +$//'
c "backup-begin vm push2.xml --wait" 2>&1
c "destroy vm"
qemu-img compare "$PWD/vda.qcow2" "$PWD/copy.qcow2"
