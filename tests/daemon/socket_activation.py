#!/usr/bin/python3
# cairnd started as systemd starts it from cairnd.socket and cairnd-ro.socket: the listening
# sockets already bound, passed as descriptors 3 and 4 with LISTEN_PID, LISTEN_FDS and
# LISTEN_FDNAMES (sd_listen_fds(3)'s protocol, set up here as systemd does). It serves both
# (the read-only one refuses changes), keeps the socket files (they are systemd's) when it
# stops, and refuses descriptors that are not listening sockets. Then the same through
# systemd-socket-activate, systemd's own implementation, when installed.
#
# usage: socket_activation.py CAIRND WORK_DIR
import os
import shutil
import socket
import subprocess
import sys
import time

import libvirt

CAIRND, WORK = sys.argv[1], os.path.abspath(sys.argv[2])
shutil.rmtree(WORK, ignore_errors=True)
# Not WORK itself: cairnd's own --listen directory must not hold these paths, so that
# serving them proves the descriptors were used.
SOCKS = os.path.join(WORK, "systemd")
os.makedirs(SOCKS)
RW, RO = os.path.join(SOCKS, "rw-sock"), os.path.join(SOCKS, "ro-sock")


def check(cond, what):
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        sys.exit(1)


def listening(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(16)
    return s


def activate(fds, names):
    """Starts cairnd with `fds` as descriptors 3, 4, ... and systemd's variables. The shell
    moves the descriptors into place and sets LISTEN_PID to its own pid, which exec keeps:
    the daemon's. bash, not sh: dash redirects only descriptors 0-9."""
    moves = " ".join(f"{3 + i}<&{fd} {fd}<&-" for i, fd in enumerate(fds))
    env = dict(os.environ, LISTEN_FDS=str(len(fds)), LISTEN_FDNAMES=names)
    return subprocess.Popen(
        ["/bin/bash", "-c", f'LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@" {moves}', CAIRND,
         "--root", os.path.join(WORK, "root"), "--listen", os.path.join(WORK, "listen")],
        env=env, pass_fds=tuple(fds), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)


libvirt.registerErrorHandler(lambda *_: None, None)
rw, ro = listening(RW), listening(RO)
# Out of the way of 3 and 4, where the shell puts them.
rw_fd, ro_fd = 100, 101
os.dup2(rw.fileno(), rw_fd)
os.dup2(ro.fileno(), ro_fd)
daemon = activate([rw_fd, ro_fd], "cairnd.socket:cairnd-ro.socket")
try:
    conn = None
    for _ in range(200):
        # This process holds the listening sockets too: with cairnd gone, a connection
        # would be accepted by nobody and wait forever.
        if daemon.poll() is not None:
            check(False, f"cairnd exited: {daemon.returncode} {daemon.stderr.read()}")
        try:
            conn = libvirt.open("qemu:///system?socket=" + RW)
            break
        except libvirt.libvirtError:
            time.sleep(0.05)
    check(conn is not None, f"cairnd answers on the activated socket: {daemon.poll()}")
    check(conn.getLibVersion() == 9000000, "served")
    check(conn.listAllDomains() == [], "no domains")
    check(not os.path.exists(os.path.join(WORK, "listen", "cairn-sock")),
          "cairnd bound no socket of its own")

    roc = libvirt.openReadOnly("qemu:///system?socket=" + RO)
    try:
        roc.defineXML("<domain type='qemu'><name>x</name><memory>65536</memory>"
                      "<os><type arch='x86_64'>hvm</type></os></domain>")
        check(False, "a define through the read-only socket is refused")
    except libvirt.libvirtError as e:
        check(e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED, f"error {e}")
    roc.close()
    conn.close()

    daemon.terminate()
    daemon.wait(30)
    check(os.path.exists(RW) and os.path.exists(RO), "the socket files stay: systemd's")

    # Unnamed descriptors are told apart by their bound path: here neither is cairnd's.
    bad = activate([rw_fd], "")
    _, err = bad.communicate(timeout=60)
    check(bad.returncode == 1 and "neither cairnd.socket nor cairnd-ro.socket" in err,
          f"an unknown socket is refused: {bad.returncode} {err!r}")
    # A descriptor that is no listening socket.
    r, w = os.pipe()
    os.dup2(r, 102)
    bad = activate([102], "cairnd.socket")
    _, err = bad.communicate(timeout=60)
    check(bad.returncode == 1 and "not a listening unix stream socket" in err,
          f"a pipe is refused: {err!r}")

    # systemd's own activation code (systemd-socket-activate, as systemd runs cairnd.socket
    # and cairnd-ro.socket): the sockets listen before cairnd runs; the first connection
    # starts it on them.
    if shutil.which("systemd-socket-activate"):
        for p in (RW, RO):
            os.unlink(p)
        daemon = subprocess.Popen(
            ["systemd-socket-activate", "-l", RW, "-l", RO,
             "--fdname=cairnd.socket:cairnd-ro.socket", CAIRND,
             "--root", os.path.join(WORK, "root"), "--listen", os.path.join(WORK, "listen")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(RW) and os.path.exists(RO):
                break
            time.sleep(0.05)
        conn = libvirt.open("qemu:///system?socket=" + RW)
        check(conn.getLibVersion() == 9000000, "served after systemd-socket-activate")
        roc = libvirt.openReadOnly("qemu:///system?socket=" + RO)
        check(roc.getLibVersion() == 9000000, "the read-only socket served too")
        roc.close()
        conn.close()
    print("ok")
finally:
    if daemon.poll() is None:
        daemon.terminate()
        daemon.wait(30)
