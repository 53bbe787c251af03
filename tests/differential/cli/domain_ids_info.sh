# domid, domname, domuuid (each takes two of the three keys), and dominfo's fields.
$VIRSH -c test:///default '
domid test; domid 6695eb01-f6a4-8304-79aa-97f2502e193f; domname 1;
domname 6695eb01-f6a4-8304-79aa-97f2502e193f; domuuid test; domuuid 1;
dominfo test; suspend test; dominfo 1; destroy test; domid test; dominfo test'
echo "status $?"
for c in 'domid 1' 'domname test' 'domuuid 6695eb01-f6a4-8304-79aa-97f2502e193f' 'domid nosuch' \
         'domname 7' 'domuuid'; do
  $VIRSH -c test:///default "$c"
  echo "status $?"
done
