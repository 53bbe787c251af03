// BackupJob::LiveInfo: the job's record as public values (BackupJobInfo), with each
// disk's progress from QEMU's job (query-jobs: one QEMU job per disk, progress in bytes).
#include "conf/backup_spec_conversion.hpp"
#include "drivers/qemu/backup_job.hpp"

namespace cairn::drivers::qemu {

BackupJobInfo BackupJob::LiveInfo() const {
  if (!record_) return {};
  const BackupRecord& r = *record_;
  BackupJobInfo info = DescribeBackupJob(conf::ToBackupSpec(r.def));
  for (BackupJobDisk& disk : info.disks) {
    for (const BackupDiskJob& job : r.disks) {
      if (job.target != disk.name) continue;
      // A QEMU job still there counts; one gone or concluded left its figures in the record.
      const qmp::JobInfo* q = FindQemuJob(job.job_id);
      if (q != nullptr && q->status != "concluded") {
        disk.bytes_done = static_cast<std::uint64_t>(q->current_progress);
        disk.bytes_total = static_cast<std::uint64_t>(q->total_progress);
      } else if (job.total > 0) {
        disk.bytes_done = job.processed;
        disk.bytes_total = job.total;
      }
    }
  }
  return info;
}

}  // namespace cairn::drivers::qemu
