# The qemu driver refuses at define what it would not honour, naming the element and value,
# and a domain named with a comma starts, lists as running and is destroyed (real QEMU).
. "$CAIRN_QEMU_CASE"
qemu_domain
sed 's|</devices>|<interface type="user"/></devices>|' dom.xml >nic.xml
c "define nic.xml"
sed "s|type='qcow2'/>|type='qcow2' cache='none'/>|" dom.xml >cache.xml
c "define cache.xml"
sed 's|</devices>|<serial type="pty"/></devices>|' dom.xml >pty.xml
c "define pty.xml"
c "list --all --name"
sed 's|<name>vm</name>|<name>a,b</name>|' dom.xml >comma.xml
c "define comma.xml" | sed "s|$PWD|DIR|"
c "start a,b; list --all"
c "destroy a,b; list --all"
