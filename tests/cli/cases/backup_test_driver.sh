# The backup and job commands on test:///default, whose driver has no backup jobs: each
# fails with libvirt's "not supported" error; missing domains and files fail first.
c() { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; }
c "backup-begin test"
c "backup-begin test --wait; backup-dumpxml test"
c "domjobinfo test; domjobinfo test --completed; domjobabort test"
c "domjobinfo test --keep-completed"
c "domjobinfo test --rawstats; domjobinfo test --anystats"
c "backup-begin nosuch; backup-dumpxml nosuch; domjobinfo nosuch; domjobabort nosuch"
c "backup-begin test nosuch.xml"
c "backup-begin test nosuch.xml --checkpointxml ''"
c "backup-begin test --backupxml ''"
c "backup-dumpxml test --xpath ''"
