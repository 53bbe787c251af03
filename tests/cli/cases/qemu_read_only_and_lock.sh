# Reading never writes and a held lock is given up on: a checkpoint-create killed after its
# bitmaps were added leaves its journal; `cairn -r checkpoint-list` shows what the repair
# will produce (c2 listed) and leaves the journal; a read-write listing repairs it. With the
# domain's lock held by another program, a writer gives up after the (test-shortened)
# timeout with libvirt's error, while a reader does not wait at all.
. "$CAIRN_QEMU_CASE"
qemu_domain
URI="qemu:///embed?root=$PWD/state"
c "define dom.xml; checkpoint-create-as vm c1" | sed "s|$PWD|DIR|"
CAIRN_TEST_HOOK_CRASH_AT=checkpoint-create:bitmaps-added "$CAIRN_WITH_TEST_HOOKS" -c "$URI" \
  checkpoint-create-as vm c2
echo "[killed status $?]"
"$CAIRN" -r -c "$URI" checkpoint-list vm --name
echo "[status $?]"
ls -A state/checkpoints/vm
c "checkpoint-list vm --name"
ls -A state/checkpoints/vm
# Another program holds the lock for 5 s (flock(1) records no holder).
flock state/locks/vm.lock sleep 5 &
holder=$!
while flock -n state/locks/vm.lock true; do sleep 0.05; done
CAIRN_TEST_HOOK_LOCK_TIMEOUT_MS=200 "$CAIRN_WITH_TEST_HOOKS" -c "$URI" checkpoint-create-as vm c3
echo "[status $?]"
"$CAIRN" -r -c "$URI" checkpoint-list vm --name
echo "[status $?]"
wait "$holder"
c "checkpoint-create-as vm c3"
