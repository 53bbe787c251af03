#!/usr/bin/python3
# python3-libvirt (libvirt 9.0's own client library) against cairnd on a real QEMU domain:
# define, start, checkpoints (create, list, lookup, XML, parent, delete), a push backup with
# a new checkpoint announced by the JOB_COMPLETED event, completed-job statistics, a pull
# backup read over NBD, abort, destroy. The backup must equal the disk byte for byte.
#
# usage: python_libvirt_backup.py CAIRND WORK_DIR
import os
import socket
import subprocess
import sys
import threading
import time

import libvirt

from cairnd_support import Cairnd, check, fresh_dir, quiet_libvirt, run_event_loop

CAIRND, WORK = sys.argv[1], fresh_dir(sys.argv[2])


def run(*argv):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


with Cairnd(CAIRND, os.path.join(WORK, "root"), os.path.join(WORK, "run")) as daemon:
    run_event_loop()
    quiet_libvirt()

    disk = os.path.join(WORK, "vda.qcow2")
    run("qemu-img", "create", "-q", "-f", "qcow2", disk, "32M")
    run("qemu-io", "-c", "write -P 0x5a 1M 3M", disk)
    conn = libvirt.open(daemon.uri())
    check(conn.getType() == "QEMU", "type")
    check(conn.getLibVersion() == 9000000, "library version")
    dom = conn.defineXML(f"""<domain type='qemu'><name>vm</name><memory unit='MiB'>64</memory>
      <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='{disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>""")
    dom.create()
    check(dom.isActive() == 1, "active after create")
    check(dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING, "running")

    events = []
    got = threading.Event()

    def on_job(conn_, dom_, params, opaque):
        events.append((dom_.name(), params))
        got.set()

    cb = conn.domainEventRegisterAny(dom, libvirt.VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, on_job, None)

    dom.checkpointCreateXML("<domaincheckpoint><name>c1</name></domaincheckpoint>")
    target = os.path.join(WORK, "full.qcow2")
    dom.backupBegin(f"""<domainbackup><disks><disk name='vda' type='file'>
      <target file='{target}'/><driver type='qcow2'/></disk></disks></domainbackup>""",
                    "<domaincheckpoint><name>c2</name></domaincheckpoint>")
    check(got.wait(20), "JOB_COMPLETED event within 20 s")
    name, params = events[0]
    check(name == "vm", "event domain")
    check(params.get("operation") == libvirt.VIR_DOMAIN_JOB_OPERATION_BACKUP, f"event operation {params}")
    check(params.get("success") is True, f"event success {params}")
    stats = dom.jobStats(libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED)
    check(stats.get("type") == libvirt.VIR_DOMAIN_JOB_COMPLETED, f"completed stats {stats}")
    check(stats.get("disk_total") == 32 << 20, f"disk_total {stats}")

    names = sorted(c.getName() for c in dom.listAllCheckpoints())
    check(names == ["c1", "c2"], f"checkpoints {names}")
    c2 = dom.checkpointLookupByName("c2")
    check(c2.getParent().getName() == "c1", "parent of c2")
    check("<name>c2</name>" in c2.getXMLDesc(libvirt.VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN), "c2 XML")
    try:
        dom.checkpointLookupByName("c1").getParent()
        check(False, "a root has no parent")
    except libvirt.libvirtError as e:
        check(e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN_CHECKPOINT, f"root parent code {e}")
    try:
        dom.checkpointLookupByName("nosuch")
        check(False, "missing checkpoint")
    except libvirt.libvirtError as e:
        check(e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN_CHECKPOINT, f"missing code {e}")

    nbd = os.path.join(WORK, "nbd.sock")
    dom.backupBegin(f"""<domainbackup mode='pull'><incremental>c2</incremental>
      <server transport='unix' socket='{nbd}'/><disks><disk name='vda' type='file'/></disks>
      </domainbackup>""", None)
    check("mode='pull'" in dom.backupGetXMLDesc(), "pull XML")
    check(dom.jobInfo()[0] == libvirt.VIR_DOMAIN_JOB_UNBOUNDED, "pull job running")
    got.clear()
    dom.abortJob()
    # The export stops before the abort is answered; the rest of the job's end follows it.
    probe = socket.socket(socket.AF_UNIX)
    try:
        probe.connect(nbd)
        check(False, "the NBD export still serves after the abort returned")
    except OSError:
        pass
    finally:
        probe.close()
    check(got.wait(20), "JOB_COMPLETED event of the pull backup")
    for _ in range(200):
        if dom.jobInfo()[0] == libvirt.VIR_DOMAIN_JOB_NONE and not os.path.lexists(nbd):
            break
        time.sleep(0.01)
    check(dom.jobInfo()[0] == libvirt.VIR_DOMAIN_JOB_NONE, "no job once the abort ended it")
    check(not os.path.lexists(nbd), "the export's socket link removed")

    dom.checkpointLookupByName("c1").delete()
    check(sorted(c.getName() for c in dom.listAllCheckpoints()) == ["c2"], "after delete")
    conn.domainEventDeregisterAny(cb)
    dom.destroy()
    check(dom.isActive() == 0, "inactive after destroy")
    conn.close()
    out = subprocess.run(["qemu-img", "compare", disk, target], capture_output=True, text=True)
    check(out.returncode == 0, "backup equals the disk: " + out.stdout + out.stderr)
    print("ok")
