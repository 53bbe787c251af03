# A mistyped domain or checkpoint name: the error lines are libvirt's, exactly; Cairn adds
# a "hint: did you mean 'X'?" line after them (removed by mistyped_names.filter, and checked
# in tests/cli/cases/mistyped_name_hints).
$VIRSH -c test:///default 'checkpoint-create-as test base; checkpoint-info test bsae'
echo "status $?"
$VIRSH -c test:///default 'dominfo tset'
echo "status $?"
$VIRSH -c test:///default 'checkpoint-list tets'
echo "status $?"
