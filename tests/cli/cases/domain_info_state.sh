# dominfo and domstate for a running and a shut-off domain; the domain by name, id, UUID.
# The test driver's CPU time is the current time (as libvirt's): shown as TIME.
c() { { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; } |
  sed 's/^\(CPU time: *\)[0-9.]*s$/\1TIME/'; }
c "dominfo test; dominfo 1; dominfo 6695eb01-f6a4-8304-79aa-97f2502e193f"
c "domstate test; domstate test --reason; destroy test; domstate test; domstate test --reason"
c "destroy test; dominfo test"
c "dominfo nosuch; domstate 7; dominfo ''"
c "domstate"
