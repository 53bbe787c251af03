#!/bin/sh
# libvirt's virsh checkpoint transcript (../shared/conformance/virsh-checkpoint), run
# against cairn exactly as ../shared/conformance/README.md describes:
#   phase 1: commands-phase1.txt as one session (one command string) on a fresh
#            test:///default; stdout cooked (trailing spaces stripped, the first timestamp of
#            each line replaced by TIMESTAMP, <!--MarkerA-->..<!--MarkerC--> cut out and
#            saved as c3.xml and c2.xml); stdout and stderr compared with the expected files.
#   phase 2: a fresh session in the directory holding c3.xml and c2.xml, commands read from
#            stdin (commands-phase2.txt); raw stdout and stderr compared.
# One substitution, because Cairn has no snapshots: where virsh refuses the snapshot with
# "error: Operation not supported: cannot create snapshot while checkpoint exists", cairn
# does not know the command and says "error: unknown command: 'snapshot-create-as'"; that
# one line of expected-stderr-phase1.txt is replaced before comparing. stdout is unchanged:
# a failed command contributes its empty line either way.
#
# usage: run_virsh_transcript.sh CAIRN VECTOR_DIR WORK_DIR
# ($CAIRN_SHARED_DIR, when set, overrides VECTOR_DIR as it does for the C++ conformance tests.)
set -u
CAIRN=$1
VECTORS=$2
WORK=$3
if [ -n "${CAIRN_SHARED_DIR:-}" ]; then VECTORS=$CAIRN_SHARED_DIR/conformance/virsh-checkpoint; fi
if [ ! -f "$VECTORS/commands-phase1.txt" ]; then
  echo "FAIL: no virsh checkpoint vectors in $VECTORS" >&2
  exit 1
fi
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cd "$WORK" || exit 1
fail=0

check() {  # check EXPECTED ACTUAL WHAT
  if ! diff -u "$1" "$2"; then
    echo "FAIL: $3 differs (expected $1, got $WORK/$2)" >&2
    fail=1
  fi
}

"$CAIRN" -c test:///default "$(cat "$VECTORS/commands-phase1.txt")" >out1 2>err1 || {
  echo "FAIL: phase 1 exited with status $?" >&2
  fail=1
}
sed 's/ *$//
     s/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [+-][0-9]\{4\}/TIMESTAMP/
     /<!--MarkerA-->/,/<!--MarkerC-->/d' out1 >out1.cooked
sed -n '/<!--MarkerA-->/,/<!--MarkerB-->/p' out1 >c3.xml
sed -n '/<!--MarkerB-->/,/<!--MarkerC-->/p' out1 >c2.xml
sed "s/^error: Operation not supported: cannot create snapshot while checkpoint exists\$/error: unknown command: 'snapshot-create-as'/" \
  "$VECTORS/expected-stderr-phase1.txt" >expected-stderr-phase1.txt
check "$VECTORS/expected-stdout-phase1.txt" out1.cooked "phase 1 stdout"
check expected-stderr-phase1.txt err1 "phase 1 stderr"

"$CAIRN" -c test:///default <"$VECTORS/commands-phase2.txt" >out2 2>err2 || {
  echo "FAIL: phase 2 exited with status $?" >&2
  fail=1
}
check "$VECTORS/expected-stdout-phase2.txt" out2 "phase 2 stdout"
check "$VECTORS/expected-stderr-phase2.txt" err2 "phase 2 stderr"

[ "$fail" -eq 0 ] && echo "virsh checkpoint transcript: both phases match"
exit "$fail"
