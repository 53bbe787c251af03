# The help of every command, so that any change of an option or its text shows here.
for cmd in $("$CAIRN" help | sed -n 's/^    \([a-z-]*\) .*/\1/p'); do
  "$CAIRN" help "$cmd" || echo "[help $cmd failed]"
done
"$CAIRN" help complete
