# define and undefine, including the checkpoint-metadata rule: an inactive domain with
# checkpoints is only undefined with --checkpoints-metadata.
"$CAIRN" -c test:///default dumpxml test --inactive |
  sed 's|<name>test</name>|<name>vm2</name>|; s|193f</uuid>|1940</uuid>|' >vm2.xml
c() { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; }
c "define vm2.xml; list --all; define --file vm2.xml; undefine vm2; list --all"
c "define nosuch.xml"
printf '<domain><name>broken</domain>' >broken.xml
c "define broken.xml"
c "define ''"
c "define"
# A running domain becomes transient; the checkpoint metadata rule applies when inactive.
c "checkpoint-create-as test c1; undefine test; list --all --transient"
c "checkpoint-create-as test c1; destroy test; undefine test; list --all --name"
c "checkpoint-create-as test c1; destroy test; undefine test --checkpoints-metadata; list --all"
c "undefine nosuch"
c "undefine"
