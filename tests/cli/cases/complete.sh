# The hidden `complete` command prints what tab completion offers for a line (given after
# "--"): commands, options not yet given, domains, checkpoint names, help topics.
c() { echo "> $*"; "$CAIRN" -c test:///default "checkpoint-create-as test c1; checkpoint-create-as test c2; complete -- $*" | sed '1,2d'; }
c "checkpoint-"
c "''"
c "checkpoint-list ''"
c "checkpoint-list te"
c "checkpoint-list test --"
c "checkpoint-list test --tree --"
c "checkpoint-list test --from ''"
c "checkpoint-info test ''"
c "checkpoint-info test c"
c "checkpoint-create-as test c3 d --diskspec vda --d"
c "help check"
c "help ''" | head -8
c "nosuch ''"
"$CAIRN" -c test:///default "complete -- help --command dom" | sed '/^$/d'
