# Backups of a shut-off domain (libvirt refuses them): a push with --wait and an incremental
# since the checkpoint it made, each equal to the disk; a pull prints its NBD URI, is read
# with nbdcopy, holds the domain's start back until domjobabort ends it. The domain stays
# shut off throughout.
. "$CAIRN_QEMU_CASE"
cook() { sed -E -e "s|$PWD|DIR|g" -e 's/^(Time elapsed:     )[0-9][0-9 ]{11}( ms)$/\1NNNN        \2/'; }
qemu_domain
qemu-io -c 'write -P 0x5a 1M 2M' "$PWD/vda.qcow2" >/dev/null
push_xml full.xml "$PWD/full.qcow2"
push_xml inc.xml "$PWD/inc.qcow2" c1
cat >pull.xml <<XML
<domainbackup mode='pull'>
  <server transport='unix' socket='$PWD/nbd.sock'/>
  <disks>
    <disk name='vda' type='file'/>
  </disks>
</domainbackup>
XML
c "define dom.xml" | cook
c "backup-begin vm full.xml --wait; checkpoint-create-as vm c1" | cook
c "domstate vm; domjobinfo vm; checkpoint-list vm --name"
qemu-img compare "$PWD/vda.qcow2" "$PWD/full.qcow2"
echo "[compare status $?]"
qemu-io -c 'write -P 0x6b 5M 64k' "$PWD/vda.qcow2" >/dev/null
c "backup-begin vm inc.xml --wait" | cook
c "domjobinfo vm --completed" | cook
qemu-img rebase -u -f qcow2 -b "$PWD/full.qcow2" -F qcow2 "$PWD/inc.qcow2"
qemu-img compare "$PWD/vda.qcow2" "$PWD/inc.qcow2"
echo "[compare status $?]"
c "backup-begin vm pull.xml" | cook
nbdcopy "nbd+unix:///vda?socket=$PWD/nbd.sock" "$PWD/read.raw"
qemu-img compare -U -F raw "$PWD/vda.qcow2" "$PWD/read.raw"
echo "[compare status $?]"
c "start vm" | cook
c "domjobabort vm; domjobinfo vm --completed" | cook
c "start vm; domstate vm; destroy vm" | cook
