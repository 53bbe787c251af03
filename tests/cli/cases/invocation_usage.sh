# cairn -h/--help prints the options and every command; -v/--version the short version,
# -V/--version=long the long one.
"$CAIRN" -h; echo "[status $?]"
[ "$("$CAIRN" -h)" = "$("$CAIRN" --help)" ] && echo "--help prints the same as -h"
"$CAIRN" -v
"$CAIRN" --version
"$CAIRN" --version=short
"$CAIRN" -V
"$CAIRN" --version=long
