// BackupJob: following a backup job in QEMU, ending it, and undoing a start.
#include "drivers/qemu/backup_job.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "drivers/qemu/backup_sparse.hpp"
#include "drivers/qemu/checkpoint_creation.hpp"
#include "drivers/qemu/file_ownership.hpp"
#include "drivers/qemu/qemu_command.hpp"
#include "drivers/qemu/storage_daemon.hpp"
#include "drivers/qemu/store_formatting.hpp"
#include "util/time.hpp"

namespace cairn::drivers::qemu {
namespace {

using conf::BackupDiskState;
using std::chrono::milliseconds;

constexpr ErrorDomain kErr = ErrorDomain::kQemu;
// How long a look waits for QEMU to conclude a job it had to cancel.
constexpr milliseconds kCancelWait{30'000};

// When the QEMU job of disk `d`, just seen concluded, ended (BackupDiskJob::ended_ms): the
// target's last write, but never before QEMU started copying — a job with nothing to copy
// (an incremental with nothing dirty, into a reused file) writes nothing and ends at once.
std::int64_t EndOfJob(const BackupRecord& r, const conf::BackupDiskDef& d) {
  const std::int64_t now = util::NowUnixMillis();
  if (!r.push() || d.type != conf::BackupStoreType::kFile || d.store_path.empty()) return now;
  struct stat st;
  if (::stat(d.store_path.c_str(), &st) != 0) return now;
  const std::int64_t written =
      std::int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  const std::int64_t copying = std::max(r.started_ms, r.copy_started_ms);
  return std::clamp(written, std::min(copying, now), now);
}

bool Ongoing(BackupDiskState s) {
  return s == BackupDiskState::kRunning || s == BackupDiskState::kCancelling;
}

}  // namespace

std::filesystem::path NbdSocketPath(const StateLayout& layout, std::string_view domain) {
  return layout.RunDir(domain) / "backup-nbd.sock";
}

std::string SymlinkId(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return {};
  return fmt::format("{}:{}", st.st_dev, st.st_ino);
}

Error NoBackupJob() {
  return Error(ErrorCode::kNoDomainBackup, ErrorDomain::kQemu, "no domain backup job present");
}

Error NoActiveJob() {
  return Error(ErrorCode::kOperationInvalid, ErrorDomain::kQemu, "no job is active on the domain");
}

Status UpdateBackupJobBeforeStop(DomainSession& session) {
  Result<BackupJob> job = BackupJob::Open(session);
  if (!job) return std::unexpected(job.error());
  return job->Refresh();
}

Result<BackupJob> BackupJob::Open(DomainSession& session) {
  BackupJob t(session);
  Result<std::optional<BackupRecord>> r = LoadBackupRecord(session.layout(), session.name());
  if (!r) return std::unexpected(r.error());
  t.record_ = std::move(*r);
  t.storage_daemon_ = t.record_ ? t.record_->storage_daemon : false;
  return t;
}

bool BackupJob::runner_alive() const {
  if (!record_) return false;
  if (storage_daemon_) {
    std::optional<pid_t> daemon = FindStorageDaemon(layout(), domain().def.name());
    return daemon && *daemon == record_->qemu_pid;
  }
  return domain().qemu && domain().qemu->pid == record_->qemu_pid;
}

Status BackupJob::Save() { return SaveBackupRecord(layout(), domain().def.name(), *record_); }

Status BackupJob::QueryJobs() {
  Result<qmp::QmpClient*> q = Qmp();
  if (!q) return std::unexpected(q.error());
  Result<std::vector<qmp::JobInfo>> jobs = qmp::QueryJobs(**q);
  if (!jobs) return std::unexpected(jobs.error());
  jobs_ = std::move(*jobs);
  queried_ = true;
  return {};
}

const qmp::JobInfo* BackupJob::FindQemuJob(std::string_view id) const {
  for (const qmp::JobInfo& j : jobs_) {
    if (j.id == id) return &j;
  }
  return nullptr;
}

Result<bool> BackupJob::CancelQemuJob(std::string_view id, bool force) {
  Result<qmp::QmpClient*> q = Qmp();
  if (!q) return std::unexpected(q.error());
  Status cancelled = qmp::BlockJobCancel(**q, id, force);
  if (cancelled) return true;
  if (Status ok = QueryJobs(); !ok) return std::unexpected(cancelled.error());
  const qmp::JobInfo* job = FindQemuJob(id);
  if (job != nullptr && job->status == "concluded") return false;
  return std::unexpected(cancelled.error());
}

Status BackupJob::StopStorageDaemonOfJob() {
  if (!storage_daemon_ || !record_) return {};
  session_->CloseMonitor();  // the daemon's monitor serves one client: the stop asks it to quit
  return StopStorageDaemon(layout(), domain().def.name(), record_->qemu_pid);
}

Status BackupJob::Refresh() {
  if (!record_) {
    // A daemon without a job: its begin died before writing the record.
    if (domain().storage_daemon) {
      session_->CloseMonitor();  // its monitor serves one client: the stop asks it to quit
      return StopStorageDaemon(layout(), domain().def.name(), *domain().storage_daemon);
    }
    return {};
  }
  BackupRecord& r = *record_;
  if (!runner_alive()) {
    for (conf::BackupDiskDef& d : r.def.disks) {
      if (!Ongoing(d.state)) continue;
      d.state = d.state == BackupDiskState::kCancelling ? BackupDiskState::kCancelled
                                                        : BackupDiskState::kFailed;
      if (BackupDiskJob* job = r.FindJob(d.name); job && job->error.empty()) {
        job->error =
            storage_daemon_
                ? fmt::format("the storage daemon serving shut-off domain '{}' stopped before "
                              "the backup ended",
                              domain().def.name())
                : fmt::format("domain '{}' stopped before the backup ended (guest shutdown "
                              "or destroy)",
                              domain().def.name());
      }
    }
    if (r.phase == BackupPhase::kStarting) return RollBackStart();
    return End();
  }
  if (r.phase == BackupPhase::kStarting) return RollBackStart();
  if (Status ok = QueryJobs(); !ok) return ok;
  return Advance();
}

Status BackupJob::Advance() {
  BackupRecord& r = *record_;
  bool changed = false;
  std::vector<BackupDiskJob*> ended_push;
  for (conf::BackupDiskDef& d : r.def.disks) {
    if (!Ongoing(d.state)) continue;
    BackupDiskJob* job = r.FindJob(d.name);
    const qmp::JobInfo* q = job ? FindQemuJob(job->job_id) : nullptr;
    if (q != nullptr && q->status != "concluded") continue;
    changed = true;
    if (q == nullptr) {
      d.state = BackupDiskState::kFailed;
      if (job) job->error = fmt::format("QEMU no longer has backup job '{}'", job->job_id);
      continue;
    }
    job->processed = static_cast<std::uint64_t>(q->current_progress);
    job->total = static_cast<std::uint64_t>(q->total_progress);
    job->ended_ms = EndOfJob(r, d);
    if (!q->error) {
      d.state = BackupDiskState::kComplete;
      // Best effort: a target that stays allocated is still the backup, byte for byte.
      if (r.push() && job->created && d.format == "raw") (void)PunchZeroRuns(d.store_path);
    } else if (d.state == BackupDiskState::kCancelling || *q->error == qmp::kJobCancelledError) {
      d.state = BackupDiskState::kCancelled;
    } else {
      d.state = BackupDiskState::kFailed;
      job->error = *q->error;
    }
    if (r.push()) ended_push.push_back(job);
  }
  // One disk failed or was cancelled: the backup as a whole cannot succeed any more.
  bool broken = false, ongoing = false;
  for (const conf::BackupDiskDef& d : r.def.disks) {
    broken |= d.state == BackupDiskState::kFailed || d.state == BackupDiskState::kCancelled;
    ongoing |= Ongoing(d.state);
  }
  if (broken && ongoing) {
    for (conf::BackupDiskDef& d : r.def.disks) {
      if (d.state != BackupDiskState::kRunning) continue;
      Result<bool> sent = CancelQemuJob(r.FindJob(d.name)->job_id);
      if (!sent) return std::unexpected(sent.error());
      if (*sent) d.state = BackupDiskState::kCancelling;
      changed = true;
    }
  }
  if (!ongoing) return End();
  if (changed) {
    if (Status ok = Save(); !ok) return ok;
  }
  // A finished push disk lets go of its target now, while the others still copy.
  return DetachDisks(ended_push);
}

JobStats BackupJob::LiveStats() const {
  JobStats s;
  if (!record_) return s;
  const BackupRecord& r = *record_;
  s.type = JobType::kUnbounded;
  s.operation = JobOperation::kBackup;
  s.sequence = r.sequence;
  s.started_ms = r.started_ms;
  s.time_elapsed_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(0, util::NowUnixMillis() - r.started_ms));
  std::uint64_t done = 0, total = 0;
  for (const BackupDiskJob& job : r.disks) {
    const qmp::JobInfo* q = FindQemuJob(job.job_id);
    const bool live = q != nullptr && q->status != "concluded";
    done += live ? static_cast<std::uint64_t>(q->current_progress) : job.processed;
    total += live ? static_cast<std::uint64_t>(q->total_progress) : job.total;
  }
  if (done > 0 || total > 0) {
    (r.push() ? s.disk_processed : s.disk_temp_used) = done;
    (r.push() ? s.disk_total : s.disk_temp_total) = total;
  }
  return s;
}

Status BackupJob::Cancel() {
  if (!record_) return std::unexpected(NoActiveJob());
  // A job over before this call (its runner gone, its begin never finished, or no disk
  // left running) ends in the look.
  auto over_already = [&]() -> Status {
    queried_ = false;
    if (Status ok = Refresh(); !ok) return ok;
    if (!record_) return std::unexpected(NoActiveJob());
    return {};
  };
  if (!runner_alive() || record_->phase == BackupPhase::kStarting) return over_already();
  BackupRecord& r = *record_;
  Result<qmp::QmpClient*> q = Qmp();
  if (!q) return std::unexpected(q.error());
  // One round trip: the export goes first (once its job is cancelled a pull export would
  // serve the live disk, not the point in time), then every running disk's job is cancelled.
  // A cancel QEMU refuses is of a job that concluded on its own: the next look ends it.
  std::vector<qmp::QmpClient::Command> commands;
  if (r.nbd_server) commands.push_back(qmp::NbdServerStopCommand());
  for (const conf::BackupDiskDef& d : r.def.disks) {
    if (d.state == BackupDiskState::kRunning) {
      commands.push_back(qmp::BlockJobCancelCommand(r.FindJob(d.name)->job_id));
    }
  }
  const std::size_t first_cancel = r.nbd_server ? 1 : 0;
  if (commands.size() == first_cancel) return over_already();
  Result<std::vector<Result<nlohmann::json>>> replies = (*q)->ExecuteAll(commands);
  if (!replies) return std::unexpected(replies.error());
  nbd_server_stopped_ = r.nbd_server;
  const bool any_cancelled = std::any_of(replies->begin() + first_cancel, replies->end(),
                                         [](const auto& reply) { return reply.has_value(); });
  return any_cancelled ? Status{} : over_already();
}

Status BackupJob::DetachDisks(const std::vector<BackupDiskJob*>& disks,
                              TempBitmaps temp_bitmaps) {
  if (disks.empty()) return {};
  Result<qmp::QmpClient*> q = Qmp();
  if (!q) return std::unexpected(q.error());
  qmp::QmpClient& qmp = **q;
  // This look's query is good enough: a job it saw concluded stays so until dismissed (here,
  // under the lock), and one it saw running is cancelled below whatever it did since.
  if (!queried_) {
    if (Status ok = QueryJobs(); !ok) return ok;
  }
  // Jobs still running are cancelled (forced) and awaited one by one: rare (a push disk's
  // target let go while the job runs on). Everything after goes in one round trip, in the
  // order QEMU needs: jobs dismissed, temporary bitmaps removed, nodes deleted.
  std::vector<qmp::QmpClient::Command> commands;
  for (BackupDiskJob* d : disks) {
    const qmp::JobInfo* job = FindQemuJob(d->job_id);
    if (job == nullptr) continue;
    if (job->status != "concluded") {
      Result<bool> sent = CancelQemuJob(d->job_id, true);
      if (!sent) return std::unexpected(sent.error());
      Result<qmp::JobInfo> done = qmp::WaitForJobConcluded(qmp, d->job_id, kCancelWait);
      if (!done) return std::unexpected(done.error());
    }
    commands.push_back(qmp::JobDismissCommand(d->job_id));
  }
  // QEMU's list of nodes (it names every bitmap of every node: it grows with the
  // checkpoints) is asked for only when needed: for a temporary bitmap on a node that stays
  // (push: the domain's disk), and when a node will not go.
  std::optional<std::vector<qmp::BlockNodeInfo>> nodes;
  auto query_nodes = [&]() -> Status {
    Result<std::vector<qmp::BlockNodeInfo>> n = qmp::QueryNamedBlockNodes(qmp);
    if (!n) return std::unexpected(n.error());
    nodes = std::move(*n);
    return {};
  };
  // A temporary bitmap on the job's own node (pull: the scratch) goes with the node.
  std::vector<qmp::TransactionAction> removals;
  for (BackupDiskJob* d : disks) {
    if (temp_bitmaps == TempBitmaps::kKeep) break;
    if (d->temp_bitmap.empty() || d->temp_bitmap_node == d->node) continue;
    if (!nodes) {
      if (Status ok = query_nodes(); !ok) return ok;
    }
    const qmp::BlockNodeInfo* node = qmp::FindNode(*nodes, d->temp_bitmap_node);
    const qmp::DirtyBitmapInfo* b = node ? node->FindBitmap(d->temp_bitmap) : nullptr;
    if (b != nullptr && !b->persistent) {
      removals.push_back(qmp::BlockDirtyBitmapRemove{d->temp_bitmap_node, d->temp_bitmap});
    }
  }
  if (!removals.empty()) commands.push_back(qmp::TransactionCommand(removals));
  const std::size_t first_deletion = commands.size();
  for (BackupDiskJob* d : disks) commands.push_back(qmp::BlockdevDelCommand(d->node));
  Result<std::vector<Result<nlohmann::json>>> replies = qmp.ExecuteAll(commands);
  if (!replies) return std::unexpected(replies.error());
  for (std::size_t i = 0; i < first_deletion; ++i) {
    if (!(*replies)[i]) return std::unexpected((*replies)[i].error());
  }
  for (std::size_t i = 0; i < disks.size(); ++i) {
    if ((*replies)[first_deletion + i]) continue;
    BackupDiskJob* d = disks[i];
    if (Status ok = query_nodes(); !ok) return ok;
    if (qmp::FindNode(*nodes, d->node) == nullptr) continue;  // gone already (an earlier look)
    // An NBD export lets go of its node once its clients are gone: give it a moment.
    Status del = std::unexpected((*replies)[first_deletion + i].error());
    for (int attempt = 0; !del && attempt < 50; ++attempt) {
      std::this_thread::sleep_for(milliseconds(40));
      del = qmp::BlockdevDel(qmp, d->node);
    }
    if (!del) return del;
  }
  return {};
}

Status BackupJob::StopNbdServer() {
  if (!record_->nbd_server) return {};
  if (runner_alive()) {
    Result<qmp::QmpClient*> q = Qmp();
    if (!q) return std::unexpected(q.error());
    // "NBD server not running" is as good as stopped.
    if (!nbd_server_stopped_) (void)qmp::NbdServerStop(**q);
    const conf::BackupDef& def = record_->def;
    if (def.server && def.server->tls.value_or(false)) {
      (void)(*q)->Execute("object-del", {{"id", kBackupTlsObjectId}});
    }
  }
  // The user's path goes only while it is still the link Cairn made (NbdSocketPath).
  const conf::BackupDef& def = record_->def;
  if (def.server && def.server->transport == "unix") {
    std::error_code ec;
    if (!record_->nbd_socket_id.empty() &&
        SymlinkId(def.server->socket) == record_->nbd_socket_id) {
      std::filesystem::remove(def.server->socket, ec);
    }
    std::filesystem::remove(NbdSocketPath(layout(), domain().def.name()), ec);
  }
  return {};
}

void BackupJob::RemoveCreatedFiles(bool keep_push_targets) {
  // The stores go back to their owners (given to the user QEMU runs as: backup_begin.cpp).
  OwnershipLedger(layout().BackupOwnersFile(domain().def.name())).RestoreAll();
  for (const BackupDiskJob& job : record_->disks) {
    const conf::BackupDiskDef* d = record_->FindDisk(job.target);
    if (!job.created || d == nullptr || d->store_path.empty()) continue;
    if (keep_push_targets && record_->push()) continue;
    std::error_code ec;
    std::filesystem::remove(d->store_path, ec);
  }
}

Result<JobType> BackupJob::RecordOutcome() {
  const BackupRecord& r = *record_;
  // An unreadable history must not keep the job from ending: it only loses the statistics
  // of earlier jobs, which a new history replaces.
  Result<CompletedBackups> history = LoadCompletedBackups(layout(), domain().def.name());
  if (!history) history = CompletedBackups{};
  for (const JobStats& earlier : history->jobs) {
    // Recorded by a look that left the tidy-up: that outcome stands (the event reported it),
    // even if QEMU has gone since and the disks now read as failed.
    if (earlier.sequence == r.sequence) {
      completed_ = std::move(*history);
      return earlier.type;
    }
  }
  bool failed = false, cancelled = false;
  for (const conf::BackupDiskDef& d : r.def.disks) {
    failed |= d.state == BackupDiskState::kFailed;
    cancelled |= d.state == BackupDiskState::kCancelled;
  }
  const JobType type = failed                  ? JobType::kFailed
                       : cancelled && r.push() ? JobType::kCancelled
                                               : JobType::kCompleted;
  JobStats& done = history->jobs.emplace_back(LiveStats());
  history->last_consumed = false;
  // Every disk's job seen ended: the backup ended with the last of them, not now.
  std::int64_t ended = 0;
  for (const BackupDiskJob& job : r.disks) {
    ended = job.ended_ms == 0 || ended < 0 ? -1 : std::max(ended, job.ended_ms);
  }
  if (ended > 0) {
    done.time_elapsed_ms =
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, ended - r.started_ms));
  }
  done.type = type;
  done.success = type == JobType::kCompleted;
  for (const BackupDiskJob& job : r.disks) {
    if (!job.error.empty()) {
      done.errmsg = job.error;
      break;
    }
  }
  // Not durable (SaveCompletedBackups): a crash of the process loses nothing; a power loss
  // may lose the entry, and a record it brings back makes the next look end the job again
  // (as failed, its QEMU gone with the power).
  if (Status ok = SaveCompletedBackups(layout(), domain().def.name(), *history); !ok) {
    return std::unexpected(ok.error());
  }
  completed_ = std::move(*history);
  return type;
}

Status BackupJob::End() {
  BackupRecord& r = *record_;
  Result<JobType> type = RecordOutcome();
  if (!type) return std::unexpected(type.error());
  if (tidy_up_later_ && !storage_daemon_) {
    // A push's targets are the backup itself: QEMU closes them (flushing its caches, lifting
    // its locks) before the job is reported. The temporary bitmaps wait (removing them
    // asks QEMU for every node's bitmaps, an answer that grows with the checkpoints).
    if (r.push() && runner_alive()) {
      std::vector<BackupDiskJob*> all;
      for (BackupDiskJob& d : r.disks) all.push_back(&d);
      if (Status ok = DetachDisks(all, TempBitmaps::kKeep); !ok) return ok;
    }
    tidy_up_pending_ = true;
    record_.reset();  // over, as far as this look is concerned
    return {};
  }
  if (Status ok = StopNbdServer(); !ok) return ok;
  if (runner_alive()) {
    std::vector<BackupDiskJob*> all;
    for (BackupDiskJob& d : r.disks) all.push_back(&d);
    if (Status ok = DetachDisks(all); !ok) return ok;
  }
  if (Status ok = StopStorageDaemonOfJob(); !ok) return ok;
  RemoveCreatedFiles(*type == JobType::kCompleted);
  if (Status ok = RemoveBackupRecord(layout(), domain().def.name()); !ok) return ok;
  LiftShutdownHold(r.flags);
  record_.reset();
  return {};
}

void BackupJob::LiftShutdownHold(unsigned flags) {
  if (!(flags & kBackupPreserveShutdownDomain) || storage_daemon_ || !runner_alive()) return;
  Result<qmp::QmpClient*> q = Qmp();
  if (!q) return;
  (void)(*q)->Execute("set-action", {{"shutdown", "poweroff"}});
  Result<qmp::VmStatus> status = qmp::QueryStatus(**q);
  if (status && status->status == "shutdown") (void)qmp::Quit(**q);
}

Status BackupJob::RollBackStart() {
  BackupRecord& r = *record_;
  if (Status ok = StopNbdServer(); !ok) return ok;
  if (runner_alive()) {
    // A begin killed while QEMU formatted its stores left a job and a node holding them.
    std::vector<std::string> targets;
    for (const conf::BackupDiskDef& d : r.def.disks) targets.push_back(d.name);
    Result<qmp::QmpClient*> q = Qmp();
    if (!q) return std::unexpected(q.error());
    if (Status ok = ClearFormatting(**q, targets); !ok) return ok;
    std::vector<BackupDiskJob*> all;
    for (BackupDiskJob& d : r.disks) all.push_back(&d);
    if (Status ok = DetachDisks(all); !ok) return ok;
    // The checkpoint made with the job goes while its creation journal is there: without
    // it, the checkpoint code already replayed the creation forward and the checkpoint
    // stands. With the runner gone its bitmaps may be in the images: that replay decides.
    if (!r.checkpoint.empty()) {
      if (Status ok = CheckpointCreation::Undo(*session_, r.checkpoint); !ok) return ok;
    }
  }
  if (Status ok = StopStorageDaemonOfJob(); !ok) return ok;
  RemoveCreatedFiles(false);
  if (Status ok = RemoveBackupRecord(layout(), domain().def.name()); !ok) return ok;
  LiftShutdownHold(r.flags);
  record_.reset();
  return {};
}

}  // namespace cairn::drivers::qemu
