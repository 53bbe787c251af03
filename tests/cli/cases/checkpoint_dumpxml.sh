# checkpoint-dumpxml: the whole document, --no-domain, --size, --security-info, and the
# --xpath/--wrap filter; a domain that is not running cannot report sizes.
c() { "$CAIRN" -c test:///default "checkpoint-create-as test c1 first; $1"; echo "[status $?]"; }
c "checkpoint-dumpxml test c1"
c "checkpoint-dumpxml test c1 --no-domain; checkpoint-dumpxml test c1 --no-domain --size"
c "checkpoint-dumpxml test c1 --security-info --no-domain"
c "checkpoint-dumpxml test c1 --xpath //disk; checkpoint-dumpxml test c1 --xpath //name"
c "checkpoint-dumpxml test c1 --xpath //name --wrap; checkpoint-dumpxml test c1 --xpath //nothing"
c "checkpoint-dumpxml test c1 --xpath //nothing --wrap; checkpoint-dumpxml test c1 --xpath //disk/@bitmap"
c "checkpoint-dumpxml test c1 --xpath 'count(//disk)'"
c "checkpoint-dumpxml test c1 --xpath '//['"
c "checkpoint-dumpxml test c1 --xpath ''"
c "checkpoint-dumpxml test c1 //disk"
c "checkpoint-dumpxml test; checkpoint-dumpxml test nosuch"
c "destroy test; checkpoint-dumpxml test c1 --no-domain; checkpoint-dumpxml test c1 --size"
