#!/usr/bin/python3
# cairnd --timeout, libvirtd's semantics: it exits once that long without a client connected
# and without a running domain. Held open by a connected client, then by a running domain
# (a QEMU guest started through it, no client left), it stays; idle, it exits by itself and
# removes its sockets.
#
# usage: idle_timeout.py CAIRND WORK_DIR
import os
import shutil
import subprocess
import sys
import time

import libvirt

CAIRND, WORK = sys.argv[1], os.path.abspath(sys.argv[2])
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
SOCK = os.path.join(WORK, "cairn-sock")
URI = "qemu+unix:///system?socket=" + SOCK
TIMEOUT = 2


def check(cond, what):
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        sys.exit(1)


def start():
    d = subprocess.Popen([CAIRND, "--root", os.path.join(WORK, "root"), "--listen", WORK,
                          "--timeout", str(TIMEOUT)], stdout=subprocess.DEVNULL)
    for _ in range(400):
        if os.path.exists(SOCK):
            return d
        time.sleep(0.05)
    check(False, "cairnd did not listen")


def exits_within(d, seconds):
    try:
        d.wait(seconds)
        return True
    except subprocess.TimeoutExpired:
        return False


libvirt.registerErrorHandler(lambda *_: None, None)
daemon = start()
try:
    # Nobody ever comes: it goes after the timeout (not before).
    t0 = time.monotonic()
    check(exits_within(daemon, 30), "an idle daemon exits")
    waited = time.monotonic() - t0
    check(waited >= TIMEOUT - 0.2, f"it exited after {waited:.1f} s, before its timeout")
    check(daemon.returncode == 0, f"exit status {daemon.returncode}")
    check(not os.path.exists(SOCK), "its socket is gone")

    # A connected client keeps it.
    daemon = start()
    conn = libvirt.open(URI)
    check(not exits_within(daemon, 2 * TIMEOUT + 1), "a daemon with a client stays")
    check(conn.getLibVersion() == 9000000, "still served")

    # A running domain keeps it, with no client left.
    disk = os.path.join(WORK, "vda.qcow2")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "16M"], check=True)
    # No handle kept: a live virDomain holds its connection open past conn.close().
    conn.defineXML(f"""<domain type='qemu'><name>vm</name><memory unit='MiB'>64</memory>
      <os><type arch='x86_64' machine='pc'>hvm</type></os>
      <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='{disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>""").create()
    conn.close()
    check(not exits_within(daemon, 2 * TIMEOUT + 2), "a daemon with a running domain stays")

    conn = libvirt.open(URI)
    conn.lookupByName("vm").destroy()
    conn.close()
    check(exits_within(daemon, 30), "idle again, it exits")
    check(not os.path.exists(SOCK), "its socket is gone")
    print("ok")
finally:
    if daemon.poll() is None:
        try:
            c = libvirt.open(URI)
            c.lookupByName("vm").destroy()
            c.close()
        except libvirt.libvirtError:
            pass
        daemon.terminate()
        daemon.wait(30)
