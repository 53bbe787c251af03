# Sourced: starts a private libvirtd 9.0 for a differential test — a session daemon run as
# user nobody, its configuration, sockets, state and log in a new short directory under /tmp
# (a unix socket path has at most 107 bytes) — and waits for its socket. Sets LIBVIRTD_DIR,
# LIBVIRTD_SOCK and LIBVIRTD_PID; stop_private_libvirtd ends it and removes the directory.
# Never touches a host's libvirt (no system paths, no network).
start_private_libvirtd() {
  LIBVIRTD_DIR=$(mktemp -d /tmp/cairn-libvirtd.XXXXXX) || return 1
  lv=$LIBVIRTD_DIR/libvirt
  mkdir -p "$lv/config/libvirt" "$lv/runtime/sock" "$lv/cache" "$lv/data" "$lv/home" || return 1
  printf 'unix_sock_dir = "%s"\nlog_outputs = "3:file:%s"\n' "$lv/runtime/sock" \
    "$lv/home/log" >"$lv/config/libvirt/libvirtd.conf"
  chmod 0755 "$(dirname "$lv")"
  chown -R nobody: "$lv"
  command -v setpriv >/dev/null || { echo "FAIL: setpriv (util-linux) is missing" >&2; return 1; }
  [ -x /usr/sbin/libvirtd ] || {
    echo "FAIL: libvirtd is missing: run scripts/install-deps" >&2; return 1; }
  env -i HOME="$lv/home" XDG_CONFIG_HOME="$lv/config" XDG_RUNTIME_DIR="$lv/runtime" \
    XDG_CACHE_HOME="$lv/cache" XDG_DATA_HOME="$lv/data" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
    /usr/sbin/libvirtd --config "$lv/config/libvirt/libvirtd.conf" >"$lv/home/out" 2>&1 &
  LIBVIRTD_PID=$!
  LIBVIRTD_SOCK=$lv/runtime/sock/libvirt-sock
  i=0
  until [ -S "$LIBVIRTD_SOCK" ]; do
    i=$((i + 1))
    [ $i -lt 200 ] || { echo "FAIL: libvirtd did not start" >&2; cat "$lv/home/out" >&2; return 1; }
    sleep 0.05
  done
}

stop_private_libvirtd() {
  [ -n "${LIBVIRTD_PID:-}" ] && kill "$LIBVIRTD_PID" 2>/dev/null && wait "$LIBVIRTD_PID" 2>/dev/null
  # A session daemon leaves its QEMU processes running when it stops.
  for pidfile in "${LIBVIRTD_DIR:-/nonexistent}"/libvirt/runtime/libvirt/qemu/run/*.pid; do
    [ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null
  done
  [ -n "${LIBVIRTD_DIR:-}" ] && rm -rf "$LIBVIRTD_DIR"
}

# write_firmware_domain FILE DISK: writes FILE, the domain `vm` the daemon tests and benches
# run: a guest that sits in its firmware (all checkpoints and backups need), on the qcow2
# DISK as its virtio vda.
write_firmware_domain() {
  cat >"$1" <<XML
<domain type='qemu'><name>vm</name><memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
    <source file='$2'/><target dev='vda' bus='virtio'/></disk></devices></domain>
XML
}

# Writes, under $LIBVIRTD_DIR/disks (readable by the daemon's user), the one-disk QEMU domain
# `vm` the daemon tests run: vda.qcow2 (16 MiB, empty), dom.xml, and push.xml (a push backup
# of vda to copy.qcow2). Sets D to that directory.
write_libvirtd_test_domain() {
  D=$LIBVIRTD_DIR/disks
  mkdir -p "$D" && chmod 0777 "$D" || return 1
  qemu-img create -q -f qcow2 "$D/vda.qcow2" 16M || return 1
  chown nobody: "$D/vda.qcow2"
  write_firmware_domain "$D/dom.xml" "$D/vda.qcow2" || return 1
  cat >"$D/push.xml" <<XML
<domainbackup mode='push'><disks><disk name='vda' type='file'>
  <target file='$D/copy.qcow2'/><driver type='qcow2'/></disk></disks></domainbackup>
XML
}
