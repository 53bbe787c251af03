# How a command's words bind to its options, and every message of that step. Each run
# starts from a fresh test:///default holding one checkpoint, c1.
c() { "$CAIRN" -c test:///default "checkpoint-create-as test c1; $1"; echo "[status $?]"; }
# By position and by name, --opt=value, and "--" for values that look like options.
c "checkpoint-info test c1; checkpoint-info --domain test --checkpointname c1"
c "checkpoint-info --checkpointname=c1 --domain=test; checkpoint-info --checkpointname c1 test"
c "checkpoint-create-as --domain test --name c2 --description desc --print-xml"
c "checkpoint-create-as test c3 desc --print-xml vda vdb"
c "echo -- --err not-an-option; echo --str via-alias"
c "checkpoint-list test --help"
# Errors.
c "nosuch-command test"
c "checkpoint-info test c1 --bogus"
c "checkpoint-info test c1 --checkpointname c1"
# A value by position fills the first free option: here --domain, given again after.
c "checkpoint-info c1 --domain test"
c "checkpoint-list test --name --name"
c "checkpoint-info test --checkpointname"
c "checkpoint-list test --name=yes"
c "checkpoint-info test c1 extra"
c "checkpoint-info"
c "checkpoint-info --checkpointname c1"
c "checkpoint-info ''"
c "checkpoint-info test ''"
c "list extra"
# `help` ignores options and words it does not understand.
c "help --bogus domstate extra"
