# domfsfreeze and domfsthaw on libvirt's test driver (a guest with "/" and "/boot"): the counts
# of what changed, mount points by option and by position, an unknown one refused before
# anything changes, a shut-off domain, frozen state kept across a restart, a read-only
# connection, and the messages.
$VIRSH -c test:///default '
domfsfreeze test; domfsfreeze test; domfsthaw test; domfsthaw test;
domfsfreeze test --mountpoint /boot; domfsfreeze test --mountpoint /boot;
domfsfreeze test / /boot; domfsthaw test --mountpoint / --mountpoint /boot;
domfsfreeze test --mountpoint /boot --mountpoint /nope; domfsthaw test;
domfsfreeze 1 --mountpoint /; destroy test; domfsfreeze test; domfsthaw test;
start test; domfsthaw test; domfsfreeze test --mountpoint ""'
echo "status $?"
$VIRSH -c test:///default 'domfsfreeze nosuch'
echo "status $?"
$VIRSH -c test:///default domfsthaw
echo "status $?"
$VIRSH -c test:///default -r 'domfsfreeze test'
echo "status $?"
$VIRSH -c test:///default -r 'domfsthaw test'
echo "status $?"
