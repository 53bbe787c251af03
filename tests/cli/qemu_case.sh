# Sourced by the command-line cases that run the qemu driver (cases/qemu_*.sh): the common
# setup, so that each case shows only what it tests.
#   c ARGS...        runs cairn on qemu:///embed with its state in ./state, then prints
#                    "[status N]"
#   qemu_domain      writes ./vda.qcow2 (16 MiB, empty) and ./dom.xml: domain "vm" (TCG,
#                    64 MiB, no guest OS: it sits in firmware) with that image as virtio vda
#   push_xml XML TARGET [SINCE]
#                    writes XML: a push backup of vda into the qcow2 file TARGET, incremental
#                    since checkpoint SINCE when given
c() { "$CAIRN" -c "qemu:///embed?root=$PWD/state" "$@"; echo "[status $?]"; }
qemu_domain() {
  qemu-img create -q -f qcow2 "$PWD/vda.qcow2" 16M
  cat >dom.xml <<XML
<domain type='qemu'>
  <name>vm</name>
  <memory unit='MiB'>64</memory>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$PWD/vda.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
XML
}
push_xml() {
  cat >"$1" <<XML
<domainbackup mode='push'>
${3:+  <incremental>$3</incremental>
}  <disks>
    <disk name='vda' type='file'>
      <target file='$2'/>
      <driver type='qcow2'/>
    </disk>
  </disks>
</domainbackup>
XML
}
