// OwnershipLedger: gives files to the user QEMU runs as and gives them back, as libvirt's
// DAC security driver does. Each Grant() records the file's owner in a ledger file (mode
// 0600, in the domain's run directory) before the chown, so that any later cairn process —
// the one that stops the domain or ends the job, even after a crash — restores it. A file
// granted twice keeps its first recorded owner. Not thread-safe: callers hold the domain lock.
#pragma once

#include <filesystem>
#include <string>

#include "cairn/error.hpp"
#include "drivers/qemu/qemu_driver_options.hpp"

namespace cairn::drivers::qemu {

class OwnershipLedger {
 public:
  explicit OwnershipLedger(std::filesystem::path ledger) : ledger_(std::move(ledger)) {}

  // Makes `path` (a link is followed) owned by `to`, after recording its owner. Errors:
  // kSystemError naming the path (it cannot be stat'ed or chowned, or the ledger written).
  Status Grant(const std::string& path, const QemuRunAs& to) const;

  // Gives every recorded file its recorded owner back (one that is gone is skipped), then
  // removes the ledger. Best effort: a file that cannot be restored is left as it is.
  void RestoreAll() const;

 private:
  std::filesystem::path ledger_;
};

}  // namespace cairn::drivers::qemu
