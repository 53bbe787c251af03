# checkpoint-list's outputs on a forest with fan-out (made with --redefine): table, with
# parents, names, tree, --from with and without --descendants and --tree, roots, leaves,
# topological order, and an empty list.
redefine() {  # redefine NAME PARENT
  printf '<domaincheckpoint><name>%s</name><parent><name>%s</name></parent><creationTime>1700000000</creationTime></domaincheckpoint>\n' "$1" "$2" >"$1.xml"
}
redefine a c1
redefine B c1
redefine e B
forest="checkpoint-create-as test c1; checkpoint-create-as test c2
checkpoint-create test --redefine a.xml; checkpoint-create test --redefine B.xml
checkpoint-create test --redefine e.xml; checkpoint-create-as test z"
c() { "$CAIRN" -c test:///default "$forest; $1"; echo "[status $?]"; }
c "checkpoint-list test"
c "checkpoint-list test --parent"
c "checkpoint-list test --name"
c "checkpoint-list test --tree"
c "checkpoint-list test --tree --topological"
c "checkpoint-list test --roots"
c "checkpoint-list test --leaves --name; checkpoint-list test --no-leaves --name"
c "checkpoint-list test --leaves --no-leaves --name"
c "checkpoint-list test --from c1 --name; checkpoint-list test c1 --name"
c "checkpoint-list test --from c1 --descendants --name"
c "checkpoint-list test --from c1 --descendants --topological --name"
c "checkpoint-list test --from c1 --tree; checkpoint-list test --from B --tree"
c "checkpoint-list test --from c1 --parent --leaves"
c "checkpoint-list test --from e"
"$CAIRN" -c test:///default "checkpoint-list test; checkpoint-list test --name
checkpoint-list test --tree; checkpoint-list test --parent"
echo "[status $?]"
