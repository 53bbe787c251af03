# checkpoint-info and checkpoint-parent on a root, a middle and a leaf checkpoint.
c() { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; }
chain="checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-create-as test c3"
c "$chain; checkpoint-info test c1; checkpoint-info test c2; checkpoint-info --domain test c3"
c "$chain; checkpoint-parent test c3; checkpoint-parent test c2; checkpoint-parent test c1"
c "$chain; checkpoint-info test; checkpoint-info test nosuch; checkpoint-info nosuch c1"
c "$chain; checkpoint-parent test; checkpoint-parent test nosuch; checkpoint-parent test ''"
# The domain may be given by id or UUID too.
c "$chain; checkpoint-info 1 c2; checkpoint-parent 6695eb01-f6a4-8304-79aa-97f2502e193f c2"
