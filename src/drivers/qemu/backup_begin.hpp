// BackupStart: virDomainBackupBegin, one step after the other, under the domain's lock,
// undone on any failure (the destructor rolls back unless the job runs). The job runs in
// the domain's QEMU, or for a shut-off domain in the storage daemon the caller started
// (storage_daemon.hpp): the steps are the same QMP commands for both.
//
//   check everything (XML, disks, checkpoints and their bitmaps, stores, NBD address)
//     -> record "starting" written          (from here on, failure = RollBackStart)
//     -> target / scratch images created    (O_EXCL first, then qemu-img: never over an
//                                            existing file or link; a block store must be
//                                            a block device)
//     -> QEMU runs as another user: the images given to it (ledger: run/NAME/backup-owners)
//     -> images attached (blockdev-add), pull: NBD server started (unix: QEMU's socket in
//        the run directory, the user's path made a link to it where nothing is; tls='yes':
//        a tls-creds-x509 object first, from the configured directory)
//     -> PRESERVE_SHUTDOWN_DOMAIN: a guest shutdown now pauses the VM (set-action)
//     -> checkpoint journal written (when a checkpoint comes with the backup: the steps of
//        CheckpointCreation, checkpoint_creation.hpp, whose bitmap actions join ...)
//     -> ONE transaction: checkpoint bitmaps + temporary bitmap copies + backup jobs
//        (the point in time of the backup and of the new checkpoint)
//     -> pull: every disk exported (with its dirty bitmap when incremental)
//     -> checkpoint metadata saved
//     -> record "running"                   (the job exists)
//     -> checkpoint committed: made current, journal cleared
//
// A cairn process killed in between leaves a "starting" record: the next look at the job
// (any process, under the lock) rolls it back the same way (BackupJob::RollBackStart).
// Once the record exists its roll-back owns the checkpoint's too (CheckpointCreation::Undo).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/backup_def.hpp"
#include "conf/checkpoint_def.hpp"
#include "drivers/qemu/backup_job.hpp"
#include "drivers/qemu/checkpoint_creation.hpp"
#include "drivers/qemu/domain_session.hpp"
#include "drivers/qemu/qemu_driver_options.hpp"

namespace cairn::drivers::qemu {

// The first TCP port tried for a pull backup that names none, and the last (libvirt's
// proposed backup_port_min/max defaults).
inline constexpr unsigned kNbdPortMin = 10809;
inline constexpr unsigned kNbdPortMax = 10872;

class BackupStart {
 public:
  // `session` (locked) and `job` (none recorded yet; its Qmp() reaches the runner) outlive the
  // object. `runner_pid`: the domain's QEMU, or the storage daemon of a shut-off domain.
  // `options`: the user QEMU runs as (stores are given to it, layout.BackupOwnersFile) and
  // the x509 directory of <server tls='yes'/>.
  BackupStart(const StateLayout& layout, DomainSession& session, BackupJob& job,
              pid_t runner_pid, unsigned flags, const QemuDriverOptions& options = {})
      : layout_(layout),
        session_(session),
        job_(job),
        runner_pid_(runner_pid),
        flags_(flags),
        options_(options) {}
  ~BackupStart();
  BackupStart(const BackupStart&) = delete;
  BackupStart& operator=(const BackupStart&) = delete;

  // Runs every step; on error nothing of the backup remains.
  Status Run(conf::BackupDef def, std::optional<conf::CheckpointDef> checkpoint);

 private:
  Status Plan(conf::BackupDef def, std::optional<conf::CheckpointDef> checkpoint);
  Status Execute();

  const StateLayout& layout_;
  DomainSession& session_;
  BackupJob& job_;
  pid_t runner_pid_;
  unsigned flags_;
  const QemuDriverOptions& options_;
  // One participating disk: where its record entry is, and what to create and attach.
  struct DiskPlan {
    std::string target{};
    std::string format{};         // of the target / scratch image
    std::uint64_t size = 0;       // the disk's virtual size
    std::string source_bitmap{};  // incremental: the checkpoint's bitmap on the disk
    std::uint64_t granularity = 0;
    bool drop_stale_temp = false;  // a transient bitmap of that name is left on the disk
    bool create_file = false;      // the store is a file Cairn creates (never over one)
  };

  std::optional<CheckpointCreation> checkpoint_;
  std::vector<DiskPlan> plans_;
  bool recorded_ = false;   // the "starting" record exists: failure must roll back
  bool committed_ = false;  // the job runs
};

}  // namespace cairn::drivers::qemu
