#!/bin/sh
# docs/cairn-backup.1 documents every command `cairn-backup help` lists, and no other.
# usage: man_page_lists_every_command.sh CAIRN_BACKUP MAN_PAGE
set -eu
commands=$("$1" help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p' | sort -u)
documented=$(sed -n 's/^\.B \([a-z][a-z]*\)\( .*\)*$/\1/p' "$2" | sort -u)
[ -n "$commands" ] || { echo "FAIL: help lists no command" >&2; exit 1; }
if [ "$commands" != "$documented" ]; then
  echo "FAIL: help lists [$commands] but the man page documents [$documented]" >&2
  exit 1
fi
echo "PASS: $(echo $commands)"
