# checkpoint-create: from a file, with the default document, redefining; every refusal.
c() { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; }
cat >c1.xml <<'XML'
<domaincheckpoint>
  <name>c1</name>
  <description>from a file</description>
</domaincheckpoint>
XML
c "checkpoint-create test c1.xml; checkpoint-create --domain test --xmlfile c1.xml"
c "checkpoint-create test c1.xml --quiesce; checkpoint-dumpxml test c1 --no-domain"
# Without a file the checkpoint is named after the current time.
c "checkpoint-create test; checkpoint-list test --name" | sed 's/[0-9]\{10\}/NOW/'
# Redefinition: dump, delete, create again from the dump.
"$CAIRN" -q -c test:///default "checkpoint-create test c1.xml
checkpoint-dumpxml test c1 --security-info" >dump.xml
c "checkpoint-create-as test c0; checkpoint-create test --redefine dump.xml
checkpoint-info test c1"
c "checkpoint-create test c1.xml; checkpoint-create test --redefine dump.xml --quiesce"
c "checkpoint-create test c1.xml --redefine-validate"
c "checkpoint-create test c1.xml --redefine --redefine-validate"
c "checkpoint-create test nosuch.xml"
c "checkpoint-create test ''"
printf '<domaincheckpoint><name>bad</nam></domaincheckpoint>' >bad.xml
c "checkpoint-create test bad.xml"
printf '<domaincheckpoint><bogus/></domaincheckpoint>' >invalid.xml
c "checkpoint-create test invalid.xml"
c "checkpoint-create nosuch c1.xml"
c "destroy test; checkpoint-create test c1.xml"
# Files that cannot be read: a directory, and one over virsh's 10 MiB limit.
mkdir adir
truncate -s 11M big.xml
c "checkpoint-create test adir; checkpoint-create test big.xml"
