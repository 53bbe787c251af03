# The checkpoint tree, listings and every delete mode on test:///default, in one connection.
$VIRSH -c test:///default '
checkpoint-create-as test c1 --description first;
checkpoint-create-as test c2;
checkpoint-create-as test c3;
checkpoint-list test --name;
checkpoint-list test --parent;
checkpoint-list test --roots --name;
checkpoint-list test --leaves --name;
checkpoint-parent test c3;
checkpoint-info test c1;
checkpoint-delete test c2;
checkpoint-list test --parent;
checkpoint-delete test c1 --children;
checkpoint-list test --name
'
echo "status $?"
$VIRSH -c test:///default 'checkpoint-info test nosuch'
echo "status $?"
