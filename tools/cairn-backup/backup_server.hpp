// cairn-backup/backup_server.hpp — `serve`: one disk of one backup exported read-only over
// NBD by nbdkit with Cairn's plugin, with base:allocation, so qemu-img, nbdcopy and nbdinfo
// read it and a qcow2 overlay can boot a VM straight from the backup.
// Thread rule: replaces the calling process (exec) on success.
#pragma once

#include <string>
#include <vector>

#include "cairn/error.hpp"
#include "tools/cairn-backup/served_disk.hpp"

namespace cairn::backup {

struct ServeRequest {
  ServedDisk served;
  std::string socket;                // a unix socket path, or
  std::string tcp;                   // "HOST:PORT" (loopback recommended)
};

// The command line that serves `request` (nbdkit in the foreground).
// Errors: kInvalidArg if `tcp` is not HOST:PORT.
Result<std::vector<std::string>> ServeCommandLine(const ServeRequest& request);

// Runs ServeCommandLine in place of this process. Returns only on failure.
Status ExecServer(const std::vector<std::string>& argv);

}  // namespace cairn::backup
