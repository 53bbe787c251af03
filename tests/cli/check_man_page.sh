#!/bin/sh
# docs/cairn.1 must be exactly what `cairn --man` writes from the command table, so that
# the committed page never drifts from the help texts. To update it:
#   build/tools/cairn --man > docs/cairn.1
#
# usage: check_man_page.sh CAIRN DOCS_CAIRN_1
"$1" --man | diff -u "$2" - || {
  echo "FAIL: $2 is stale; regenerate it with: cairn --man > docs/cairn.1" >&2
  exit 1
}
