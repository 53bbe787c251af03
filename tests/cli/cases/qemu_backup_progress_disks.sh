# backup-begin --wait on a terminal for a job of two disks: under virsh's progress line over
# all disks, a line per disk (QEMU's per-disk jobs, as Domain::GetBackupJobInfo reports them),
# redrawn in place (the cursor moves up over the frame). The job is throttled (8 MiB/s per
# disk) so frames are drawn while it runs; how many depends on timing, so only their shape is
# checked, and the final frame (every disk complete), without rates.
. "$CAIRN_QEMU_CASE"
qemu_domain
qemu-img create -q -f qcow2 "$PWD/vdb.qcow2" 16M
qemu-io -c 'write -P 0x5a 1M 2M' "$PWD/vda.qcow2" >/dev/null
qemu-io -c 'write -P 0xa5 4M 1M' "$PWD/vdb.qcow2" >/dev/null
sed -i "s|</disk>|&<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$PWD/vdb.qcow2'/><target dev='vdb' bus='virtio'/></disk>|" dom.xml
cat >push.xml <<XML
<domainbackup mode='push'>
  <disks>
    <disk name='vda' type='file'><target file='$PWD/vda.copy'/><driver type='qcow2'/></disk>
    <disk name='vdb' type='file'><target file='$PWD/vdb.copy'/><driver type='qcow2'/></disk>
  </disks>
</domainbackup>
XML
c "define dom.xml; start vm" | sed "s|$PWD|DIR|g"
CAIRN_TEST_HOOK_BACKUP_SPEED=8388608 script -qec "$CAIRN_WITH_TEST_HOOKS -c 'qemu:///embed?root=$PWD/state' backup-begin vm push.xml --wait" /dev/null >bar.out
echo "[script status $?]"
# One line per frame line: carriage returns split them, cursor movements go.
tr '\r' '\n' <bar.out | sed -E 's/\x1b\[[0-9]+[AB]//g' | grep -v '^$' >frames
grep -qE '^  vd[ab]: \[ *[0-9]{1,2} %\] [0-9.]+ [KMG]?i?B of 16\.000 MiB' frames &&
  echo "per-disk lines drawn while the job ran"
grep -qE '^Backup: \[ *[0-9]{1,2} %\] [0-9.]+ [KMG]?i?B of 32\.000 MiB' frames &&
  echo "the line over all disks drawn while the job ran"
grep -v '^Backup started$' frames | grep -v '^Backup completed$' | tail -n 3 |
  sed -E -e 's|, [0-9.]+ [KMGTPE]?i?B/s||' -e 's/ +$//'
grep -c '^Backup completed$' frames
c "destroy vm"
qemu-img compare "$PWD/vda.qcow2" "$PWD/vda.copy"
qemu-img compare "$PWD/vdb.qcow2" "$PWD/vdb.copy"
