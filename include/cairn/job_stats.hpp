// cairn/job_stats.hpp — what a domain job reports: its type, operation and statistics
// (libvirt's virDomainJobType, virDomainJobOperation and job typed parameters). Plain values
// only, shared by the public API (backup.hpp, domain.hpp) and the drivers; no handles.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cairn {

// virDomainJobType: the state of a job as GetJobStats reports it.
enum class JobType : int {
  kNone = 0,       // no job (or no completed job, with JobStatsFlags::kCompleted)
  kBounded = 1,    // running, with a known end (not used by backups)
  kUnbounded = 2,  // running
  kCompleted = 3,
  kFailed = 4,
  kCancelled = 5,
};

// virDomainJobOperation: what the job does. Backups are kBackup.
enum class JobOperation : int {
  kUnknown = 0,
  kStart = 1,
  kSave = 2,
  kRestore = 3,
  kMigrationIn = 4,
  kMigrationOut = 5,
  kSnapshot = 6,
  kSnapshotRevert = 7,
  kDump = 8,
  kBackup = 9,
};

// libvirt's job statistics for a backup (qemuDomainBackupJobDataToParams). Optional members
// are absent exactly when libvirt leaves the typed parameter out.
struct JobStats {
  JobType type = JobType::kNone;
  JobOperation operation = JobOperation::kUnknown;
  std::uint64_t time_elapsed_ms = 0;  // since the job started (to its end, once it ended)
  // Push mode: bytes to copy and bytes copied so far, over all disks; present once known.
  std::optional<std::uint64_t> disk_total{};
  std::optional<std::uint64_t> disk_processed{};
  // Pull mode: bytes the scratch images hold (guest writes saved for the export), and their
  // size.
  std::optional<std::uint64_t> disk_temp_used{};
  std::optional<std::uint64_t> disk_temp_total{};
  std::optional<bool> success{};        // ended jobs only
  std::optional<std::string> errmsg{};  // failed jobs: the first error, e.g. QEMU's
  // Cairn's own, not libvirt keys. `sequence`: the job's number among its domain's jobs (1,
  // 2, ... in the order they began; 0 when there is no job or the driver does not number
  // them, as over a daemon). Together with the domain it names the job. `started_ms`: when
  // the job started, in milliseconds since the Unix epoch (0 when there is no job).
  std::uint64_t sequence = 0;
  std::int64_t started_ms = 0;

  std::uint64_t disk_remaining() const {
    return disk_total.value_or(0) - disk_processed.value_or(0);
  }
};

// The longest a driver that cannot hear a job's end (a job in a storage daemon, a QEMU
// started without an event monitor) takes to notice it: it looks this often. Jobs it can hear
// are reported within milliseconds of their end.
inline constexpr std::chrono::milliseconds kEventPollInterval{200};

// One libvirt typed parameter, as virDomainGetJobStats returns it.
struct TypedParam {
  std::string field{};  // "operation", "time_elapsed", ...
  std::variant<int, unsigned long long, bool, std::string> value;
};

// The statistics as libvirt's typed parameters, in libvirt's order and with its keys:
// operation (int), time_elapsed (ullong, ms), disk_total/disk_processed/disk_remaining
// (ullong), disk_temp_used/disk_temp_total (ullong), success (boolean), errmsg (string).
// Empty for JobType::kNone.
std::vector<TypedParam> JobStatsParams(const JobStats& stats);

}  // namespace cairn
