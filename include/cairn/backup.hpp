// cairn/backup.hpp — backup jobs: what a job reports (JobStats, libvirt's job statistics) and
// how to be told when one ends (the job-completed event). The calls that start, inspect and
// end a backup are on Domain (domain.hpp): BackupBegin, BackupGetXmlDesc, GetJobStats,
// AbortJob, with libvirt's names and rules.
//
// The job model. A backup is a domain job that outlives the call that started it, and the
// process that started it: its record lives with the hypervisor's state (qemu driver:
// ROOT/run/NAME/backup.xml), so any process — a later `cairn domjobinfo`, another program —
// sees it, ends it, and reads how it ended. One backup per domain at a time.
//
//   BackupBegin ---> running ---> (push: QEMU copies; pull: QEMU exports over NBD)
//      |  error: nothing          |  all disks copied -----------------> completed
//      |  was left behind         |  a disk failed / the domain stopped -> failed (errmsg)
//      v                          |  AbortJob: push --------------------> cancelled
//   (no job, no new checkpoint,   |  AbortJob: pull --------------------> completed
//    no bitmap, no file)          v
//                              "completed job" record: GetJobStats(kCompleted), the event
//
// Jobs advance when someone looks: every GetJobStats, AbortJob, BackupGetXmlDesc and
// BackupBegin first brings the record up to date with QEMU (finishing a job QEMU ended:
// detaching images, removing scratch files, keeping the final statistics). A registered
// job-completed callback makes the library look every kEventPollInterval in a thread of its
// own, so a push backup also finishes with nobody asking.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cairn/error.hpp"

namespace cairn {

class Connection;
class Domain;

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
  // Cairn's own, not a libvirt key: when the job started, in milliseconds since the Unix
  // epoch (0 when there is no job). Together with the domain it names the job.
  std::int64_t started_ms = 0;

  std::uint64_t disk_remaining() const {
    return disk_total.value_or(0) - disk_processed.value_or(0);
  }
};

// How Domain::WaitForJob waits.
struct JobWaitOptions {
  std::chrono::milliseconds poll_interval{100};  // Default: 100 ms between looks
  // Called after each look while the job runs. Default: none.
  std::function<void(const JobStats&)> on_progress{};
  // Asked after each look; the first true aborts the job (a SIGINT flag, a UI's cancel
  // button). Default: never.
  std::function<bool()> abort_requested{};
};

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

// How often a connection with job-completed callbacks looks at its domains' jobs.
inline constexpr std::chrono::milliseconds kEventPollInterval{200};

// Called once per ended job with the domain and its completed-job statistics (what
// GetJobStats(kCompleted) returns). Runs on a thread of the library's, never concurrently
// with another callback; it may call any Cairn function, including Deregister.
using JobCompletedCallback = std::function<void(const Domain& domain, const JobStats& stats)>;

// virConnectDomainEventRegisterAny(conn, dom, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, ...): calls
// `callback` for every job of `domain` (nullptr: of every domain of `conn`) that ends after
// this call. Returns the callback id (>= 0). Errors: VIR_ERR_INVALID_ARG for an empty
// callback; the driver's when it has no jobs to report (test:///default: VIR_ERR_NO_SUPPORT).
// The registration keeps the connection's state alive until it is deregistered.
Result<int> RegisterJobCompletedCallback(const Connection& conn, const Domain* domain,
                                         JobCompletedCallback callback);

// virConnectDomainEventDeregisterAny. After it returns the callback is not called again
// (unless it is running right now, on the event thread). VIR_ERR_INVALID_ARG for an id this
// connection did not register.
Status DeregisterEventCallback(const Connection& conn, int callback_id);

}  // namespace cairn
