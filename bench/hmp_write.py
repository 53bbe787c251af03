#!/usr/bin/env python3
"""Writes into a running disk of a Cairn domain through its QMP monitor, as a guest would:
HMP's qemu-io on the disk's virtio backend. Used by bench/backup_side_by_side.sh (libvirt's
side does the same with `virsh qemu-monitor-command --hmp`).

    hmp_write.py QMP_SOCKET DEVICE_ID "write -P 0x42 0 64M"
"""
import json
import socket
import sys


def hmp_over_qmp(path, who):
    """An HMP command-line sender on the QMP socket at `path` (one connection for every
    line); a QMP error ends the program, naming `who`."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    f = s.makefile("rw")
    f.readline()  # the greeting

    def call(execute, arguments=None):
        msg = {"execute": execute}
        if arguments is not None:
            msg["arguments"] = arguments
        f.write(json.dumps(msg) + "\n")
        f.flush()
        while True:
            reply = json.loads(f.readline())
            if "event" in reply:
                continue
            if "error" in reply:
                raise SystemExit(f"{who}: {execute}: {reply['error']}")
            return reply["return"]

    call("qmp_capabilities")
    return lambda line: call("human-monitor-command", {"command-line": line})


def main() -> int:
    path, device, command = sys.argv[1:4]
    out = hmp_over_qmp(path, "hmp_write")(
        f'qemu-io -d /machine/peripheral/{device}/virtio-backend "{command}"')
    if out.strip():
        raise SystemExit(f"hmp_write: {out.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
