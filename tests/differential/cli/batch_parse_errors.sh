# A command string is parsed whole before anything runs: one command that cannot be parsed
# fails the whole string with only its error, and no command of it runs (the checkpoint
# created first would otherwise be listed by the last command).
for batch in \
  'checkpoint-create-as test c1; nosuchcmd test; checkpoint-list test --name' \
  'checkpoint-create-as test c1; checkpoint-list test --bogus; checkpoint-list test --name' \
  'checkpoint-create-as test c1; dominfo test --domain test; checkpoint-list test --name' \
  'checkpoint-create-as test c1; dominfo test extra; checkpoint-list test --name' \
  'checkpoint-create-as test c1; checkpoint-list test --name; dominfo --domain' \
  'checkpoint-create-as test c1; checkpoint-info test; checkpoint-list test --name' \
  'checkpoint-create-as test c1; checkpoint-delete test c1 --children=x; uri' \
  'quit; nosuchcmd' \
  'checkpoint-create-as test c1; checkpoint-list test --name'
do
  $VIRSH -c test:///default "$batch"
  echo "status $?"
done
# Several arguments are one command: the same errors, nothing runs.
$VIRSH -c test:///default dominfo test extra
echo "status $?"
$VIRSH -c test:///default checkpoint-list
echo "status $?"
