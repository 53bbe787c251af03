#!/usr/bin/python3
# Two promises of cairnd to its clients, on a real QEMU domain:
# - a client of the read-only socket that registered for JOB_COMPLETED hears the push backup a
#   client of the read-write socket runs (one job-event source, fanned out to every client),
#   and is refused what would change the domain, even while another read-only client that
#   registered too reads nothing at all (its replies fill its socket: the one event source
#   shared by every client must not wait for it);
# - a call that waits on the domain's lock (held here, as a backup begin would hold it) holds
#   up neither the keepalive answers on its own connection nor other clients' reads.
#
# usage: ro_events_and_keepalive.py CAIRND WORK_DIR
import fcntl
import os
import socket
import struct
import subprocess
import sys
import threading
import time

import libvirt

from cairnd_support import Cairnd, check, fresh_dir, quiet_libvirt, run_event_loop

CAIRND, WORK = sys.argv[1], fresh_dir(sys.argv[2])
RUN, ROOT = os.path.join(WORK, "run"), os.path.join(WORK, "root")
SOCK, SOCK_RO = os.path.join(RUN, "cairn-sock"), os.path.join(RUN, "cairn-sock-ro")
REMOTE, KEEPALIVE = 0x20008086, 0x6b656570


def xdr_string(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)


def packet(prog, proc, typ, serial, payload=b""):
    return struct.pack(">7I", 28 + len(payload), prog, 1, proc, typ, serial, 0) + payload


def read_packet(s):
    head = b""
    while len(head) < 4:
        chunk = s.recv(4 - len(head))
        check(chunk, "the daemon closed the raw connection")
        head += chunk
    length = struct.unpack(">I", head)[0]
    body = b""
    while len(body) < length - 4:
        chunk = s.recv(length - 4 - len(body))
        check(chunk, "the daemon closed the raw connection")
        body += chunk
    prog, vers, proc, typ, serial, status = struct.unpack(">6I", body[:24])
    return prog, proc, typ, serial, status, body[24:]


with Cairnd(CAIRND, ROOT, RUN) as daemon:
    run_event_loop()
    quiet_libvirt()

    disk = os.path.join(WORK, "vda.qcow2")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "32M"], check=True)
    rw = libvirt.open(daemon.uri())
    dom = rw.defineXML(f"""<domain type='qemu'><name>vm</name><memory unit='MiB'>64</memory>
      <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='{disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>""")
    dom.create()

    # The deaf client: registers first (events are handed out in registration order), then
    # sends thousands of calls and reads no reply.
    deaf = socket.socket(socket.AF_UNIX)
    deaf.connect(SOCK_RO)
    deaf.settimeout(20)
    deaf.sendall(packet(REMOTE, 1, 0, 1, struct.pack(">I", 1) + xdr_string("qemu:///system") +
                        struct.pack(">I", 1)))
    check(read_packet(deaf)[4] == 0, "the deaf client's CONNECT_OPEN answered OK")
    deaf.sendall(packet(REMOTE, 316, 0, 2, struct.pack(">iI", 21, 0)))
    check(read_packet(deaf)[4] == 0, "the deaf client registered for JOB_COMPLETED")
    vm_handle = xdr_string("vm") + dom.UUID() + struct.pack(">i", dom.ID())
    deaf.sendall(b"".join(packet(REMOTE, 14, 0, 3 + i, vm_handle + struct.pack(">I", 0))
                          for i in range(4000)))  # some MB of XML replies, never read
    time.sleep(0.5)

    # Read-only client: events yes, changes no.
    ro = libvirt.openReadOnly(daemon.uri(read_only=True))
    ro_dom = ro.lookupByName("vm")
    heard = []
    got = threading.Event()

    def on_job(conn_, dom_, params, opaque):
        heard.append((time.monotonic(), dom_.name(), params))
        got.set()

    ro.domainEventRegisterAny(ro_dom, libvirt.VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, on_job, None)
    try:
        ro_dom.checkpointCreateXML("<domaincheckpoint><name>no</name></domaincheckpoint>")
        check(False, "a read-only client creates no checkpoint")
    except libvirt.libvirtError as e:
        check(e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED, f"refusal code {e}")

    target = os.path.join(WORK, "full.qcow2")
    dom.backupBegin(f"""<domainbackup><disks><disk name='vda' type='file'>
      <target file='{target}'/><driver type='qcow2'/></disk></disks></domainbackup>""",
                    "<domaincheckpoint><name>c1</name></domaincheckpoint>")
    check(got.wait(20), "the read-only client heard JOB_COMPLETED within 20 s, beside a deaf one")
    check(daemon.running(), "cairnd still runs")
    _, name, params = heard[0]
    check(name == "vm", f"event domain {name}")
    check(params.get("operation") == libvirt.VIR_DOMAIN_JOB_OPERATION_BACKUP, f"operation {params}")
    check(params.get("success") is True, f"success {params}")
    check([c.getName() for c in ro_dom.listAllCheckpoints()] == ["c1"], "c1 seen read-only")

    # Every job's event reaches both sockets' clients, once each, at about the same moment
    # (one source hands each ended job to every client before the next).
    rw_heard = []
    rw_got = threading.Event()

    def on_rw_job(conn_, dom_, params, opaque):
        rw_heard.append(time.monotonic())
        rw_got.set()

    rw.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, on_rw_job, None)
    # A third client polls the job every ms: the job's end as the quickest client sees it
    # (that look itself finishes the job). The events must not come much after it.
    poll_dom = libvirt.open(daemon.uri()).lookupByName("vm")
    skews, behind_poll = [], []
    for n in range(2, 5):
        got.clear()
        rw_got.clear()
        target = os.path.join(WORK, f"full-{n}.qcow2")
        dom.backupBegin(f"""<domainbackup><disks><disk name='vda' type='file'>
          <target file='{target}'/><driver type='qcow2'/></disk></disks></domainbackup>""", None)
        polled_end = None
        for _ in range(20000):
            if poll_dom.jobInfo()[0] == libvirt.VIR_DOMAIN_JOB_NONE:
                polled_end = time.monotonic()
                break
            time.sleep(0.001)
        check(polled_end is not None, f"job {n} ended (polled)")
        check(got.wait(20) and rw_got.wait(20), f"job {n} heard by both clients")
        check(len(heard) == n and len(rw_heard) == n - 1, f"job {n}: one event each")
        skews.append(abs(heard[-1][0] - rw_heard[-1]))
        behind_poll.append(max(heard[-1][0], rw_heard[-1]) - polled_end)
    time.sleep(0.3)
    check(len(heard) == 4 and len(rw_heard) == 3, "no event twice")
    check(all(p.get("success") is True for _, _, p in heard), "every job succeeded")
    check(max(skews) < 0.5, f"both clients hear a job at about the same moment: {skews}")
    check(max(behind_poll) < 0.2, f"events within 0.2 s of the polled end: {behind_poll}")

    # A call waiting on the domain's lock, on a raw connection of the read-write socket.
    uuid = dom.UUID()
    lock_file = open(os.path.join(ROOT, "locks", "vm.lock"), "a+")
    fcntl.flock(lock_file, fcntl.LOCK_EX)
    raw = socket.socket(socket.AF_UNIX)
    raw.connect(SOCK)
    raw.settimeout(20)
    raw.sendall(packet(REMOTE, 1, 0, 1, struct.pack(">I", 1) + xdr_string("qemu:///system") +
                       struct.pack(">I", 0)))
    check(read_packet(raw)[4] == 0, "CONNECT_OPEN answered OK")
    handle = xdr_string("vm") + uuid + struct.pack(">i", dom.ID())
    raw.sendall(packet(REMOTE, 411, 0, 2, handle +
                       xdr_string("<domaincheckpoint><name>c2</name></domaincheckpoint>") +
                       struct.pack(">I", 0)))
    time.sleep(0.5)  # the call now waits on the lock
    pongs = []
    for _ in range(5):
        t = time.monotonic()
        raw.sendall(packet(KEEPALIVE, 1, 2, 0))
        prog, proc, typ, serial, status, _ = read_packet(raw)
        pongs.append(time.monotonic() - t)
        check((prog, proc, typ) == (KEEPALIVE, 2, 2), f"a PONG, not {(prog, proc, typ)}")
        time.sleep(0.1)
    check(max(pongs) < 1.0, f"PONG within 1 s during the call: {pongs}")
    # Other clients read meanwhile: nobody waits on the held lock or on the waiting call.
    t = time.monotonic()
    other = libvirt.open(daemon.uri())
    od = other.lookupByName("vm")
    check(od.info()[0] == libvirt.VIR_DOMAIN_RUNNING, "running")
    check([c.getName() for c in od.listAllCheckpoints()] == ["c1"], "reads while locked")
    reads = time.monotonic() - t
    check(reads < 5, f"reads took {reads:.2f} s while the lock was held")
    other.close()
    fcntl.flock(lock_file, fcntl.LOCK_UN)
    prog, proc, typ, serial, status, _ = read_packet(raw)
    check((prog, proc, typ, serial, status) == (REMOTE, 411, 1, 2, 0),
          f"the waiting create succeeded once the lock was free {(prog, proc, typ, serial, status)}")
    raw.close()
    print(f"one job's event, RO client vs RW client: max {max(skews) * 1e3:.2f} ms apart")
    print("events after the 1 ms poller saw the job end: " +
          ", ".join(f"{b * 1e3:.1f}" for b in behind_poll) + " ms")
    print(f"PONG during a call waiting on the domain lock: max {max(pongs) * 1e3:.2f} ms; "
          f"reads by another client meanwhile {reads * 1e3:.1f} ms")

    deaf.close()
    dom.destroy()
    ro.close()
    rw.close()
    print("ok")
