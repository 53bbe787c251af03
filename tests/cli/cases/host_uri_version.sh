# uri and version.
c() { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; }
c "uri; version"
c "uri extra"
