# -r opens the connection read-only: reading works, changing fails with the library's
# "operation forbidden" error.
"$CAIRN" -r -c test:///default "checkpoint-create-as test c1; checkpoint-list test; list
dumpxml test --xpath /domain/name; dumpxml test --security-info; destroy test; start test
undefine test"
echo "[status $?]"
