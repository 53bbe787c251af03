# Wrong invocations: unknown options, a missing -c argument, a URI nobody serves. Each
# fails with status 1 before running any command.
"$CAIRN" -x uri; echo "[status $?]"
"$CAIRN" --bogus uri; echo "[status $?]"
"$CAIRN" -c; echo "[status $?]"
"$CAIRN" --connect; echo "[status $?]"
"$CAIRN" -c test:///nosuch uri; echo "[status $?]"
"$CAIRN" -c bogus:///x uri; echo "[status $?]"
# Options after the command belong to the command.
"$CAIRN" -c test:///default uri -q; echo "[status $?]"
