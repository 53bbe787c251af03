# suspend / resume / shutdown / reboot on the real qemu driver (a guest sitting in firmware,
# without a guest-agent channel): suspend stops the vCPUs (paused), resume continues them
# (running); shutdown presses the ACPI power button, which the firmware ignores, so the
# domain stays running until destroyed; the agent mode is refused (no agent channel, as
# libvirt says it); reboot is refused in ACPI mode (no mode and no agent means ACPI);
# dominfo shows libvirt's "none" security model; all refused once the domain is shut off.
. "$CAIRN_QEMU_CASE"
qemu_domain
c "define dom.xml; start vm; suspend vm; domstate vm; resume vm; domstate vm"
c "shutdown vm --mode agent"
c "reboot vm --mode agent"
c "reboot vm"
c "reboot vm --mode acpi"
c "dominfo vm" | grep -E '^Security|^\[status'
c "shutdown vm; domstate vm; destroy vm"
c "suspend vm"
c "resume vm"
c "shutdown vm"
c "reboot vm"
