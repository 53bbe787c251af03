# checkpoint-create-as: name and description by position or name, --print-xml, repeated
# --diskspec; duplicate names and malformed diskspecs.
c() { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; }
c "checkpoint-create-as test c1 'first one'; checkpoint-create-as test c1"
c "checkpoint-create-as --domain test --name c1 --description desc --quiesce
checkpoint-dumpxml test c1 --no-domain"
c "checkpoint-create-as test --print-xml"
c "checkpoint-create-as test n1 'a <b> & \"c\"' --print-xml"
c "checkpoint-create-as test n1 --print-xml --diskspec vda,checkpoint=bitmap,bitmap=b1 \
   --diskspec vdb,checkpoint=no --diskspec 'odd,,name'"
# With domain, name and description given by position, diskspecs need no --diskspec.
c "checkpoint-create-as test n1 d1 vda,bitmap=b1 vdb --print-xml"
c "checkpoint-create-as test c1 d1 vda,bitmap=mine; checkpoint-dumpxml test c1 --no-domain"
c "checkpoint-create-as test c1 --diskspec vda,checkpoint=no; checkpoint-dumpxml test c1 --no-domain"
c "checkpoint-create-as test c1 --diskspec vda,color=red"
c "checkpoint-create-as test c1 --diskspec vda,bitmap=a,bitmap=b"
c "checkpoint-create-as test c1 --diskspec vdz"
c "checkpoint-create-as test ''"
c "checkpoint-create-as test c1 ''"
c "checkpoint-create-as"
c "checkpoint-create-as nosuch c1"
c "checkpoint-create-as test c1 --quiesce --print-xml --print-xml"
