#!/usr/bin/python3
# qemu:///session goes to the user's own cairnd, which the client library starts on first
# connection (libvirt's autostart of `libvirtd --timeout=120`): four clients connecting at
# once start exactly one daemon, under $XDG_RUNTIME_DIR/cairn with its state under
# $XDG_STATE_HOME/cairn; libvirt's virsh reaches the same daemon; CAIRN_AUTOSTART=0 gives
# libvirt's "Failed to connect socket" error; qemu:///system without a daemon gives it too.
# The daemon is found as the build tree's cairnd (libcairn runs from the build tree).
#
# usage: session_autostart.py CAIRND WORK_DIR
import os
import shutil
import signal
import subprocess
import sys
import time

CAIRND, WORK = sys.argv[1], os.path.abspath(sys.argv[2])
CAIRN = os.path.join(os.path.dirname(CAIRND), "cairn")
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
RUN = os.path.join(WORK, "run")
STATE = os.path.join(WORK, "state")
SOCK = os.path.join(RUN, "cairn", "cairn-sock")
os.makedirs(RUN, mode=0o700)


def check(cond, what):
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        sys.exit(1)


def env(**extra):
    e = {k: v for k, v in os.environ.items() if k not in ("CAIRND", "CAIRN_DEFAULT_URI")}
    e.update(XDG_RUNTIME_DIR=RUN, XDG_STATE_HOME=STATE)
    e.update(extra)
    return e


def session_daemons():
    """Pids of the cairnd processes serving this test's runtime directory."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            with open(f"/proc/{pid}/environ", "rb") as f:
                environ = f.read().split(b"\0")
        except OSError:
            continue
        if argv[0] == CAIRND.encode() and b"--session" in argv and \
                f"XDG_RUNTIME_DIR={RUN}".encode() in environ:
            pids.append(int(pid))
    return pids


try:
    clients = [subprocess.Popen([CAIRN, "-c", "qemu:///session", "list", "--all"], env=env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(4)]
    for c in clients:
        out, err = c.communicate(timeout=120)
        check(c.returncode == 0, f"cairn list through the session daemon: {err}")
        check("Name" in out and "State" in out, f"list output {out!r}")
    daemons = session_daemons()
    check(len(daemons) == 1, f"one session daemon, not {daemons}")
    check(os.path.exists(SOCK), "the session socket")
    check(os.path.isdir(os.path.join(STATE, "cairn")), "the session state root")
    check(oct(os.stat(os.path.dirname(SOCK)).st_mode & 0o777) == "0o700", "private run dir")

    # A second connection finds the running daemon: no new one.
    out = subprocess.run([CAIRN, "-c", "qemu:///session", "uri"], env=env(),
                         capture_output=True, text=True, timeout=60)
    check(out.returncode == 0 and out.stdout.strip() == "qemu:///session", f"uri: {out}")
    check(session_daemons() == daemons, "the same daemon serves the next client")

    # libvirt's own virsh reaches the same daemon through its socket.
    out = subprocess.run(["virsh", "-c", f"qemu:///session?socket={SOCK}", "list", "--all"],
                         env=env(), capture_output=True, text=True, timeout=60)
    check(out.returncode == 0 and "Name" in out.stdout, f"virsh list: {out}")

    # Autostart off, another runtime directory: libvirt's error.
    other = os.path.join(WORK, "other")
    os.makedirs(other)
    out = subprocess.run([CAIRN, "-c", "qemu:///session", "list"],
                         env=env(XDG_RUNTIME_DIR=other, CAIRN_AUTOSTART="0"),
                         capture_output=True, text=True, timeout=60)
    want = f"error: Failed to connect socket to '{other}/cairn/cairn-sock': No such file or directory"
    check(out.returncode == 1 and want in out.stderr, f"autostart off: {out.stderr!r}")

    # qemu:///system is cairnd's system socket; with nobody there, libvirt's error again.
    if not os.path.exists("/run/cairn/cairn-sock"):
        out = subprocess.run([CAIRN, "-c", "qemu:///system", "list"], env=env(),
                             capture_output=True, text=True, timeout=60)
        want = ("error: Failed to connect socket to '/run/cairn/cairn-sock': "
                "No such file or directory")
        check(out.returncode == 1 and want in out.stderr, f"system: {out.stderr!r}")
        out = subprocess.run([CAIRN, "-r", "-c", "qemu:///system", "list"], env=env(),
                             capture_output=True, text=True, timeout=60)
        check("'/run/cairn/cairn-sock-ro'" in out.stderr, f"system read-only: {out.stderr!r}")
    print("ok")
finally:
    for pid in session_daemons():
        os.kill(pid, signal.SIGTERM)
    for _ in range(200):
        if not session_daemons():
            break
        time.sleep(0.05)
