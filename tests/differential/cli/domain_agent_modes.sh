# reboot and shutdown in the guest agent's mode on libvirt's test driver: reboot accepts
# every mode (the domain keeps running), shutdown accepts none (virCheckFlags(0)); dominfo's
# Security lines of the running domain and, once it is shut off, without a label.
$VIRSH -c test:///default '
reboot test --mode agent; domstate test; reboot test --mode acpi; domstate test;
shutdown test --mode agent; domstate test; dominfo test'
echo "status $?"
$VIRSH -c test:///default 'shutdown test; dominfo test'
echo "status $?"
