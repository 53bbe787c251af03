# checkpoint-delete: a leaf, a middle checkpoint (its child moves up), --children,
# --children-only, --metadata; what cannot be deleted.
chain="checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-create-as test c3"
c() { "$CAIRN" -c test:///default "$chain; $1"; echo "[status $?]"; }
c "checkpoint-delete test c3; checkpoint-list test --tree"
c "checkpoint-delete test c2; checkpoint-list test --tree"
c "checkpoint-delete test c1 --children; checkpoint-list test --name"
c "checkpoint-delete test c1 --children-only; checkpoint-list test --tree"
c "checkpoint-delete test c2 --metadata; checkpoint-list test --parent"
c "checkpoint-delete --domain test --checkpointname c2 --metadata --children"
c "checkpoint-delete test c1 --children --children-only"
c "checkpoint-delete test; checkpoint-delete test nosuch; checkpoint-delete nosuch c1"
c "checkpoint-delete test c3; checkpoint-delete test c3"
