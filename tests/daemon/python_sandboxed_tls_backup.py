#!/usr/bin/python3
# cairnd as root with a configuration file (cairnd --config): QEMU runs as an unprivileged
# user and group (nobody:nogroup) under its seccomp sandbox, the disks and backup stores are
# given to that user while QEMU uses them and given back afterwards, the state root stays
# private, and a pull backup over TCP with tls='yes' serves the disk byte for byte to a
# client holding the CA and a client certificate (made with gnutls-bin's certtool), while a
# client without the CA, one without a client certificate and a plain NBD client are refused.
# Also: a configuration with an unknown key stops cairnd, naming the key.
#
# usage: python_sandboxed_tls_backup.py CAIRND WORK_DIR   (needs root; skipped otherwise)
import grp
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time

import libvirt

from cairnd_support import Cairnd, check, quiet_libvirt

CAIRND, WORK = sys.argv[1], os.path.abspath(sys.argv[2])
if os.geteuid() != 0:
    print("SKIP: needs root (QEMU drops to another user only for a root daemon)")
    sys.exit(0)
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
os.chmod(WORK, 0o755)  # QEMU, once it is nobody, opens the backup stores here
ROOT = os.path.join(WORK, "root")
QEMU_UID = pwd.getpwnam("nobody").pw_uid
QEMU_GID = grp.getgrnam("nogroup").gr_gid


def run(*argv, **kw):
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def owner(path):
    st = os.stat(path)
    return (st.st_uid, st.st_gid)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A configuration with a typo is refused before cairnd listens, naming the key.
bad = os.path.join(WORK, "bad.conf")
with open(bad, "w") as f:
    f.write('user = "nobody"\nseccomp_sandbx = 1\n')
out = subprocess.run([CAIRND, "--root", ROOT, "--listen", os.path.join(WORK, "badrun"),
                      "--config", bad], capture_output=True, text=True, timeout=20)
check(out.returncode != 0 and "unknown setting 'seccomp_sandbx'" in out.stderr,
      f"bad config refused: rc={out.returncode} {out.stderr!r}")

# Certificates: a CA, a server certificate for localhost, a client certificate, and a
# second CA that signed nothing of the server's.
pki = os.path.join(WORK, "pki")
server_dir, client_dir, stranger_dir, anon_dir = (os.path.join(pki, d) for d in
                                                  ("server", "client", "stranger", "anonymous"))
for d in (pki, server_dir, client_dir, stranger_dir, anon_dir):
    os.makedirs(d, exist_ok=True)
os.chmod(pki, 0o755)
os.chmod(server_dir, 0o750)
os.chown(server_dir, 0, QEMU_GID)  # QEMU reads its credentials as the QEMU user


def template(name, text):
    path = os.path.join(pki, name + ".info")
    with open(path, "w") as f:
        f.write(text)
    return path


def certtool(*args):
    run("certtool", *args)


def key(path):
    certtool("--generate-privkey", "--outfile", path)


key(os.path.join(pki, "ca-key.pem"))
certtool("--generate-self-signed", "--load-privkey", os.path.join(pki, "ca-key.pem"),
         "--template", template("ca", "cn = Cairn test CA\nca\ncert_signing_key\n"),
         "--outfile", os.path.join(pki, "ca-cert.pem"))
key(os.path.join(server_dir, "server-key.pem"))
certtool("--generate-certificate", "--load-privkey", os.path.join(server_dir, "server-key.pem"),
         "--load-ca-certificate", os.path.join(pki, "ca-cert.pem"),
         "--load-ca-privkey", os.path.join(pki, "ca-key.pem"),
         "--template", template("server", "organization = Cairn\ncn = localhost\n"
                                "dns_name = localhost\nip_address = 127.0.0.1\n"
                                "tls_www_server\nencryption_key\nsigning_key\n"),
         "--outfile", os.path.join(server_dir, "server-cert.pem"))
key(os.path.join(client_dir, "client-key.pem"))
certtool("--generate-certificate", "--load-privkey", os.path.join(client_dir, "client-key.pem"),
         "--load-ca-certificate", os.path.join(pki, "ca-cert.pem"),
         "--load-ca-privkey", os.path.join(pki, "ca-key.pem"),
         "--template", template("client", "organization = Cairn\ncn = backup-client\n"
                                "tls_www_client\nencryption_key\nsigning_key\n"),
         "--outfile", os.path.join(client_dir, "client-cert.pem"))
for d in (server_dir, client_dir, anon_dir):
    shutil.copy(os.path.join(pki, "ca-cert.pem"), os.path.join(d, "ca-cert.pem"))
for f in os.listdir(server_dir):
    os.chown(os.path.join(server_dir, f), 0, QEMU_GID)
    os.chmod(os.path.join(server_dir, f), 0o640)
# A client that trusts another CA (and has a certificate of it).
key(os.path.join(pki, "other-ca-key.pem"))
certtool("--generate-self-signed", "--load-privkey", os.path.join(pki, "other-ca-key.pem"),
         "--template", template("other", "cn = Someone else\nca\ncert_signing_key\n"),
         "--outfile", os.path.join(stranger_dir, "ca-cert.pem"))
shutil.copy(os.path.join(client_dir, "client-cert.pem"), stranger_dir)
shutil.copy(os.path.join(client_dir, "client-key.pem"), stranger_dir)

conf = os.path.join(WORK, "cairnd.conf")
with open(conf, "w") as f:
    f.write(f"""# as libvirt's qemu.conf
user = "nobody"
group = "nogroup"
seccomp_sandbox = 1
tls_x509_cert_dir = "{server_dir}"
tls_x509_verify = 1
""")

with Cairnd(CAIRND, ROOT, os.path.join(WORK, "run"), "--config", conf) as daemon:
    quiet_libvirt()

    disk = os.path.join(WORK, "vda.qcow2")
    run("qemu-img", "create", "-q", "-f", "qcow2", disk, "32M")
    run("qemu-io", "-c", "write -P 0x5a 1M 3M", "-c", "write -P 0xa5 20M 1M", disk)
    os.chmod(disk, 0o600)
    conn = libvirt.open(daemon.uri())
    dom = conn.defineXML(f"""<domain type='qemu'><name>vm</name><memory unit='MiB'>64</memory>
      <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='{disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>""")
    dom.create()
    check(dom.isActive() == 1, "active after create")

    # QEMU runs as nobody:nogroup under a seccomp filter; its disk is its user's meanwhile.
    with open(os.path.join(ROOT, "run", "vm", "pid")) as f:
        pid = int(f.read())
    status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status").read().splitlines()
                  if ":" in line)
    uids = status["Uid"].split()
    gids = status["Gid"].split()
    check(all(int(u) == QEMU_UID for u in uids), f"QEMU uids {uids}")
    check(all(int(g) == QEMU_GID for g in gids), f"QEMU gids {gids}")
    check(status["Seccomp"].strip() == "2", f"QEMU seccomp {status['Seccomp']}")
    check(owner(disk) == (QEMU_UID, QEMU_GID), f"disk owner while running {owner(disk)}")

    dom.checkpointCreateXML("<domaincheckpoint><name>c1</name></domaincheckpoint>")

    # The state root is private: only its owner reads definitions (they may hold secrets).
    check(os.stat(ROOT).st_mode & 0o777 == 0o700, f"root mode {oct(os.stat(ROOT).st_mode)}")
    for sub in ("domains", "checkpoints", "run", "locks", "checkpoints/vm"):
        mode = os.stat(os.path.join(ROOT, sub)).st_mode & 0o777
        check(mode == 0o700, f"{sub} mode {oct(mode)}")
    for xml in (os.path.join(ROOT, "domains", "vm.xml"),
                os.path.join(ROOT, "checkpoints", "vm", "c1.xml")):
        mode = os.stat(xml).st_mode & 0o777
        check(mode == 0o600, f"{xml} mode {oct(mode)}")
        # ... and nobody really cannot read it (nor list the directories on the way).
        out = subprocess.run(["setpriv", f"--reuid={QEMU_UID}", f"--regid={QEMU_GID}",
                              "--clear-groups", "cat", xml], capture_output=True, text=True)
        check(out.returncode != 0 and "Permission denied" in out.stderr and not out.stdout,
              f"nobody reads {xml}: rc={out.returncode} {out.stderr!r}")

    # A push backup: QEMU (as nobody) writes the target, which is root's again afterwards.
    target = os.path.join(WORK, "full.qcow2")
    dom.backupBegin(f"""<domainbackup><disks><disk name='vda' type='file'>
      <target file='{target}'/><driver type='qcow2'/></disk></disks></domainbackup>""",
                    "<domaincheckpoint><name>c2</name></domaincheckpoint>")
    for _ in range(400):
        if dom.jobInfo()[0] == libvirt.VIR_DOMAIN_JOB_NONE:
            break
        time.sleep(0.05)
    stats = dom.jobStats(libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED)
    check(stats.get("type") == libvirt.VIR_DOMAIN_JOB_COMPLETED, f"push completed {stats}")
    check(owner(target) == (0, 0), f"push target owner after the job {owner(target)}")
    out = subprocess.run(["qemu-img", "compare", "-U", disk, target], capture_output=True, text=True)
    check(out.returncode == 0, "push backup equals the disk: " + out.stdout + out.stderr)

    # A pull backup over TCP with TLS: the export needs the CA and a client certificate.
    port = free_port()
    scratch = os.path.join(WORK, "scratch.qcow2")
    dom.backupBegin(f"""<domainbackup mode='pull'>
      <server tls='yes' name='localhost' port='{port}'/>
      <disks><disk name='vda' type='file'><scratch file='{scratch}'/></disk></disks>
      </domainbackup>""", None)
    check("tls='yes'" in dom.backupGetXMLDesc(), "pull XML keeps tls='yes'")
    check(owner(scratch) == (QEMU_UID, QEMU_GID), f"scratch owner {owner(scratch)}")
    uri = f"nbds://localhost:{port}/vda?tls-certificates="
    copy = os.path.join(WORK, "pulled.raw")
    out = subprocess.run(["nbdcopy", uri + client_dir, copy], capture_output=True, text=True,
                         timeout=60)
    check(out.returncode == 0, "nbdcopy with the CA and a client certificate: " + out.stderr)
    out = subprocess.run(["qemu-img", "compare", "-U", "-f", "qcow2", "-F", "raw", disk, copy],
                         capture_output=True, text=True)
    check(out.returncode == 0, "pulled copy equals the disk: " + out.stdout + out.stderr)
    # libnbd 1.14 says: "Error in the certificate verification", "The TLS connection was
    # non-properly terminated", "server replied with error to opt_go request".
    for who, argv, says in (("without the CA", ["nbdinfo", uri + stranger_dir], "certificate"),
                            ("without a client certificate", ["nbdinfo", uri + anon_dir], "TLS"),
                            ("without TLS", ["nbdinfo", f"nbd://localhost:{port}/vda"], "opt_go")):
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        check(out.returncode != 0 and says in out.stderr,
              f"a client {who} is refused: rc={out.returncode} {out.stderr!r}")
    dom.abortJob()
    for _ in range(400):
        if dom.jobInfo()[0] == libvirt.VIR_DOMAIN_JOB_NONE:
            break
        time.sleep(0.05)
    check(not os.path.exists(scratch), "scratch removed after the pull backup")

    # A unix-socket pull backup: QEMU, as nobody, cannot make a socket in the private run
    # directory; Cairn binds it and hands QEMU the descriptor.
    nbd = os.path.join(WORK, "nbd.sock")
    dom.backupBegin(f"""<domainbackup mode='pull'><incremental>c1</incremental>
      <server transport='unix' socket='{nbd}'/><disks><disk name='vda' type='file'/></disks>
      </domainbackup>""", None)
    copy2 = os.path.join(WORK, "pulled-unix.raw")
    out = subprocess.run(["nbdcopy", f"nbd+unix:///vda?socket={nbd}", copy2],
                         capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, "nbdcopy over the unix socket: " + out.stderr)
    out = subprocess.run(["qemu-img", "compare", "-U", "-f", "qcow2", "-F", "raw", disk, copy2],
                         capture_output=True, text=True)
    check(out.returncode == 0, "unix pull equals the disk: " + out.stdout + out.stderr)
    dom.abortJob()
    for _ in range(400):
        if dom.jobInfo()[0] == libvirt.VIR_DOMAIN_JOB_NONE:
            break
        time.sleep(0.05)
    check(not os.path.lexists(nbd), "unix socket link removed after the job")

    dom.destroy()
    check(dom.isActive() == 0, "inactive after destroy")
    check(owner(disk) == (0, 0), f"disk owner after destroy {owner(disk)}")
    conn.close()
    print("ok")
