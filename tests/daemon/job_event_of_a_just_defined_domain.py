#!/usr/bin/python3
# cairnd's one job-event source watches every domain, including those defined after it
# started: a client registered for JOB_COMPLETED on every domain hears the backup of a domain
# defined a moment before (a shut-off domain's, run by a storage daemon, which can end before
# the source's next look at the domain list), once, for each of three new domains.
#
# usage: job_event_of_a_just_defined_domain.py CAIRND WORK_DIR
import os
import subprocess
import sys
import threading
import time

import libvirt

from cairnd_support import Cairnd, check, fresh_dir, quiet_libvirt, run_event_loop

CAIRND, WORK = sys.argv[1], fresh_dir(sys.argv[2])

with Cairnd(CAIRND, os.path.join(WORK, "root"), os.path.join(WORK, "run")) as daemon:
    run_event_loop()
    quiet_libvirt()
    conn = libvirt.open(daemon.uri())
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
