# domblklist: targets and sources, with --details, of the live and the inactive XML.
"$CAIRN" -c test:///default dumpxml test --inactive |
  sed 's|</devices>|<disk type="file" device="cdrom"><target dev="hdc" bus="ide"/><readonly/></disk></devices>|
       s|<name>test</name>|<name>two</name>|; s|193f</uuid>|1940</uuid>|' >two.xml
c() { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; }
c "domblklist test; domblklist test --details; domblklist test --inactive"
c "define two.xml; domblklist two --details; domblklist two --inactive"
c "domblklist nosuch"
c "domblklist"
