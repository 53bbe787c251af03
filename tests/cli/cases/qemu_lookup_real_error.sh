# A domain whose stored definition no longer parses: virsh's "failed to get domain" line,
# then the real error (not dropped as if the domain did not exist). An unknown name shows
# only virsh's line.
. "$CAIRN_QEMU_CASE"
qemu_domain
c "define dom.xml"
echo '<domain' >state/domains/vm.xml
c "dominfo vm"
c "dominfo nosuch"
