# backup-begin --wait interrupted (SIGINT, as Ctrl-C sends it) aborts the job instead of
# leaving it running with nobody watching: a pull backup, which never ends on its own, ends
# (a pull backup then counts as completed) and the domain has no job left. A pull
# backup-begin prints the NBD URI of each disk it exports, one per line, after virsh's
# "Backup started".
. "$CAIRN_QEMU_CASE"
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
    <disk name='vda' type='file' exportname='disk0'/>
  </disks>
</domainbackup>
XML
c "define dom.xml; start vm" | sed "s|$PWD|DIR|g"
"$CAIRN" -c "qemu:///embed?root=$PWD/state" "backup-begin vm pull.xml --wait" >wait.out 2>&1 &
waiter=$!
running
nbdinfo --size "nbd+unix:///disk0?socket=$PWD/nbd.sock"
kill -INT "$waiter"
wait "$waiter"
echo "[status $?]"
sed "s|$PWD|DIR|g" wait.out
c "domjobinfo vm"
if test -e nbd.sock; then echo "nbd.sock left behind"; fi
c "destroy vm"
