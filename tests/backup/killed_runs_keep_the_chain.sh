#!/bin/sh
# Backups killed (SIGKILL) at random moments never leave a visible half-backup, and never
# break the chain: after every trial the repository verifies, and the next run is still an
# incremental that restores byte for byte. Only the latest backup's checkpoint stays on
# the domain. A run while another holds the domain is refused.
# usage: killed_runs_keep_the_chain.sh CAIRN CAIRN_BACKUP [TRIALS]   (CAIRN_TEST_GUEST_DIR set)
set -eu
CAIRN=$1
CB=$2
TRIALS=${3:-8}
. "$(dirname "$0")/guest_lib.sh"
fail() {
  echo "FAIL: $*" >&2
  echo "--- checkpoints:" >&2; cairn checkpoint-list vm --tree >&2 || true
  echo "--- backups:" >&2; cb list >&2 || true
  echo "--- trials:" >&2; cat "$W/trial.out" >&2 || true
  exit 1
}
backups() { cb list --json | grep -o '"id":"[^"]*"' | wc -l; }

cb init >/dev/null
start_guest
guest "cairn-write-pattern /dev/vda 0 4194304 1"
cb backup vm >/dev/null
t=1
killed=0
while [ $t -le "$TRIALS" ]; do
  guest "cairn-write-pattern /dev/vda $((t * 4194304)) 1048576 $((t + 1))"
  before=$(backups)
  # The binary itself, not the cb function: a kill must hit the run, not a subshell.
  "$CB" -c "$URI" -r "$W/repo" backup vm >>"$W/trial.out" 2>&1 &
  pid=$!
  # Somewhere in a run's first 150 ms: before the job, mid-read, around the commit.
  delay=$(( $(od -An -N2 -tu2 /dev/urandom) % 150 ))
  sleep "$(printf '0.%03d' "$delay")"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  after=$(backups)
  [ "$after" -ne "$before" ] || killed=$((killed + 1))
  [ "$after" -eq "$before" ] || [ "$after" -eq $((before + 1)) ] ||
    fail "trial $t: $before backups became $after"
  cb verify >/dev/null 2>&1 || fail "trial $t (killed at ${delay} ms): the repository does not verify"
  t=$((t + 1))
done

cb backup vm --json >"$W/last.json" 2>"$W/last.err" || fail "the run after the kills failed: $(cat "$W/last.err")"
grep -q '"level":"inc"' "$W/last.json" ||
  fail "the chain broke: $(cat "$W/last.err" "$W/last.json"; tail -5 "$W/trial.out")"
ours=$(cairn checkpoint-list vm --name | grep -c '^cb-' || true)
[ "$ours" -eq 1 ] || fail "$ours checkpoints of cairn-backup remain on the domain"
# A second run while one holds the domain's run lock is refused, and leaves the job alone.
repo_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"][:8])' "$W/repo/config")
lockfile="${TMPDIR:-/tmp}/cairn-backup-$repo_id-$(cairn domuuid vm).lock"
flock "$lockfile" sleep 30 &
holder=$!
i=0
until ! flock -n "$lockfile" true; do i=$((i + 1)); [ $i -lt 100 ] || fail "flock never held"; sleep 0.05; done
if cb backup vm >"$W/second.out" 2>&1; then fail "a second run of the same domain was accepted"; fi
grep -q "being backed up into this repository by another run" "$W/second.out" ||
  fail "the second run does not say why: $(cat "$W/second.out")"
kill "$holder"; wait "$holder" 2>/dev/null || true
stop_guest
cb restore vm --to "$W/restored" >/dev/null
qemu-img compare -q "$W/vda.qcow2" "$W/restored/vda.qcow2" || fail "the last backup does not restore"
echo "PASS ($TRIALS trials, $killed killed before their commit)"
