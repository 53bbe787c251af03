# An error that echoes a value reaches the terminal bounded and without raw control
# characters (virsh prints both raw): a 1 MiB name is cut to 1024 bytes then "...", and
# ESC / BEL / CR in a name are shown as \xNN. Only stderr's size and shape are checked.
long=$(head -c 1048576 /dev/zero | tr '\0' x)
# (Through stdin: one argument of 1 MiB exceeds the kernel's limit for exec.)
printf 'checkpoint-info test %s\n' "$long" | "$CAIRN" -c test:///default 2>err.txt
echo "status $?"
echo "stderr bytes: $(wc -c <err.txt)"
cut -c 1-80 err.txt
tail -c 12 err.txt
"$CAIRN" -c test:///default checkpoint-info test "$(printf 'a\033[31mred\007\rz')"
echo "status $?"
