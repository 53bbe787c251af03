// JobEventSource: a thread per subscription that hears QEMU's job events and reports completed
// jobs.
#include "drivers/qemu/job_event_source.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "drivers/qemu/backup_record.hpp"
#include "drivers/qemu/test_hooks.hpp"
#include "qmp/qmp_client.hpp"

namespace cairn::drivers::qemu {

namespace {

using Clock = std::chrono::steady_clock;

// How long one wait on a job's events monitor lasts before the source checks for a stop or
// another process's files: the end of a job is heard at once, not after a slice.
constexpr std::chrono::milliseconds kListenSlice{5};
constexpr std::chrono::milliseconds kEventsConnectTimeout{100};

// An event after which a look may find a job's end. A job's other status changes (created,
// running, waiting, pending...) are not: a look they prompted would cost as much as the one
// that ends the job, and delay it when the end comes a moment later.
bool IsJobEvent(const qmp::Event& e) {
  if (e.name == "JOB_STATUS_CHANGE") {
    const std::string status = e.data.value("status", "");
    return status == "concluded" || status == "null";
  }
  return e.name.starts_with("BLOCK_JOB_") || e.name == "SHUTDOWN" || e.name == "STOP";
}

// Tells the test hook of a QEMU job that concluded (TestHooks::job_concluded_heard).
void Heard(const qmp::Event& e) {
  const TestHooks& hooks = CurrentTestHooks();
  if (!hooks.job_concluded_heard || e.name != "JOB_STATUS_CHANGE") return;
  if (e.data.value("status", "") != "concluded") return;
  hooks.job_concluded_heard(e.data.value("id", ""), e.seconds * 1'000'000 + e.microseconds);
}

}  // namespace

struct JobEventSource::Watched {
  driver::DomainRef ref;
  std::uint64_t last = 0;  // the last job number reported (or completed before the subscription)
  bool dirty = false;      // look at it before waiting again
  int watch = -1;          // inotify watch of its run directory
  std::optional<qmp::QmpClient> events;  // its events monitor, while a job runs
  // The monitor serves one client: while another source of this or another process holds
  // it, this one looks every round instead (and hears that source's looks by inotify).
  Clock::time_point connect_again;
};

Result<std::unique_ptr<JobEventSource>> JobEventSource::Start(
    std::unique_ptr<QemuDriver> looker, std::optional<driver::DomainRef> domain,
    driver::JobEventCallback callback) {
  std::unique_ptr<JobEventSource> s(new JobEventSource());
  s->looker_ = std::move(looker);
  s->domain_ = std::move(domain);
  s->callback_ = std::move(callback);
  if (Status ok = s->Init(); !ok) return std::unexpected(ok.error());
  s->thread_ = std::thread([p = s.get()] { p->Run(); });
  return s;
}

Status JobEventSource::Init() {
  inotify_ = util::UniqueFd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  wake_ = util::UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!inotify_ || !wake_) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kQemu,
                "cannot watch for job events: inotify or eventfd failed");
  }
  if (domain_) {
    // The driver must know the domain, as every call on it does.
    Result<QemuDriver::CompletedJobsLook> completed = looker_->CompletedJobs(*domain_);
    if (!completed) return std::unexpected(completed.error());
    auto w = std::make_unique<Watched>();
    w->ref = *domain_;
    w->last = completed->jobs.empty() ? 0 : completed->jobs.back().sequence;
    watched_.push_back(std::move(w));
  } else {
    RefreshDomainList(/*baseline=*/true);
  }
  for (auto& w : watched_) Watch(*w);
  return {};
}

JobEventSource::~JobEventSource() {
  stop_ = true;
  const std::uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

// Every domain of the driver (subscriptions to all domains): new ones are watched from now
// on. At the start their earlier jobs are not reported; a domain first seen later was
// defined since, so each of its jobs is (one may have ended before this round saw it).
void JobEventSource::RefreshDomainList(bool baseline) {
  Result<std::vector<driver::DomainRef>> all = looker_->ListDomains(0);
  if (!all) return;
  for (driver::DomainRef& ref : *all) {
    bool known = false;
    for (auto& w : watched_) known |= w->ref.uuid == ref.uuid;
    if (known) continue;
    auto w = std::make_unique<Watched>();
    w->ref = std::move(ref);
    if (baseline) {
      if (Result<QemuDriver::CompletedJobsLook> completed = looker_->CompletedJobs(w->ref);
          completed && !completed->jobs.empty()) {
        w->last = completed->jobs.back().sequence;
      }
    }
    if (!baseline) Watch(*w);
    watched_.push_back(std::move(w));
  }
}

// Watches the domain's run directory (it exists while the domain runs or has a job), and
// listens on its events monitor while it has a job.
void JobEventSource::Watch(Watched& w) {
  const StateLayout& layout = looker_->layout();
  const std::filesystem::path run = layout.RunDir(w.ref.name);
  if (w.watch < 0) {
    w.watch = ::inotify_add_watch(inotify_.get(), run.c_str(),
                                  IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_CREATE);
    if (w.watch >= 0) w.dirty = true;  // a look catches what happened before the watch
  }
  std::error_code ec;
  const bool job = std::filesystem::exists(BackupRecordPath(layout, w.ref.name), ec);
  if (!job || (w.events && w.events->closed())) w.events.reset();
  if (job && !w.events && Clock::now() >= w.connect_again &&
      std::filesystem::exists(layout.EventSocket(w.ref.name), ec)) {
    if (Result<qmp::QmpClient> c =
            qmp::QmpClient::Connect(layout.EventSocket(w.ref.name), kEventsConnectTimeout)) {
      w.events.emplace(std::move(*c));
      w.dirty = true;  // it may have ended before we listened
    } else {
      w.connect_again = Clock::now() + kEventPollInterval;
    }
  }
}

void JobEventSource::ReadInotify() {
  alignas(inotify_event) char buf[4096];
  for (;;) {
    const ssize_t n = ::read(inotify_.get(), buf, sizeof buf);
    if (n <= 0) return;
    for (ssize_t i = 0; i < n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf + i);
      i += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      const std::string_view name = e->len > 0 ? std::string_view(e->name) : std::string_view();
      for (auto& w : watched_) {
        if (w->watch != e->wd) continue;
        if (e->mask & IN_IGNORED) {
          w->watch = -1;  // the directory went (the domain stopped): watched again later
        } else if (name == "backup.xml" || name == "backup-completed.xml") {
          w->dirty = true;
        }
      }
    }
  }
}

// Reports every job of `w` numbered above the last one reported. A history that restarted
// (its run directory was cleared) reports from its first job.
void JobEventSource::Look(Watched& w) {
  w.dirty = false;
  Result<QemuDriver::CompletedJobsLook> look =
      looker_->CompletedJobs(w.ref, /*tidy_up_later=*/true);
  if (!look) return;
  const std::vector<JobStats>& completed = look->jobs;
  if (!completed.empty() && completed.back().sequence < w.last) w.last = 0;
  for (const JobStats& stats : completed) {
    if (stats.sequence <= w.last) continue;
    w.last = stats.sequence;
    callback_(driver::JobCompletedEvent{w.ref, stats});
  }
  // The outcome is out: now the rest of the job's end (NBD server, nodes, files, record).
  // A call made meanwhile (domjobinfo --completed from the callback) does it itself.
  if (look->tidy_up_pending) (void)looker_->LookAtBackupJob(w.ref);
}

void JobEventSource::Run() {
  Clock::time_point next_round = Clock::now();
  while (!stop_) {
    const bool round = Clock::now() >= next_round;
    if (round) {
      next_round = Clock::now() + kEventPollInterval;
      if (!domain_) RefreshDomainList(/*baseline=*/false);
    }
    for (auto& w : watched_) {
      Watch(*w);
      // A job nobody can hear (no events monitor) is looked at every round.
      if (round && !w->events &&
          std::filesystem::exists(BackupRecordPath(looker_->layout(), w->ref.name))) {
        w->dirty = true;
      }
      if (w->dirty) Look(*w);
      if (w->events && !w->dirty) Watch(*w);  // the job may have ended with that look
    }

    // Wait: on the first listened-to monitor for a slice (the others only read what came),
    // else on inotify and the stop for the rest of the round.
    Watched* listening = nullptr;
    for (auto& w : watched_) {
      if (!w->events) continue;
      if (listening == nullptr) {
        listening = w.get();
        // Returns at the first job event, so its end is heard at once, not after a slice.
        if (Result<qmp::Event> e =
                w->events->WaitForEvent("a job event", IsJobEvent, kListenSlice)) {
          Heard(*e);
          w->dirty = true;
        }
      }
      // What else came (QEMU sends a job's BLOCK_JOB_COMPLETED and its concluded together).
      (void)w->events->ReadEvents();
      for (const qmp::Event& e : w->events->TakeEvents()) {
        Heard(e);
        w->dirty |= IsJobEvent(e);
      }
      if (w->events->closed()) w->dirty = true;  // QEMU went: the job failed or ended
    }
    const auto until_round =
        std::chrono::duration_cast<std::chrono::milliseconds>(next_round - Clock::now());
    const int timeout = listening != nullptr
                            ? 0
                            : static_cast<int>(std::max<std::int64_t>(0, until_round.count()));
    pollfd fds[2] = {{inotify_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    if (::poll(fds, 2, timeout) > 0 && (fds[0].revents & POLLIN)) ReadInotify();
  }
}

}  // namespace cairn::drivers::qemu
