#!/usr/bin/python3
# cairnd's one job-event source watches every domain, including those defined after it
# started: a client registered for JOB_COMPLETED on every domain hears the backup of a domain
# defined a moment before (a shut-off domain's, run by a storage daemon, which can end before
# the source's next look at the domain list), once, for each of three new domains.
#
# usage: job_event_of_a_just_defined_domain.py CAIRND WORK_DIR
import os
import shutil
import subprocess
import sys
import threading
import time

import libvirt

CAIRND, WORK = sys.argv[1], os.path.abspath(sys.argv[2])
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
SOCK = os.path.join(WORK, "run", "cairn-sock")


def check(cond, what):
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        sys.exit(1)


daemon = subprocess.Popen([CAIRND, "--root", os.path.join(WORK, "root"),
                           "--listen", os.path.join(WORK, "run")],
                          stdout=subprocess.DEVNULL,
                          stderr=open(os.path.join(WORK, "cairnd.log"), "w"))
try:
    for _ in range(200):
        if os.path.exists(SOCK):
            break
        time.sleep(0.05)
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                     daemon=True).start()
    libvirt.registerErrorHandler(lambda *_: None, None)
    conn = libvirt.open("qemu+unix:///system?socket=" + SOCK)
    heard = []
    got = threading.Event()

    def on_job(conn_, dom_, params, opaque):
        heard.append(dom_.name())
        got.set()

    conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, on_job, None)
    time.sleep(0.5)  # the source has made its first look: every domain defined next is new
    for n in range(3):
        got.clear()
        disk = os.path.join(WORK, f"vda-{n}.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "8M"], check=True)
        dom = conn.defineXML(f"""<domain type='qemu'><name>vm{n}</name>
          <memory unit='MiB'>64</memory><devices><disk type='file' device='disk'>
          <driver name='qemu' type='qcow2'/><source file='{disk}'/>
          <target dev='vda' bus='virtio'/></disk></devices></domain>""")
        target = os.path.join(WORK, f"full-{n}.qcow2")
        dom.backupBegin(f"""<domainbackup><disks><disk name='vda' type='file'>
          <target file='{target}'/><driver type='qcow2'/></disk></disks></domainbackup>""", None)
        check(got.wait(10), f"the job of vm{n}, defined just before, was heard (10 s)")
    time.sleep(0.5)
    check(heard == ["vm0", "vm1", "vm2"], f"each job once, in order: {heard}")
    conn.close()
    print("ok")
finally:
    daemon.terminate()
    daemon.wait(10)
