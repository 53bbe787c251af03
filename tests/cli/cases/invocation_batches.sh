# One argument is a command string: ';' and newlines separate commands, '#' starts a
# comment word, quotes and backslashes work as in sh; all commands share one connection.
# Several arguments are one command, taken word for word.
"$CAIRN" -c test:///default "checkpoint-create-as test c1; checkpoint-create-as test c2
# a comment line
checkpoint-list test --name # a comment after a command
echo 'single quoted; not split' \"double \\\"quoted\\\"\" back\\;slash
echo one \\
  continued"
echo "[status $?]"
# Several arguments: ';' is just a character of a word.
"$CAIRN" -c test:///default echo "a;b" c '#d'
echo "[status $?]"
# Splitting errors stop everything before it runs.
"$CAIRN" -c test:///default 'echo "unterminated'; echo "[status $?]"
"$CAIRN" -c test:///default 'echo dangling\'; echo "[status $?]"
# A single quote left open simply runs to the end.
"$CAIRN" -c test:///default "echo 'open quote; uri"; echo "[status $?]"
# Empty commands are skipped.
"$CAIRN" -c test:///default ";; uri ;;"; echo "[status $?]"
# An empty command string is an error, as in virsh (without a message).
"$CAIRN" -c test:///default ""; echo "[status $?]"
