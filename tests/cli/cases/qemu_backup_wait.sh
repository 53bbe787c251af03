# backup-begin --wait on a pull backup, which only ends from outside (the first one also
# with --preserve-domain-on-shutdown, which changes nothing while the guest runs): ended by domjobabort
# (a pull backup then counts as completed) it succeeds; when the domain is destroyed under
# it the job fails, and --wait fails with the job's error.
. "$CAIRN_QEMU_CASE"
# Waits until the domain's job runs, so the other process is sure to be waiting on it.
running() {
  for _ in $(seq 100); do
    "$CAIRN" -q -c "qemu:///embed?root=$PWD/state" "domjobinfo vm" | grep -q Unbounded && return
    sleep 0.1
  done
  echo "the job never started"
}
qemu_domain
cat >pull.xml <<XML
<domainbackup mode='pull'>
  <server transport='unix' socket='$PWD/nbd.sock'/>
  <disks>
    <disk name='vda' type='file'/>
  </disks>
</domainbackup>
XML
c "define dom.xml; start vm" | sed "s|$PWD|DIR|g"
c "backup-begin vm pull.xml --wait --preserve-domain-on-shutdown" >wait1.out 2>&1 &
running
c "domjobabort vm"
wait
sed "s|$PWD|DIR|g" wait1.out
c "backup-begin vm pull.xml --wait" >wait2.out 2>&1 &
running
c "destroy vm"
wait
sed "s|$PWD|DIR|g" wait2.out
# As virsh 9, a failed job shows its type and operation; --anystats shows its statistics.
c "domjobinfo vm --completed --keep-completed; domjobinfo vm --completed --anystats" |
  sed -E 's/^(Time elapsed:     )[0-9][0-9 ]{11}( ms)$/\1NNNN        \2/'
