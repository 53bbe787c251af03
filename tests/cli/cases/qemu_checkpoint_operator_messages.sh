# The qemu driver's messages that tell an operator the way out: a raw disk names the
# --diskspec options that leave it out; naming one disk leaves every unnamed one out (as in
# libvirt), so a checkpoint that then tracks nothing is warned about; dumpxml --size says why
# a disk got no size; a checkpoint made on top of one whose bitmap broke is warned about.
. "$CAIRN_QEMU_CASE"
qemu_domain
qemu-img create -q -f raw "$PWD/vdc.raw" 16M
sed "s|</devices>|<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$PWD/vdc.raw'/><target dev='vdc' bus='virtio'/></disk></devices>|" dom.xml >dom2.xml
c "define dom2.xml" | sed "s|$PWD|DIR|"
c "checkpoint-create-as vm c0"
c "checkpoint-create-as vm c1 --diskspec vdc,checkpoint=no"
c "checkpoint-create-as vm c2 --diskspec vda,checkpoint=bitmap --diskspec vdc,checkpoint=no"
qemu-img bitmap --remove "$PWD/vda.qcow2" c2
c "checkpoint-dumpxml vm c2 --size --no-domain"
c "checkpoint-create-as vm c3 --diskspec vda --diskspec vdc,checkpoint=no"
c "checkpoint-list vm --name"
