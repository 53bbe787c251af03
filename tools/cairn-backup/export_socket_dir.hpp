// cairn-backup/export_socket_dir.hpp — the private directory a pull backup job's NBD socket
// is made in. The hypervisor's QEMU creates the socket there, and it may run as another user
// than this process: libvirtd's system daemon runs it as its qemu user (libvirt-qemu), a
// session daemon (libvirtd or cairnd, run by a user) as that user. So the directory (mode
// 0700, a fresh name) is given to QEMU's user: the live domain's DAC label
// (<seclabel model='dac'><label>+UID:+GID</label>) where the hypervisor reports one, else the
// daemon's own user (DaemonPeerOf), else nobody else's (an in-process driver runs QEMU as
// this process). Only root may give a directory away; root can then still connect to the
// socket QEMU made. Thread rule: one call per run.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>

#include "cairn/connection.hpp"
#include "cairn/error.hpp"
#include "util/temp_dir.hpp"

namespace cairn::backup {

struct ProcessUser {
  uid_t uid = 0;
  gid_t gid = 0;
};

// The DAC label of a running domain's XML ("+64055:+64055", or "user:group" names), nullopt
// when it has none. Errors: kXmlError for XML that is not well-formed; kInvalidArg for a
// label that names no user or group of this host.
Result<std::optional<ProcessUser>> ParseDacLabel(std::string_view domain_xml);

// Makes "<tmpdir>/<prefix>-XXXXXX" for a domain whose live XML is `domain_xml`, owned by the
// user its QEMU runs as. Errors: kSystemError when the directory cannot be made; kOperationDenied
// when QEMU runs as another user and this process is not root (the message says what to do).
Result<util::TempDir> MakeExportSocketDir(const Connection& connection, std::string_view domain_xml,
                                          std::string_view prefix);

}  // namespace cairn::backup
