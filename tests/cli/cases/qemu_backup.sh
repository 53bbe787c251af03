# The qemu driver with a running domain (it sits in firmware): a full push backup with
# --wait, then its completed-job statistics; the copy matches the disk once the domain is
# off. A pull backup's XML while it runs, ended by domjobabort, its scratch file removed.
# A "Time elapsed" line in virsh's layout (the number left-aligned in 12 columns), and the
# time_elapsed line of --rawstats, have their number cooked to NNNN; one in any other layout
# stays as it is and fails the case.
. "$CAIRN_QEMU_CASE"
cook() {
  sed -E -e "s|$PWD|DIR|g" \
    -e 's/^Time elapsed:     [0-9][0-9 ]{11} ms$/Time elapsed:     NNNN         ms/' \
    -e 's/^time_elapsed: [0-9]+$/time_elapsed: NNNN/'
}
qemu_domain
qemu-io -c 'write -P 0x5a 1M 2M' "$PWD/vda.qcow2" >/dev/null
push_xml push.xml "$PWD/copy.qcow2"
cat >pull.xml <<XML
<domainbackup mode='pull'>
  <server transport='unix' socket='$PWD/nbd.sock'/>
  <disks>
    <disk name='vda' type='file'>
      <scratch file='$PWD/scratch.qcow2'/>
      <driver type='qcow2'/>
    </disk>
  </disks>
</domainbackup>
XML
c "define dom.xml" | cook
# The job commands on the shut-off domain find no job (a shut-off domain can run one here;
# libvirt's says "domain is not running"), then with it running and no job, they fail as
# libvirt 9's qemu driver does (all but domjobinfo, which finds no job).
c "domjobinfo vm"
c "domjobinfo vm --completed"
c "domjobabort vm"
c "backup-dumpxml vm"
c "start vm"
c "domjobinfo vm; backup-dumpxml vm"
c "domjobabort vm"
c "backup-begin vm push.xml --wait" | cook
c "domjobinfo vm; domjobinfo vm --completed --keep-completed --rawstats" | cook
c "domjobinfo vm --completed" | cook
c "backup-begin vm pull.xml; backup-dumpxml vm" | cook
c "domjobinfo vm; backup-dumpxml vm --xpath //disk/@exportname" | cook
c "domjobabort vm; domjobinfo vm; domjobinfo vm --completed" | cook
c "destroy vm"
qemu-img compare "$PWD/vda.qcow2" "$PWD/copy.qcow2"
echo "[compare status $?]"
if test -e scratch.qcow2; then echo "scratch.qcow2 left behind"; fi
