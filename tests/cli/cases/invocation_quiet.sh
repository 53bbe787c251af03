# -q drops confirmations, table headers and the empty line after each command; results
# and errors stay. checkpoint-parent's answer then has no line end, as in virsh.
"$CAIRN" -q -c test:///default "checkpoint-create-as test c1; checkpoint-create-as test c2
checkpoint-list test; checkpoint-list test --parent; checkpoint-list test --name
checkpoint-parent test c2; echo; checkpoint-info test c2; checkpoint-delete test c2
list; domblklist test; echo hello; checkpoint-info test nosuch; checkpoint-list test --tree"
echo "[status $?]"
