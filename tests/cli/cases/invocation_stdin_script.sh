# Without a command and with stdin not a terminal, cairn reads commands from stdin line by
# line, without banner or prompt; each line is one batch (a line that cannot be parsed runs
# nothing, the next line runs); the status is the last command's.
printf 'checkpoint-create-as test c1\ncheckpoint-list test --name; nosuch\ncheckpoint-list test --name\n\n"\necho last' |
  "$CAIRN" -c test:///default
echo "[status $?]"
printf 'checkpoint-info test nosuch\n' | "$CAIRN" -c test:///default
echo "[status $?]"
printf 'uri\nquit\nuri\n' | "$CAIRN" -c test:///default
echo "[status $?]"
