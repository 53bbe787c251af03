#!/usr/bin/python3
# cairnd keeps serving while clients misbehave: a stream out of step is dropped alone, a
# half-sent packet holds nobody up, a client that vanishes without CONNECT_CLOSE leaves
# nothing behind, an unknown program gets an error reply; meanwhile python3-libvirt works.
#
# usage: misbehaving_clients.py CAIRND WORK_DIR
import os
import socket
import struct
import sys

import libvirt

from cairnd_support import Cairnd, check, fresh_dir, quiet_libvirt

CAIRND, WORK = sys.argv[1], fresh_dir(sys.argv[2])
SOCK = os.path.join(WORK, "cairn-sock")
URI = "test+unix:///default?socket=" + SOCK


def packet(prog, proc, serial, payload=b""):
    return struct.pack(">7I", 28 + len(payload), prog, 1, proc, 0, serial, 0) + payload


def raw():
    s = socket.socket(socket.AF_UNIX)
    s.connect(SOCK)
    s.settimeout(10)
    return s


with Cairnd(CAIRND, os.path.join(WORK, "root"), WORK) as daemon:
    quiet_libvirt()

    garbage = raw()
    garbage.sendall(b"\xff\xff\xff\xff")           # a length no packet has
    check(garbage.recv(16) == b"", "a stream out of step is closed")

    stuck = raw()
    stuck.sendall(packet(0x20008086, 66, 0)[:10])  # half a packet, never finished

    other = raw()
    other.sendall(packet(0x20008087, 1, 5))        # QEMU's program: not served
    reply = other.recv(4096)
    length, prog, vers, proc, typ, serial, status = struct.unpack(">7I", reply[:28])
    check((typ, serial, status) == (1, 5, 1), f"error reply to an unknown program {reply[:28]!r}")
    code = struct.unpack(">i", reply[28:32])[0]
    check(code == libvirt.VIR_ERR_RPC, f"code {code}")

    conn = libvirt.open(URI)                       # vanishes without CONNECT_CLOSE
    conn.lookupByName("test").checkpointCreateXML(
        "<domaincheckpoint><name>c1</name></domaincheckpoint>")
    del conn

    conn = libvirt.open(URI)
    names = [d.name() for d in conn.listAllDomains()]
    check(names == ["test"], f"domains {names}")
    conn.close()
    check(daemon.running(), "cairnd still runs")
    print("ok")
