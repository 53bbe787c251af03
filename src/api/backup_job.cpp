// Domain::GetBackupJobInfo (one driver call) and Domain::WaitForJob (a loop over the public
// job calls, so it works on every driver, a daemon connection included).
#include <mutex>
#include <thread>

#include "api/connection_state.hpp"
#include "cairn/domain.hpp"

namespace cairn {

Result<BackupJobInfo> Domain::GetBackupJobInfo() const {
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->GetBackupJobInfo({name(), uuid(), id()});
}

Result<JobStats> Domain::WaitForJob(const JobWaitOptions& options) const {
  bool abort_sent = false;
  for (;;) {
    if (!abort_sent && options.abort_requested && options.abort_requested()) {
      abort_sent = true;
      // A job that ended meanwhile leaves nothing to abort; the next look reports its end.
      if (!conn_->read_only) (void)AbortJob();
    }
    Result<JobStats> now = GetJobStats();
    // The domain stopped under the job ("domain is not running"): the job ended with it.
    if (!now && now.error().code() == ErrorCode::kOperationInvalid) break;
    if (!now) return now;
    if (now->type == JobType::kNone) break;
    if (options.on_progress) options.on_progress(*now);
    std::this_thread::sleep_for(options.poll_interval);
  }
  return GetJobStats(JobStatsFlags::kCompleted | JobStatsFlags::kKeepCompleted);
}

}  // namespace cairn
