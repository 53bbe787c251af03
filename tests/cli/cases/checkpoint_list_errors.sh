# checkpoint-list's refusals: virsh's mutual exclusions, --descendants without --from, an
# unknown --from, an unknown domain.
c() { "$CAIRN" -c test:///default "checkpoint-create-as test c1; $1"; echo "[status $?]"; }
c "checkpoint-list test --tree --name"
c "checkpoint-list test --parent --roots"
c "checkpoint-list test --parent --tree"
c "checkpoint-list test --roots --tree"
c "checkpoint-list test --roots --from c1"
c "checkpoint-list test --tree --leaves"
c "checkpoint-list test --tree --no-leaves"
c "checkpoint-list test --descendants"
c "checkpoint-list test --from nosuch"
c "checkpoint-list test --from ''"
c "checkpoint-list nosuch"
c "checkpoint-list"
