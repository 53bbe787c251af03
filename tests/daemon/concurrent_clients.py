#!/usr/bin/python3
# 50 python3-libvirt clients at once on one running QEMU domain through cairnd, each on its
# own connection: create checkpoints, list them, delete some. Every call must succeed or fail
# with a libvirt error (no hang, no connection dropped); afterwards the checkpoint tree is one
# chain and the disk's bitmaps are exactly the checkpoints, both live (every checkpoint's
# size, read from QEMU's bitmap) and in the image once QEMU is gone (qemu-img info). Prints
# the wall time of the concurrent part.
#
# usage: concurrent_clients.py CAIRND WORK_DIR
import json
import os
import subprocess
import sys
import threading
import time

import libvirt

from cairnd_support import Cairnd, check, fresh_dir, quiet_libvirt

CLIENTS, ROUNDS = 50, 3
CAIRND, WORK = sys.argv[1], fresh_dir(sys.argv[2])
# What a client whose connection broke sees: never acceptable here.
CONNECTION_ERRORS = {libvirt.VIR_ERR_RPC, libvirt.VIR_ERR_SYSTEM_ERROR, libvirt.VIR_ERR_NO_CONNECT,
                     libvirt.VIR_ERR_INTERNAL_ERROR}


with Cairnd(CAIRND, os.path.join(WORK, "root"), os.path.join(WORK, "run")) as daemon:
    URI = daemon.uri()
    quiet_libvirt()
    disk = os.path.join(WORK, "vda.qcow2")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "32M"], check=True)
    admin = libvirt.open(URI)
    dom = admin.defineXML(f"""<domain type='qemu'><name>vm</name><memory unit='MiB'>64</memory>
      <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='{disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>""")
    dom.create()

    lock = threading.Lock()
    outcomes = {"ok": 0, "libvirt error": []}
    created, deleted = set(), set()
    broken = []

    def call(what, fn):
        try:
            r = fn()
            with lock:
                outcomes["ok"] += 1
            return True, r
        except libvirt.libvirtError as e:
            with lock:
                outcomes["libvirt error"].append((what, e.get_error_code(), str(e)))
            return False, None

    start = threading.Barrier(CLIENTS)

    def client(n):
        try:
            conn = libvirt.open(URI)
        except libvirt.libvirtError as e:
            with lock:
                broken.append(f"client {n} cannot connect: {e}")
            return
        d = conn.lookupByName("vm")
        start.wait()
        mine = []
        for r in range(ROUNDS):
            name = f"c{n}-{r}"
            ok, _ = call("create", lambda: d.checkpointCreateXML(
                f"<domaincheckpoint><name>{name}</name></domaincheckpoint>"))
            if ok:
                mine.append(name)
                with lock:
                    created.add(name)
            call("list", lambda: [c.getName() for c in d.listAllCheckpoints()])
        # Delete the middle one: its child (if any) is reparented, its bitmap merged.
        if len(mine) == ROUNDS:
            victim = mine[1]
            ok, _ = call("delete", lambda: d.checkpointLookupByName(victim).delete())
            if ok:
                with lock:
                    deleted.add(victim)
        call("list", lambda: d.listAllCheckpoints())
        if conn.isAlive() != 1:
            with lock:
                broken.append(f"client {n}: connection dropped")
        conn.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(1, 300 - (time.monotonic() - t0)))
    wall = time.monotonic() - t0
    check(not any(t.is_alive() for t in threads), "a client hung (300 s)")
    check(daemon.running(), "cairnd still runs")
    check(not broken, f"broken clients: {broken}")
    errors = outcomes["libvirt error"]
    for what, code, text in errors:
        print(f"libvirt error in {what}: code {code}: {text}")
        check(code not in CONNECTION_ERRORS, f"{what} failed with a connection error: {text}")
    print(f"{CLIENTS} clients, {outcomes['ok']} calls ok, {len(errors)} libvirt errors, "
          f"wall {wall:.2f} s")
    # Nothing here should fail at all: a busy domain lock is waited for (30 s).
    check(not errors, "every call succeeded")

    expect = created - deleted
    cps = {c.getName(): c for c in dom.listAllCheckpoints()}
    check(set(cps) == expect, f"checkpoints {sorted(set(cps) ^ expect)} differ")
    parents = {}
    for name, c in cps.items():
        try:
            parents[name] = c.getParent().getName()
        except libvirt.libvirtError as e:
            check(e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN_CHECKPOINT, f"parent of {name}")
            parents[name] = None
    roots = [n for n, p in parents.items() if p is None]
    check(len(roots) == 1, f"one root, not {roots}")
    children = {}
    for n, p in parents.items():
        if p is not None:
            check(p in cps, f"parent {p} of {n} exists")
            children.setdefault(p, []).append(n)
    check(all(len(c) == 1 for c in children.values()),
          "a chain: creations serialised on the domain, each on the current checkpoint")
    leaves = [n for n in cps if n not in children]
    with open(os.path.join(WORK, "root", "checkpoints", "vm", ".current")) as f:
        current = f.read().strip()
    check(leaves == [current], f"the current checkpoint {current!r} is the chain's end {leaves}")
    for name, c in cps.items():
        xml = c.getXMLDesc(libvirt.VIR_DOMAIN_CHECKPOINT_XML_SIZE)
        check("size=" in xml, f"{name}: a live bitmap to size: {xml}")

    dom.destroy()
    admin.close()
    info = json.loads(subprocess.run(["qemu-img", "info", "--output=json", disk],
                                     check=True, capture_output=True, text=True).stdout)
    bitmaps = {b["name"] for b in info.get("format-specific", {}).get("data", {})
               .get("bitmaps", [])}
    check(bitmaps == expect, f"bitmaps in the image differ: {sorted(bitmaps ^ expect)}")
    print("ok")
