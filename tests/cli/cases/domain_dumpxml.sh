# dumpxml: live and inactive XML, --security-info, --xpath with and without --wrap.
c() { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; }
c "dumpxml test"
c "dumpxml test --inactive --security-info"
c "dumpxml test --xpath //disk; dumpxml test --xpath //target --wrap"
c "dumpxml --domain test --xpath /domain/@id; dumpxml test --xpath 'string(/domain/name)'"
c "dumpxml nosuch"
c "dumpxml"
