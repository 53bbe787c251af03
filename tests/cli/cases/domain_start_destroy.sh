# start and destroy; start takes a name or UUID (not an id), destroy any of the three.
c() { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; }
c "destroy test; list --all; start test; list"
c "destroy 1; start 6695eb01-f6a4-8304-79aa-97f2502e193f; domstate test"
c "start test"
c "destroy test; destroy test"
c "start 1; start nosuch; destroy nosuch"
c "start"
c "destroy"
