// JobEventSource: the qemu driver's job-completed events (Driver::SubscribeJobEvents). A
// thread of its own watches the subscribed domains and calls back once per completed job, in
// the order a domain's jobs end (a job is named by its BackupRecord::sequence).
//
// How a job's end becomes known fast: every QEMU Cairn starts has a second QMP monitor,
// ROOT/run/NAME/events.sock, which only this source connects to (QEMU serves one client per
// monitor, so it never waits on the calls' monitor, nor they on it). While a domain has a
// job, the source listens there; a JOB_STATUS_CHANGE to concluded (or null) and BLOCK_JOB_*
// events make it look at once. That look ends the job only as far as its outcome (it is
// written with one fsync: BackupJob::TidyUpLater), reports it, and only then does the rest
// of the job's end (NBD server, nodes, files, the record). inotify on the run directory tells
// it of jobs begun or ended by other processes. Jobs it cannot hear (a shut-off domain's
// job in a storage daemon, a QEMU started before the events monitor existed) are looked at
// every kEventPollInterval, and so are jobs whose events monitor another source holds (it
// serves one client; that source's looks then reach this one by inotify).
//
//   Start: a first look at each domain: jobs completed so far are not reported
//   loop:  job running and heard (events monitor) -> wait on it, 5 ms slices
//          otherwise                              -> wait on inotify / stop, 200 ms
//          a job event, inotify on backup*.xml, or the 200 ms fallback -> look:
//          CompletedJobs, report every job numbered above the last one reported,
//          then the tidy-up the look left (LookAtBackupJob)
//
// Thread rule: the callback runs on the source's thread; destroying the source stops and
// joins it (never from inside the callback).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "driver/driver.hpp"
#include "drivers/qemu/qemu_driver.hpp"
#include "util/unique_fd.hpp"

namespace cairn::drivers::qemu {

class JobEventSource : public driver::JobEventSubscription {
 public:
  // `looker` is a QemuDriver of the source's own (no state is shared with the caller's).
  static Result<std::unique_ptr<JobEventSource>> Start(std::unique_ptr<QemuDriver> looker,
                                                       std::optional<driver::DomainRef> domain,
                                                       driver::JobEventCallback callback);
  ~JobEventSource() override;

 private:
  struct Watched;
  JobEventSource() = default;

  Status Init();
  void Run();
  void RefreshDomainList(bool baseline);
  void Watch(Watched& w);
  void ReadInotify();
  void Look(Watched& w);

  std::unique_ptr<QemuDriver> looker_;
  std::optional<driver::DomainRef> domain_;  // nullopt: every domain
  driver::JobEventCallback callback_;
  std::vector<std::unique_ptr<Watched>> watched_;
  util::UniqueFd inotify_;
  util::UniqueFd wake_;  // eventfd: the destructor's stop
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace cairn::drivers::qemu
