# Sibling order on test:///default: roots and children list most recently linked first with
# --topological (libvirt's virDomainMomentForEachDescendant), by name otherwise and in --tree.
# Shapes: several roots, a hub with three children, a redefine in place (relinks: first
# among its siblings), deletes that re-parent children (in front of the new parent's).
for n in a b c; do
  printf '<domaincheckpoint><name>%s</name><parent><name>hub</name></parent><creationTime>5</creationTime></domaincheckpoint>' $n >$n.xml
done
printf '<domaincheckpoint><name>r2</name><creationTime>3</creationTime></domaincheckpoint>' >r2.xml
printf '<domaincheckpoint><name>b</name><parent><name>hub</name></parent><creationTime>6</creationTime><description>again</description></domaincheckpoint>' >b2.xml
printf '<domaincheckpoint><name>x</name><parent><name>a</name></parent><creationTime>7</creationTime></domaincheckpoint>' >x.xml
$VIRSH -c test:///default '
checkpoint-create-as test hub;
checkpoint-create test a.xml --redefine;
checkpoint-create test b.xml --redefine;
checkpoint-create test c.xml --redefine;
checkpoint-create test r2.xml --redefine;
checkpoint-create-as test leaf;
checkpoint-create test x.xml --redefine;
echo == topological name; checkpoint-list test --topological --name;
echo == name; checkpoint-list test --name;
echo == topological parent; checkpoint-list test --topological --parent;
echo == parent; checkpoint-list test --parent;
echo == tree; checkpoint-list test --tree;
echo == from hub; checkpoint-list test --from hub --topological --name;
echo == from hub by name; checkpoint-list test --from hub --name;
echo == from hub descendants; checkpoint-list test --from hub --descendants --topological --name;
echo == from hub descendants by name; checkpoint-list test --from hub --descendants --name;
echo == from hub tree; checkpoint-list test --from hub --descendants --tree;
echo == roots; checkpoint-list test --roots --topological --name;
echo == leaves; checkpoint-list test --leaves --topological --name;
echo == no-leaves; checkpoint-list test --no-leaves --topological --name;
echo == table; checkpoint-list test --topological;
echo == redefine b in place; checkpoint-create test b2.xml --redefine;
checkpoint-list test --topological --name;
checkpoint-list test --tree;
echo == delete a; checkpoint-delete test a;
checkpoint-list test --topological --parent;
echo == delete hub; checkpoint-delete test hub;
checkpoint-list test --topological --name;
checkpoint-list test --tree;
checkpoint-list test --topological --parent;
echo == delete children-only r2; checkpoint-delete test r2 --children-only;
checkpoint-list test --roots --topological --name
'
echo "status $?"
