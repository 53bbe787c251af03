// cairn/backup_job_info.hpp — a running backup job described as values: the job's
// document (BackupSpec, with what the driver filled in) and, for every disk it copies or
// exports, where the data goes or can be read and how far the copy got. What a backup tool
// needs to drive a job without reading XML. Plain values: copyable, no handles; safe to use
// from any thread. Domain::GetBackupJobInfo returns one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cairn/backup_spec.hpp"

namespace cairn {

// One disk of a running backup job.
struct BackupJobDisk {
  std::string name;  // the domain's disk target ("vda")
  // Push: the file or device being written; pull: the scratch image.
  std::string store_path{};
  std::string export_name{};  // pull: the NBD export; empty for push
  std::string nbd_uri{};      // pull: where to read the export (NbdServerSpec::ExportUri)
  // Progress in bytes as the hypervisor counts it: push, bytes copied of bytes to copy;
  // pull, bytes the scratch image holds of its size. Absent while the driver cannot tell
  // (not yet known, or a description made from the document alone).
  std::optional<std::uint64_t> bytes_done{};
  std::optional<std::uint64_t> bytes_total{};
};

struct BackupJobInfo {
  BackupSpec spec{};                 // the job as BackupGetXmlDesc describes it
  std::vector<BackupJobDisk> disks{};  // the disks taking part, in the document's order
};

// A description from the document alone (no progress): every disk with backup='yes', its
// store, export name (defaulting to the disk's name) and NBD URI. For a connection whose
// driver cannot describe a job (GetBackupJobInfo: VIR_ERR_NO_SUPPORT), from
// BackupSpec::FromXml(BackupGetXmlDesc()).
BackupJobInfo DescribeBackupJob(BackupSpec spec);

}  // namespace cairn
