# What the daemon tests share: a fresh work directory, a cairnd serving a root of its own
# (stopped when the test ends, however it ends), libvirt's event loop for pushed events, and
# check(). Not a test itself (tests/daemon/CMakeLists.txt leaves it out).
import os
import shutil
import subprocess
import sys
import threading
import time

import libvirt


def check(cond, what, log=None):
    """Fails the test with `what` (and the daemon's log, when given) unless `cond`."""
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        if log is not None and os.path.exists(log):
            print(open(log).read(), file=sys.stderr)
        sys.exit(1)


def fresh_dir(path):
    """`path`, absolute, emptied."""
    path = os.path.abspath(path)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def quiet_libvirt():
    """Errors come back as exceptions only, not also printed by libvirt."""
    libvirt.registerErrorHandler(lambda *_: None, None)


def run_event_loop():
    """libvirt's default event loop, on a thread of its own, for events pushed to callbacks."""
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                     daemon=True).start()


class Cairnd:
    """`cairnd --root ROOT --listen LISTEN [extra...]`, its stderr in LOG (default
    LISTEN/cairnd.log), until the `with` block ends; starting waits (10 s at most) for its
    read-only socket, the last it makes."""

    def __init__(self, cairnd, root, listen, *extra, log=None):
        self.listen = listen
        self.sock = os.path.join(listen, "cairn-sock")
        self.sock_ro = self.sock + "-ro"
        os.makedirs(listen, exist_ok=True)
        self.log = log or os.path.join(listen, "cairnd.log")
        with open(self.log, "w") as err:
            self.process = subprocess.Popen([cairnd, "--root", root, "--listen", listen, *extra],
                                            stdout=subprocess.DEVNULL, stderr=err)
        for _ in range(200):
            if os.path.exists(self.sock_ro) or self.process.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(self.sock_ro):
            self.stop()
            check(False, "cairnd did not start", self.log)

    def uri(self, driver="qemu", read_only=False):
        path = "/default" if driver == "test" else "/system"
        return f"{driver}+unix://{path}?socket={self.sock_ro if read_only else self.sock}"

    def running(self):
        return self.process.poll() is None

    def stop(self, timeout=10):
        if self.process.poll() is None:
            self.process.terminate()
        return self.process.wait(timeout)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()
