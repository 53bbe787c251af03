# help: all groups, one group (by keyword or name), one command, --help, unknown names.
c() { "$CAIRN" "$@"; echo "[status $?]"; }
c help
c "help checkpoint"
c "help 'Domain Management'; help monitor; help host; help cairn"
c "help checkpoint-create-as"
c "checkpoint-delete --help"
c "help --command dominfo"
c "help nosuch"
c "help ''"
