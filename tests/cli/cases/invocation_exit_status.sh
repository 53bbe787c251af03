# The exit status says whether the last command failed; quit and exit end a batch.
"$CAIRN" -c test:///default "checkpoint-info test nosuch; uri"; echo "[status $?]"
"$CAIRN" -c test:///default "uri; checkpoint-info test nosuch"; echo "[status $?]"
"$CAIRN" -c test:///default "uri; quit; echo not run"; echo "[status $?]"
"$CAIRN" -c test:///default "checkpoint-info test nosuch; exit"; echo "[status $?]"
"$CAIRN" -c test:///default checkpoint-info test nosuch; echo "[status $?]"
