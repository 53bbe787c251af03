# An incremental backup through the command line on the qemu driver: a full push backup
# that makes checkpoint c1 (the checkpoint XML as the positional argument), run on a
# terminal so --wait draws its progress bar (throttled to 2 MiB/s so the copy is seen under
# way); 1 MiB written while the domain is off (c1's bitmap in the image records it); an
# incremental since c1 into a file the user made (--reuse-external) that makes c2, 1 MiB in
# domjobinfo --completed; full + incremental rebuild the disk byte for byte.
. "$CAIRN_QEMU_CASE"
qemu_domain
qemu-io -c 'write -P 0x11 0 2M' "$PWD/vda.qcow2" >/dev/null
push_xml full.xml "$PWD/full.qcow2"
push_xml inc.xml "$PWD/inc.qcow2" c1
echo '<domaincheckpoint><name>c1</name></domaincheckpoint>' >c1.xml
echo '<domaincheckpoint><name>c2</name></domaincheckpoint>' >c2.xml
c "define dom.xml; start vm" | sed "s|$PWD|DIR|g"
CAIRN_TEST_HOOK_BACKUP_SPEED=2097152 script -qec "$CAIRN_WITH_TEST_HOOKS -c 'qemu:///embed?root=$PWD/state' backup-begin vm full.xml c1.xml --wait" /dev/null >bar.out
echo "[script status $?]"
# The terminal's output, its progress frames summed up (how many there are depends on timing):
# virsh's percent, then Cairn's bytes of the total, rate and time left.
tr '\r' '\n' <bar.out | awk '
  /^Backup: \[ *[0-9]+ %\]/ {
    p = $0; sub(/ %\].*/, "", p); gsub(/[^0-9]/, "", p); p += 0
    if (n++ && p < last) down = 1
    if (p > 0 && p < 100) mid = 1
    if (p > 0 && p < 100 && $0 ~ / MiB of 16\.000 MiB, [0-9.]+ [KM]iB\/s, ETA [0-9]+ s *$/) eta = 1
    last = p; lastline = $0; next
  }
  NF { print }
  END {
    print "progress: " (n ? "drawn" : "never drawn") ", " (down ? "went down" : "never went down") \
      ", " (mid ? "showed the copy under way" : "never between 0 and 100") ", last " last " %"
    print "progress: " (eta ? "bytes, rate and ETA under way" : "no bytes, rate and ETA under way") \
      ", " (lastline ~ /\] 16\.000 MiB of 16\.000 MiB/ ? "all 16 MiB at the end" : "not all at the end")
  }'
c "destroy vm"
qemu-io -c 'write -P 0x22 4M 1M' "$PWD/vda.qcow2" >/dev/null
qemu-img create -q -f qcow2 "$PWD/inc.qcow2" 16M
c "start vm; backup-begin vm inc.xml c2.xml --reuse-external --wait; domjobinfo vm --completed" |
  sed -E -e "s|$PWD|DIR|g" -e 's/^(Time elapsed:     )[0-9][0-9 ]{11}( ms)$/\1NNNN        \2/'
c "checkpoint-list vm --tree; destroy vm"
qemu-img rebase -u -b "$PWD/full.qcow2" -F qcow2 "$PWD/inc.qcow2"
qemu-img compare "$PWD/inc.qcow2" "$PWD/vda.qcow2"
echo "[compare status $?]"
