// StateLayout: where the qemu driver keeps everything for one state root (DESIGN.md):
//   ROOT/domains/NAME.xml          persistent definition
//   ROOT/checkpoints/NAME/CP.xml   checkpoint metadata (+ .journal while a change runs)
//   ROOT/run/NAME/                 live state: pid, id, qmp.sock, qga.sock, qemu.log;
//                                  qsd.pid, qsd-qmp.sock while a storage daemon serves it
//   ROOT/locks/NAME.lock           one writer per domain (flock)
// The root is private (0700, definitions 0600): nothing in it is readable by other users.
// Domain names become path components, so they are validated like checkpoint names.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "cairn/error.hpp"

namespace cairn::drivers::qemu {

class StateLayout {
 public:
  explicit StateLayout(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path domains_dir() const { return root_ / "domains"; }
  std::filesystem::path DomainXml(std::string_view name) const;
  std::filesystem::path CheckpointDir(std::string_view name) const;
  std::filesystem::path RunDir(std::string_view name) const;
  std::filesystem::path LockFile(std::string_view name) const;
  std::filesystem::path QmpSocket(std::string_view name) const { return RunDir(name) / "qmp.sock"; }
  // A second QMP monitor, for the job-event source only (job_event_source.hpp).
  std::filesystem::path EventSocket(std::string_view name) const {
    return RunDir(name) / "events.sock";
  }
  std::filesystem::path AgentSocket(std::string_view name) const { return RunDir(name) / "qga.sock"; }
  std::filesystem::path PidFile(std::string_view name) const { return RunDir(name) / "pid"; }
  std::filesystem::path IdFile(std::string_view name) const { return RunDir(name) / "id"; }
  std::filesystem::path LogFile(std::string_view name) const { return RunDir(name) / "qemu.log"; }
  // The qemu-storage-daemon serving a shut-off domain's disks for a backup job.
  std::filesystem::path StorageDaemonQmpSocket(std::string_view name) const {
    return RunDir(name) / "qsd-qmp.sock";
  }
  std::filesystem::path StorageDaemonPidFile(std::string_view name) const {
    return RunDir(name) / "qsd.pid";
  }

  // Ledgers of the files given to the user QEMU runs as (file_ownership.hpp): for the
  // domain's life, and for its backup job's.
  std::filesystem::path OwnersFile(std::string_view name) const { return RunDir(name) / "owners"; }
  std::filesystem::path BackupOwnersFile(std::string_view name) const {
    return RunDir(name) / "backup-owners";
  }

  // Creates the root (mode 0700, made so if it exists) and its top-level directories (0700),
  // idempotent.
  Status Prepare() const;

 private:
  std::filesystem::path root_;
};

// The longest domain name the layout can keep: ROOT/domains/NAME.xml is written through a
// temp file ".NAME.xml.tmp-XXXXXX" (util/atomic_file), which must fit the 255-byte file name
// limit of Linux file systems.
inline constexpr std::size_t kMaxDomainNameBytes = 255 - (1 + 4 + 5 + 6);

// A domain name usable as a file name: non-empty, at most kMaxDomainNameBytes bytes, no
// '/', no leading '.', no control character. VIR_ERR_INVALID_ARG otherwise.
Status ValidateDomainName(std::string_view name);

}  // namespace cairn::drivers::qemu
