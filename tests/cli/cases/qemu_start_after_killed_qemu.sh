# A QEMU killed with SIGKILL leaves the bitmaps it had open flagged in-use in the image, and
# one added while it ran (c2) never reaches the image: the next `start` names each such
# checkpoint, its disk, the bitmap's state and the way out, on stderr (a Cairn extension;
# on test:///default start prints exactly what virsh prints).
. "$CAIRN_QEMU_CASE"
qemu_domain
c "define dom.xml; checkpoint-create-as vm c1" | sed "s|$PWD|DIR|"
c "start vm; checkpoint-create-as vm c2"
pid=$(cat state/run/vm/pid)
kill -9 "$pid"
# Gone, or a zombie nobody reaped yet: either way its image is closed.
for _ in $(seq 100); do
  st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || break
  [ "$st" = Z ] && break
  sleep 0.05
done
c "start vm"
c "destroy vm"
