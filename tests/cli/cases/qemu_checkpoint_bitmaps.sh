# The qemu driver on a shut-off domain: checkpoints in a real qcow2 image; checkpoint-info
# names a bitmap that vanished from the image (a Cairn extension line, shown only then).
. "$CAIRN_QEMU_CASE"
qemu_domain
c "define dom.xml" | sed "s|$PWD|DIR|"
c "checkpoint-create-as vm c1; checkpoint-create-as vm c2; checkpoint-info vm c1"
qemu-img bitmap --remove "$PWD/vda.qcow2" c1
c "checkpoint-info vm c1; checkpoint-info vm c2"
c "checkpoint-delete vm c1; checkpoint-list vm --name"
# checkpoint-list says which listed checkpoints lost a bitmap, on stderr only.
c "checkpoint-create-as vm c3"
qemu-img bitmap --remove "$PWD/vda.qcow2" c3
c "checkpoint-list vm --name"
