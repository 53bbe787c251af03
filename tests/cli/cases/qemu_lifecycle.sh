# suspend / resume / shutdown on the real qemu driver (a guest sitting in firmware): suspend
# stops the vCPUs (paused), resume continues them (running); shutdown presses the ACPI power
# button, which the firmware ignores, so the domain stays running until destroyed; the guest
# agent mode is refused naming it; all refused once the domain is shut off.
. "$CAIRN_QEMU_CASE"
qemu_domain
c "define dom.xml; start vm; suspend vm; domstate vm; resume vm; domstate vm"
c "shutdown vm --mode agent"
c "shutdown vm; domstate vm; destroy vm"
c "suspend vm"
c "resume vm"
c "shutdown vm"
