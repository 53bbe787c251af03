# Without -c the connection is opened when a command first needs it, from
# $CAIRN_DEFAULT_URI; commands that need none (help, echo) work without it.
CAIRN_DEFAULT_URI=test:///default "$CAIRN" "uri; list --name"; echo "[status $?]"
CAIRN_DEFAULT_URI=test:///nosuch "$CAIRN" "echo works; uri; help uri"; echo "[status $?]"
