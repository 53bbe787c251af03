# After libvirt's error line for an unknown domain or checkpoint, a hint names the closest
# existing name when one is a likely typo; a name far from all gets none.
c() { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; }
c "dominfo tset"
c "domstate Test"
c "dominfo zzzz"
c "checkpoint-create-as test base; checkpoint-create-as test daily; checkpoint-info test bsae"
c "checkpoint-create-as test daily; checkpoint-dumpxml test dialy"
c "checkpoint-create-as test base; checkpoint-info test nothing-like-it"
