// BackupJob: a domain's backup job as one call sees it — its record (backup_record.hpp)
// brought up to date with what QEMU says. Every backup entry point works through it, so a
// job advances whenever anyone looks, from any process. It works inside the call's
// DomainSession (domain_session.hpp), which outlives it: the session's lock is held for the
// job's whole life (a read-only look has none and only reads), and QMP goes through the
// monitor the session lends.
// The job's runner is the domain's QEMU, or for a shut-off domain the storage daemon
// BackupBegin started (storage_daemon.hpp), which speaks the same QMP; the job's end (or
// roll-back) stops that daemon, and a daemon found without a job is stopped at the next look.
//
//   Refresh():
//     no record ------------------------------------------------------------> nothing
//     QEMU gone (pid differs) ----> running disks failed -------------------> End
//     starting (its begin died) --> RollBackStart --------------------------> nothing
//     running: each QEMU job concluded -> disk complete / failed / cancelled
//              (push: its target is detached at once)
//              one failed or cancelled while others run -> cancel the others
//              none running or cancelling ---------------------------------> End
//   End: the outcome first — the job appended to the completed jobs (once: a job already
//              there, by its sequence number, keeps the outcome recorded then) — then the
//              tidy-up: NBD server stopped, images detached, temporary bitmaps removed, files
//              removed (scratch always, push targets unless complete; never files Cairn did
//              not create), job record removed; with PRESERVE_SHUTDOWN_DOMAIN, a guest shutdown
//              held back meanwhile completes. With TidyUpLater() (a QEMU-run job) the look
//              stops after the outcome and, for a push, after QEMU let go of the targets
//              (closed: flushed and unlocked, the backup the user may read at once), so that
//              the job-completed event goes out before the rest of the tidy-up; the record
//              stays, and the next look (any call's) does the rest.
//   RollBackStart: undoes a begin that did not finish — jobs cancelled, the checkpoint made
//              with it removed (bitmaps and metadata, while its journal is there), nodes,
//              NBD server and files gone, record removed. Idempotent; a step that fails
//              leaves the record for the next look.
#pragma once

#include <optional>
#include <vector>

#include "cairn/job_stats.hpp"
#include "cairn/backup_job_info.hpp"
#include "drivers/qemu/backup_record.hpp"
#include "drivers/qemu/domain_session.hpp"
#include "qmp/qmp_client.hpp"
#include "qmp/qmp_commands.hpp"

namespace cairn::drivers::qemu {

class BackupJob {
 public:
  // Loads the domain's job record (if any).
  static Result<BackupJob> Open(DomainSession& session);

  BackupJob(BackupJob&&) noexcept = default;
  BackupJob& operator=(BackupJob&&) noexcept = default;

  // True while a job record exists (after Refresh(): a job that still runs).
  bool active() const { return record_.has_value(); }
  BackupRecord& record() { return *record_; }
  // Whether the process that runs the job (QEMU, or the storage daemon) is still the one
  // that began it.
  bool runner_alive() const;
  // For BackupBegin on a shut-off domain: the job runs in the domain's storage daemon `pid`,
  // already started, and the session's monitor is now its.
  void UseStorageDaemon(pid_t pid) {
    storage_daemon_ = true;
    session_->UseStorageDaemon(pid);
  }

  // A look that finds the job ended records its outcome and leaves the tidy-up (see End)
  // to the next look: for the job-event source, which reports the outcome first. A job in
  // a storage daemon is always tidied up at once (the daemon must let go of the images).
  void TidyUpLater() { tidy_up_later_ = true; }
  // After Refresh(): this look recorded the job's outcome and left its tidy-up.
  bool tidy_up_pending() const { return tidy_up_pending_; }
  // The completed jobs as the last End() left them (nullopt: it did not run).
  const std::optional<CompletedBackups>& completed() const { return completed_; }

  Status Refresh();
  // The running job's statistics (after Refresh()).
  JobStats LiveStats() const;
  // The running job as values, each disk with its progress (after Refresh(); defined in
  // backup_job_description.cpp).
  BackupJobInfo LiveInfo() const;
  // Stops the NBD server and cancels the running disks' QEMU jobs, in one round trip. The
  // job ends once QEMU concluded them, at the next look; libvirt's abort does this much.
  // A job over already (its runner gone, its begin never finished) ends here.
  Status Cancel();
  Status RollBackStart();

  // For BackupBegin: take `record` as this domain's job (not yet saved), and write it.
  void SetRecord(BackupRecord record) { record_ = std::move(record); }
  Status Save();

  // The session's monitor, connected on first use.
  Result<qmp::QmpClient*> Qmp() { return session_->Monitor(); }

 private:
  explicit BackupJob(DomainSession& session) : session_(&session) {}
  const StateLayout& layout() const { return session_->layout(); }
  const DomainRecord& domain() const { return session_->domain(); }

  Status QueryJobs();
  // Refresh() once QEMU's jobs are known (jobs_): records how the disks' jobs ended, and
  // ends the job when none runs.
  Status Advance();
  const qmp::JobInfo* FindQemuJob(std::string_view id) const;
  // block-job-cancel of QEMU job `id`: true once sent, false if the job concluded on its own
  // since the last look (QEMU then refuses the cancel; the next look records how it ended).
  // Refreshes the list of QEMU's jobs when the cancel is refused.
  Result<bool> CancelQemuJob(std::string_view id, bool force = false);
  // Cancels (forced) and dismisses the disks' QEMU jobs, removes their temporary bitmaps
  // (unless kKeep) and detaches their images. Idempotent: only what QEMU still has is touched.
  enum class TempBitmaps { kRemove, kKeep };
  Status DetachDisks(const std::vector<BackupDiskJob*>& disks,
                     TempBitmaps temp_bitmaps = TempBitmaps::kRemove);
  Status StopNbdServer();
  // PRESERVE_SHUTDOWN_DOMAIN: guest shutdowns power the VM off again, and one that paused
  // it while the job ran completes now (QEMU quits). Best effort.
  void LiftShutdownHold(unsigned flags);
  void RemoveCreatedFiles(bool keep_push_targets);
  // The job is over: its storage daemon (if any) quits, writing new persistent bitmaps.
  Status StopStorageDaemonOfJob();
  // Appends the job's outcome to the completed jobs unless they have it already; returns
  // how the job ended (as first recorded).
  Result<JobType> RecordOutcome();
  Status End();

  DomainSession* session_;
  std::optional<BackupRecord> record_;
  bool storage_daemon_ = false;  // the runner is the storage daemon, not QEMU
  std::vector<qmp::JobInfo> jobs_;  // QEMU's jobs at the last Refresh()
  bool queried_ = false;            // jobs_ is from this look (not stale from a cancel)
  bool tidy_up_later_ = false;
  bool nbd_server_stopped_ = false;  // this call stopped it (Cancel): End need not ask again
  bool tidy_up_pending_ = false;
  std::optional<CompletedBackups> completed_;
};

// For whoever is about to stop the domain's QEMU (destroy, shutdown), holding the domain's
// lock: records what QEMU already finished, so that a push backup that completed with nobody
// looking counts as completed and keeps its targets instead of failing with the domain.
Status UpdateBackupJobBeforeStop(DomainSession& session);

// A pull backup's unix socket: QEMU binds it in the domain's run directory, and the path
// the user gave becomes a symbolic link to it, made only where nothing is. QEMU unlinks
// whatever is at its socket's path when it binds and again when the server stops, so it must
// never see the user's path: Cairn removes only the link it made (BackupRecord::nbd_socket_id).
std::filesystem::path NbdSocketPath(const StateLayout& layout, std::string_view domain);
// "device:inode" of the symbolic link at `path` (not followed), "" if there is none.
std::string SymlinkId(const std::string& path);
// The tls-creds-x509 object a <server tls='yes'/> NBD server requires of its clients; it
// goes with the server.
inline constexpr std::string_view kBackupTlsObjectId = "cairn_backup_tls";

// The errors of the entry points: no job where one is needed.
Error NoBackupJob();  // VIR_ERR_NO_DOMAIN_BACKUP "no domain backup job present"
Error NoActiveJob();  // VIR_ERR_OPERATION_INVALID "no job is active on the domain"

}  // namespace cairn::drivers::qemu
