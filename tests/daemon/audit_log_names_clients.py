#!/usr/bin/python3
# cairnd logs who each client is, from the kernel's peer credentials (pid, uid, gid), and
# what it changed: a checkpoint created through the read-write socket is logged "ok" with
# the client's pid; one a client sends through the read-only socket is refused server-side
# and logged so; reads are not logged.
#
# usage: audit_log_names_clients.py CAIRND WORK_DIR
import os
import sys
import time

import libvirt

import cairnd_support
from cairnd_support import Cairnd, fresh_dir, quiet_libvirt

CAIRND, WORK = sys.argv[1], fresh_dir(sys.argv[2])
LOG = os.path.join(WORK, "cairnd.log")


def check(cond, what):
    cairnd_support.check(cond, what, LOG)


with Cairnd(CAIRND, os.path.join(WORK, "root"), WORK, log=LOG) as daemon:
    quiet_libvirt()
    rw = libvirt.open(daemon.uri("test"))
    dom = rw.lookupByName("test")
    dom.checkpointCreateXML("<domaincheckpoint><name>c1</name></domaincheckpoint>")
    dom.listAllCheckpoints()
    rw.close()
    # Opened as if read-write: python3-libvirt sends the call, and cairnd refuses it.
    ro = libvirt.open(daemon.uri("test", read_only=True))
    try:
        ro.lookupByName("test").checkpointCreateXML(
            "<domaincheckpoint><name>c2</name></domaincheckpoint>")
        check(False, "the read-only socket created a checkpoint")
    except libvirt.libvirtError as e:
        check(e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED, "refused as denied")
    ro.close()
    time.sleep(0.3)

text = open(LOG).read()
me = "pid %d, uid %d, gid %d" % (os.getpid(), os.getuid(), os.getgid())
check("(%s, read-write): connected" % me in text, "the read-write client's identity")
check("(%s, read-write): DOMAIN_CHECKPOINT_CREATE_XML: ok" % me in text, "the create logged")
check("(%s, read-only): DOMAIN_CHECKPOINT_CREATE_XML: error: " % me in text,
      "the refused create logged")
check("LIST_ALL_CHECKPOINTS" not in text, "reads are not logged")
check("(%s, read-write): disconnected" % me in text, "the departure")
print("PASS")
