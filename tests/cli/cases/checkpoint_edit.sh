# checkpoint-edit: runs $VISUAL/$EDITOR on the XML and redefines from it; unchanged,
# edited, renamed (refused), broken XML and a failing editor.
c() { "$CAIRN" -c test:///default "$@"; echo "[status $?]"; }
mkeditor() {  # mkeditor NAME SED-SCRIPT: an editor that applies the sed script
  printf '#!/bin/sh\nsed -i -e %s "$1"\n' "'$2'" >"$1"
  chmod +x "$1"
}
mkeditor describe 's|<description>one</description>|<description>two</description>|'
mkeditor rename 's|<name>c1</name>|<name>c9</name>|'
mkeditor breakit 's|domaincheckpoint>|broken>|'
printf '#!/bin/sh\necho "editing $1" >&2\nexit 3\n' >fail && chmod +x fail
setup="checkpoint-create-as test c1 one"

EDITOR=true c "$setup; checkpoint-edit test c1"
EDITOR=$PWD/describe c "$setup; checkpoint-edit test c1; checkpoint-dumpxml test c1 --xpath //description"
# $VISUAL wins over $EDITOR.
VISUAL=$PWD/describe EDITOR=false c "$setup; checkpoint-edit --domain test --checkpointname c1"
EDITOR=$PWD/rename c "$setup; checkpoint-edit test c1; checkpoint-list test --name"
EDITOR=$PWD/breakit c "$setup; checkpoint-edit test c1" 2>&1 |
  sed "s|/[^ ]*/cairn[A-Za-z0-9]*\.xml|TMPFILE|; s|$PWD/|WORKDIR/|"
EDITOR=$PWD/fail c "$setup; checkpoint-edit test c1" 2>&1 |
  sed "s|/[^ ]*/cairn[A-Za-z0-9]*\.xml|TMPFILE|; s|$PWD/|WORKDIR/|"
# An editor given with arguments runs through sh.
EDITOR="sed -i -e s/one/three/" c "$setup; checkpoint-edit test c1; checkpoint-dumpxml test c1 --xpath //description"
EDITOR=true c "$setup; checkpoint-edit test; checkpoint-edit test nosuch"
# A missing required option is a parse error: the whole string is refused, as in virsh.
EDITOR=true c "$setup; checkpoint-edit"
# Where the temporary file cannot be made, or the editor cannot be run.
TMPDIR=$PWD/nosuch EDITOR=true c "$setup; checkpoint-edit test c1"
mkdir "with space"
TMPDIR="$PWD/with space" EDITOR="sed -i -e s/one/two/" c "$setup; checkpoint-edit test c1" 2>&1 |
  sed "s|cairn[A-Za-z0-9]*\.xml|cairnXXXXXX.xml|; s|$PWD/|WORKDIR/|"
EDITOR=$PWD/nosuch-editor c "$setup; checkpoint-edit test c1" 2>&1 |
  sed "s|/[^ ]*/cairn[A-Za-z0-9]*\.xml|TMPFILE|; s|$PWD/|WORKDIR/|"
