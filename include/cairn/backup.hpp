// cairn/backup.hpp — backup jobs: what a job reports (JobStats, in cairn/job_stats.hpp) and
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
// job-completed callback makes the driver watch the domain's jobs in a thread of its own
// (qemu: it hears QEMU's job events, and looks at least every kEventPollInterval), so a
// push backup also finishes with nobody asking, and the callback hears of it within
// milliseconds.
#pragma once

#include <chrono>
#include <functional>

#include "cairn/error.hpp"
#include "cairn/job_stats.hpp"

namespace cairn {

class Connection;
class Domain;

// How Domain::WaitForJob waits.
struct JobWaitOptions {
  std::chrono::milliseconds poll_interval{100};  // Default: 100 ms between looks
  // Called after each look while the job runs. Default: none.
  std::function<void(const JobStats&)> on_progress{};
  // Asked after each look; the first true aborts the job (a SIGINT flag, a UI's cancel
  // button). Default: never.
  std::function<bool()> abort_requested{};
};

// Called once per completed job with the domain and its completed-job statistics (what
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
