// AbortFinisher: the end of aborted backup jobs, done after the abort was answered.
//
// libvirt answers an abort once QEMU's jobs are cancelled and tears the job down from its
// event loop; Cairn does the same. QemuDriver::AbortJob stops the export and cancels the
// jobs (BackupJob::Cancel, one QMP round trip) and hands the domain here: this thread then
// looks at the job, under the domain's lock like any call, until the look has ended it
// (jobs dismissed, nodes detached, files removed, outcome recorded). A call on the domain in
// between ends the job itself, or sees it still running while QEMU concludes its jobs, as a
// libvirt client may; either way this thread then finds nothing left to do.
//
// Thread rule: Finish() from any thread. Destruction waits until every job handed over has
// ended (or 2 s went by since its end began): an embedded program that aborts and
// closes its connection leaves the domain as a synchronous abort would. A job still
// unfinished then ends at the next look, as after a crash.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "driver/driver.hpp"

namespace cairn::drivers::qemu {

class QemuDriver;

class AbortFinisher {
 public:
  // `looker` is a writable QemuDriver of the finisher's own.
  explicit AbortFinisher(std::unique_ptr<QemuDriver> looker);
  ~AbortFinisher();
  AbortFinisher(const AbortFinisher&) = delete;
  AbortFinisher& operator=(const AbortFinisher&) = delete;

  // Ends the cancelled job of domain `dom` soon, in the background.
  void Finish(driver::DomainRef dom);

 private:
  void Run();
  void EndJob(const driver::DomainRef& dom);

  std::unique_ptr<QemuDriver> looker_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<driver::DomainRef> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest exists
};

}  // namespace cairn::drivers::qemu
