# echo: words joined by spaces; --shell and --xml quoting; --err writes "error: ..." on
# stderr; nothing at all without words.
c() { "$CAIRN" "$@"; echo "[status $?]"; }
c "echo hello   world"
c "echo \"two  spaces\" 'single'"
c "echo --shell plain 'with space' \"it's\" '' 'a\$b'"
c "echo --xml '<a href=\"x\">&amp;</a>' \"it's\""
c "echo --xml --shell '<a b>'"
c "echo --err something went wrong"
c "echo --err"
c "echo"
