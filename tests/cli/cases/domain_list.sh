# list: the table by default (running domains), --all, --inactive, the filters, and the
# name/uuid/id forms with virsh's order (running by id, then the rest by name).
"$CAIRN" -c test:///default dumpxml test --inactive |
  sed 's|<name>test</name>|<name>Other</name>|; s|193f</uuid>|1940</uuid>|' >other.xml
"$CAIRN" -c test:///default dumpxml test --inactive |
  sed 's|<name>test</name>|<name>alpha</name>|; s|193f</uuid>|1941</uuid>|' >alpha.xml
setup="define other.xml; define alpha.xml"
c() { "$CAIRN" -c test:///default "$setup; $1"; echo "[status $?]"; }
c "list; list --all; list --inactive"
c "list --all --name; list --all --uuid; list --all --id; list --all --uuid --id --name"
c "start alpha; list --all; list --id"
c "checkpoint-create-as test c1; list --all --with-checkpoint --name; list --all --without-checkpoint --name"
c "list --all --persistent --name; list --all --transient --name; undefine test; list --transient"
c "list --table --name"
c "list --table --uuid"
c "list --table --id"
c "list --all --table"
