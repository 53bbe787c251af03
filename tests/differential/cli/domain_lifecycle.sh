# suspend, resume, reboot, shutdown on libvirt's test driver: states and the errors of a
# domain in the wrong state (suspend of a paused one, resume of a running one, shutdown and
# reboot of a shut-off one), --mode parsing, and the messages naming the domain as given.
$VIRSH -c test:///default '
suspend test; domstate test; suspend test; domstate test;
resume 1; domstate test; resume test;
suspend test; reboot test; domstate test;
shutdown test --mode bogus; shutdown test --mode acpi,nosuch;
suspend test; shutdown 6695eb01-f6a4-8304-79aa-97f2502e193f; domstate test; list --all;
shutdown test; reboot test; suspend test; resume test;
start test; reboot test --mode acpi,agent; domstate test; shutdown test; domstate test'
echo "status $?"
$VIRSH -c test:///default 'resume nosuch'
echo "status $?"
$VIRSH -c test:///default 'shutdown test --mode ""'
echo "status $?"
$VIRSH -c test:///default -r 'suspend test'
echo "status $?"
