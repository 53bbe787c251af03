#!/usr/bin/python3
# A handle whose domain or checkpoint is gone fails every call as libvirt's does: cairnd
# builds handles from the wire without looking them up (as libvirtd does), so the call
# itself must notice. The same script runs against libvirt's test:///default in-process and
# against cairnd serving Cairn's test driver; the errors (code, domain, message) must match.
#
# usage: stale_handles_fail_as_libvirt.py CAIRND WORK_DIR
import os
import shutil
import sys

import libvirt

from cairnd_support import Cairnd, quiet_libvirt

CAIRND, WORK = sys.argv[1], os.path.abspath(sys.argv[2])
DOMAIN_XML = """<domain type='test'><name>gone</name>
  <uuid>3c1e4b5a-0d5e-4f5b-9a64-6f1a6d0c2b77</uuid><memory>65536</memory><vcpu>1</vcpu>
  <os><type>hvm</type></os>
  <devices><disk type='file' device='disk'><source file='/gone.img'/><target dev='vda'/>
  </disk></devices></domain>"""


def scenario(uri):
    quiet_libvirt()
    out = []
    conn = libvirt.open(uri)

    def attempt(what, call):
        try:
            call()
            out.append(f"{what}: ok")
        except libvirt.libvirtError as e:
            out.append(f"{what}: {e.get_error_code()} {e.get_error_domain()} {e.get_error_message()}")

    dom = conn.defineXML(DOMAIN_XML)
    dom.create()
    cp = dom.checkpointCreateXML("<domaincheckpoint><name>c1</name></domaincheckpoint>", 0)
    conn.lookupByName("gone").checkpointLookupByName("c1").delete(0)
    attempt("deleted checkpoint getXMLDesc", lambda: cp.getXMLDesc(0))
    attempt("deleted checkpoint getParent", lambda: cp.getParent(0))
    attempt("deleted checkpoint delete", lambda: cp.delete(0))
    attempt("deleted checkpoint listAllChildren", lambda: cp.listAllChildren(0))
    conn.lookupByName("gone").destroy()
    conn.lookupByName("gone").undefine()
    attempt("undefined domain XMLDesc", lambda: dom.XMLDesc(0))
    attempt("undefined domain info", lambda: dom.info())
    attempt("undefined domain state", lambda: dom.state(0))
    attempt("undefined domain listAllCheckpoints", lambda: dom.listAllCheckpoints(0))
    attempt("undefined domain checkpointCreateXML",
            lambda: dom.checkpointCreateXML("<domaincheckpoint/>", 0))
    attempt("undefined domain hasManagedSaveImage", lambda: dom.hasManagedSaveImage(0))
    attempt("undefined domain blockJobInfo", lambda: dom.blockJobInfo("vda", 0))
    attempt("undefined domain create", lambda: dom.create())
    conn.close()
    return out


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
run = os.path.join(WORK, "run")
with Cairnd(CAIRND, os.path.join(WORK, "root"), run) as daemon:
    want = scenario("test:///default")
    got = scenario(f"test+unix:///default?socket={run}/cairn-sock")
if want != got:
    for w, g in zip(want, got):
        print(("  " if w == g else "! ") + f"libvirt: {w}\n  cairnd:  {g}", file=sys.stderr)
    print("FAIL: cairnd's stale handles fail unlike libvirt's", file=sys.stderr)
    sys.exit(1)
print("\n".join(got))
