// The qemu driver's backup entry points. Each takes the domain's lock, brings the job record
// up to date with QEMU (BackupJob::Refresh), then does its part. A shut-off domain's
// backup runs in a storage daemon started for it; libvirt refuses one ("cannot perform disk
// backup for inactive domain"), so there its job queries answer "no job" rather than
// libvirt's "domain is not running".
#include <fmt/format.h>

#include "conf/backup_def.hpp"
#include "conf/checkpoint_def.hpp"
#include "drivers/qemu/abort_finisher.hpp"
#include "drivers/qemu/backup_begin.hpp"
#include "drivers/qemu/backup_job.hpp"
#include "drivers/qemu/domain_session.hpp"
#include "drivers/qemu/job_event_fanout.hpp"
#include "drivers/qemu/job_event_source.hpp"
#include "drivers/qemu/qemu_driver.hpp"
#include "drivers/qemu/storage_daemon.hpp"

namespace cairn::drivers::qemu {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kQemu;
constexpr unsigned kStatsCompleted = Bits(JobStatsFlags::kCompleted),
                   kStatsKeepCompleted = Bits(JobStatsFlags::kKeepCompleted);

// Takes the domain's lock, brings its job record up to date with QEMU, then answers with
// `part(job)`: the start every reading entry point shares. A read-only connection takes
// no lock and refreshes nothing (a refresh may settle or roll back a job): it answers from
// the record as last written.
template <typename Part>
auto WithRefreshedJob(const StateLayout& layout, const driver::DomainRef& ref, bool read_only,
                      Part part) -> decltype(part(std::declval<BackupJob&>())) {
  Result<DomainSession> s = DomainSession::Open(layout, ref, {.lock = !read_only});
  if (!s) return std::unexpected(s.error());
  Result<BackupJob> job = BackupJob::Open(*s);
  if (!job) return std::unexpected(job.error());
  if (!read_only) {
    if (Status ok = job->Refresh(); !ok) return std::unexpected(ok.error());
  }
  return part(*job);
}

// Stops the storage daemon started for a begin unless the job it serves got running.
class StorageDaemonGuard {
 public:
  StorageDaemonGuard(const StateLayout& layout, std::string name, pid_t pid)
      : layout_(layout), name_(std::move(name)), pid_(pid) {}
  ~StorageDaemonGuard() {
    if (pid_ > 0) (void)StopStorageDaemon(layout_, name_, pid_);
  }
  StorageDaemonGuard(const StorageDaemonGuard&) = delete;
  StorageDaemonGuard& operator=(const StorageDaemonGuard&) = delete;
  void Keep() { pid_ = -1; }

 private:
  const StateLayout& layout_;
  std::string name_;
  pid_t pid_;
};

}  // namespace

Status QemuDriver::BackupBegin(const driver::DomainRef& ref, std::string_view backup_xml,
                               const std::optional<std::string>& checkpoint_xml,
                               unsigned flags) {
  if (unsigned bad = flags & ~(kBackupReuseExternal | kBackupPreserveShutdownDomain); bad != 0) {
    return std::unexpected(driver::UnsupportedFlags(bad, "virDomainBackupBegin"));
  }
  Result<conf::BackupDef> def = conf::ParseBackupXml(backup_xml, 0);
  if (!def) return std::unexpected(def.error());
  std::optional<conf::CheckpointDef> checkpoint;
  if (checkpoint_xml) {
    Result<conf::CheckpointDef> cp = conf::ParseCheckpointXml(*checkpoint_xml, 0);
    if (!cp) return std::unexpected(cp.error());
    checkpoint = std::move(*cp);
  }
  Result<DomainSession> s =
      DomainSession::Open(layout_, ref, {.lock = true, .checkpoints = true});
  if (!s) return std::unexpected(s.error());
  Result<BackupJob> job = BackupJob::Open(*s);
  if (!job) return std::unexpected(job.error());
  if (Status ok = job->Refresh(); !ok) return ok;
  if (job->active()) {
    return Fail(ErrorCode::kOperationInvalid, kErr, "another backup job is already running");
  }
  // A shut-off domain's disks are served for the job's life by a storage daemon, which the
  // job's end stops; a begin that fails stops it at once.
  std::optional<StorageDaemonGuard> daemon;
  pid_t runner = s->domain().active() ? s->domain().qemu->pid : -1;
  if (!s->domain().active()) {
    Result<pid_t> pid = StartStorageDaemon(s->domain().def, layout_);
    if (!pid) return std::unexpected(pid.error());
    daemon.emplace(layout_, ref.name, *pid);
    job->UseStorageDaemon(*pid);
    runner = *pid;
  }
  BackupStart start(layout_, *s, *job, runner, flags, options_);
  if (Status ok = start.Run(std::move(*def), std::move(checkpoint)); !ok) return ok;
  if (daemon) daemon->Keep();
  return {};
}

Result<std::string> QemuDriver::BackupGetXmlDesc(const driver::DomainRef& ref, unsigned) {
  return WithRefreshedJob(layout_, ref, read_only_,
                          [](BackupJob& job) -> Result<std::string> {
                            if (!job.active()) return std::unexpected(NoBackupJob());
                            return conf::FormatBackupXml(job.record().def, 0);
                          });
}

Result<JobStats> QemuDriver::GetJobStats(const driver::DomainRef& ref, unsigned flags) {
  return WithRefreshedJob(layout_, ref, read_only_,
                          [&](BackupJob& job) -> Result<JobStats> {
                            // A shut-off domain may run a job too (in its storage daemon):
                            // without one it has none, as a running domain without one.
                            if (!(flags & kStatsCompleted)) return job.LiveStats();
                            // libvirt: the completed job only while no job runs — a poller must
                            // never take the previous job's end for the one it started.
                            if (job.active()) return JobStats{};

                            Result<CompletedBackups> completed =
                                LoadCompletedBackups(layout_, ref.name);
                            if (!completed) return std::unexpected(completed.error());
                            if (completed->jobs.empty() || completed->last_consumed)
                              return JobStats{};
                            // A read-only look never writes: it keeps the completed job.
                            if (!(flags & kStatsKeepCompleted) && !read_only_) {
                              completed->last_consumed = true;
                              if (Status ok = SaveCompletedBackups(layout_, ref.name, *completed);
                                  !ok) {
                                return std::unexpected(ok.error());
                              }
                            }
                            return completed->jobs.back();
                          });
}

Result<QemuDriver::CompletedJobsLook> QemuDriver::CompletedJobs(const driver::DomainRef& ref,
                                                               bool tidy_up_later) {
  Result<DomainSession> s = DomainSession::Open(layout_, ref, {.lock = !read_only_});
  if (!s) return std::unexpected(s.error());
  Result<BackupJob> job = BackupJob::Open(*s);
  if (!job) return std::unexpected(job.error());
  if (!read_only_) {
    if (tidy_up_later) job->TidyUpLater();
    if (Status ok = job->Refresh(); !ok) return std::unexpected(ok.error());
  }
  CompletedJobsLook look{.jobs = {}, .tidy_up_pending = job->tidy_up_pending()};
  if (job->completed()) {  // the look ended the job: it has the history already
    look.jobs = job->completed()->jobs;
    return look;
  }
  Result<CompletedBackups> completed = LoadCompletedBackups(layout_, ref.name);
  if (!completed) return std::unexpected(completed.error());
  look.jobs = std::move(completed->jobs);
  return look;
}

Result<bool> QemuDriver::LookAtBackupJob(const driver::DomainRef& ref) {
  return WithRefreshedJob(layout_, ref, read_only_,
                          [](BackupJob& job) -> Result<bool> { return job.active(); });
}

Result<std::unique_ptr<driver::JobEventSubscription>> QemuDriver::SubscribeJobEvents(
    const std::optional<driver::DomainRef>& dom, driver::JobEventCallback callback) {
  {
    std::lock_guard lock(served_mutex_);
    if (served_.job_events) return served_.job_events->Subscribe(dom, std::move(callback));
  }
  // The source looks from its own thread, with a driver of its own.
  Result<std::unique_ptr<JobEventSource>> source = JobEventSource::Start(
      std::make_unique<QemuDriver>(uri_, layout_, read_only_), dom, std::move(callback));
  if (!source) return std::unexpected(source.error());
  return std::unique_ptr<driver::JobEventSubscription>(std::move(*source));
}

Result<BackupJobInfo> QemuDriver::GetBackupJobInfo(const driver::DomainRef& ref) {
  return WithRefreshedJob(layout_, ref, read_only_, [](BackupJob& job) -> Result<BackupJobInfo> {
    if (!job.active()) return std::unexpected(NoBackupJob());
    return job.LiveInfo();
  });
}

Status QemuDriver::AbortJob(const driver::DomainRef& ref) {
  Result<DomainSession> s = DomainSession::Open(layout_, ref, {.lock = true});
  if (!s) return std::unexpected(s.error());
  Result<BackupJob> job = BackupJob::Open(*s);
  if (!job) return std::unexpected(job.error());
  // As libvirt, the abort is answered once QEMU's jobs are cancelled; the job ends behind
  // the answer (a job whose QEMU is gone is settled, its end recorded, within Cancel).
  if (Status ok = job->Cancel(); !ok) return ok;
  if (job->active()) Aborts()->Finish(ref);
  return {};
}

}  // namespace cairn::drivers::qemu
