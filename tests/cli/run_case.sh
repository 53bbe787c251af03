#!/bin/sh
# Runs one command-line case: cases/NAME.sh is run by sh in a fresh directory with $CAIRN
# naming the cairn binary, $CAIRN_QEMU_CASE the setup qemu cases source (qemu_case.sh), and
# TZ=UTC; its stdout, stderr and exit status are compared with
# NAME.out, NAME.err and NAME.status (0 when absent). Creation times vary from run to run,
# so both outputs are cooked first: a "YYYY-MM-DD HH:MM:SS +ZZZZ" time becomes TIMESTAMP
# and the digits of <creationTime> become EPOCH.
# CAIRN_TEST_REGENERATE=1 rewrites the expected files instead, for review.
#
# $CAIRN_WITH_TEST_HOOKS names the same tool with the test-only TestHooks seam.
#
# usage: run_case.sh CAIRN CASE.sh WORK_DIR [CAIRN_WITH_TEST_HOOKS]
set -u
CAIRN=$1
CASE=$2
WORK=$3
CAIRN_WITH_TEST_HOOKS=${4:-}
BASE=${CASE%.sh}
CAIRN_QEMU_CASE=$(cd "$(dirname "$0")" && pwd)/qemu_case.sh
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cd "$WORK" || exit 1

CAIRN=$CAIRN CAIRN_WITH_TEST_HOOKS=$CAIRN_WITH_TEST_HOOKS CAIRN_QEMU_CASE=$CAIRN_QEMU_CASE TZ=UTC LC_ALL=C HOME=$WORK \
  XDG_CACHE_HOME=$WORK/cache sh "$CASE" >stdout.raw 2>stderr.raw </dev/null
status=$?
for f in stdout stderr; do
  sed 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [+-][0-9]\{4\}/TIMESTAMP/g
       s/<creationTime>[0-9]*<\/creationTime>/<creationTime>EPOCH<\/creationTime>/g' \
    $f.raw >$f
done
echo "$status" >status

if [ "${CAIRN_TEST_REGENERATE:-0}" = 1 ]; then
  cp stdout "$BASE.out"
  cp stderr "$BASE.err"
  if [ "$status" -eq 0 ]; then rm -f "$BASE.status"; else cp status "$BASE.status"; fi
  echo "regenerated $BASE.{out,err,status}"
  exit 0
fi

fail=0
diff -u "$BASE.out" stdout || { echo "FAIL: stdout differs" >&2; fail=1; }
diff -u "$BASE.err" stderr || { echo "FAIL: stderr differs" >&2; fail=1; }
expected_status=0
[ -f "$BASE.status" ] && expected_status=$(cat "$BASE.status")
if [ "$status" != "$expected_status" ]; then
  echo "FAIL: exit status $status, expected $expected_status" >&2
  fail=1
fi
exit "$fail"
