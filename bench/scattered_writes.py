#!/usr/bin/env python3
"""Writes DIRTY bytes into a running disk as a guest would: HMP qemu-io writes of 4 KiB to
64 KiB (4 KiB aligned) at offsets spread at random over the disk, on the disk's virtio
backend. The same SEED gives the same writes, so two domains on copies of one image get the
same changes. Used by bench/repository.sh; one monitor connection for all the writes.

    scattered_writes.py --qmp QMP_SOCKET DEVICE DISK_BYTES DIRTY_BYTES SEED
    scattered_writes.py --libvirt URI DOMAIN DEVICE DISK_BYTES DIRTY_BYTES SEED

--qmp talks to a Cairn domain's QMP socket; --libvirt goes through libvirtd
(virDomainQemuMonitorCommand, python3-libvirt).
"""
import random
import sys

from hmp_write import hmp_over_qmp  # beside this script


def writes(disk_bytes, dirty_bytes, seed):
    rng = random.Random(seed)
    pattern = 1 + seed % 250
    done = 0
    while done < dirty_bytes:
        length = min(4096 * rng.randint(1, 16), dirty_bytes - done)
        length = max(4096, length - length % 4096)
        offset = 4096 * rng.randrange((disk_bytes - length) // 4096 + 1)
        done += length
        yield f"write -P {pattern} {offset} {length}"


def qmp_sender(path):
    return hmp_over_qmp(path, "scattered_writes")


def libvirt_sender(uri, domain):
    import libvirt
    import libvirt_qemu
    dom = libvirt.open(uri).lookupByName(domain)
    hmp = libvirt_qemu.VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP
    return lambda line: libvirt_qemu.qemuMonitorCommand(dom, line, hmp)


def main() -> int:
    args = sys.argv[1:]
    if len(args) == 6 and args[0] == "--qmp":
        send = qmp_sender(args[1])
        args = args[2:]
    elif len(args) == 7 and args[0] == "--libvirt":
        send = libvirt_sender(args[1], args[2])
        args = args[3:]
    else:
        print(__doc__, file=sys.stderr)
        return 2
    device, disk_bytes, dirty_bytes, seed = args[0], int(args[1]), int(args[2]), int(args[3])
    for command in writes(disk_bytes, dirty_bytes, seed):
        out = send(f'qemu-io -d /machine/peripheral/{device}/virtio-backend "{command}"')
        if out.strip():
            raise SystemExit(f"scattered_writes: {out.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
