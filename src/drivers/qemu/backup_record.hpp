// The records of a domain's backup job, kept with its live state so that any cairn process
// can follow the job QEMU runs:
//   ROOT/run/NAME/backup.xml            the job in flight: libvirt's internal <domainbackup>
//                                       (disk states) plus Cairn's bookkeeping in <privateData>
//   ROOT/run/NAME/backup-completed.xml  the last completed jobs (GetJobStats(kCompleted),
//                                       the job-completed event)
// Both are written atomically; the caller holds the domain's lock for every write.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cairn/flags.hpp"
#include "cairn/job_stats.hpp"
#include "conf/backup_def.hpp"
#include "drivers/qemu/state_layout.hpp"

namespace cairn::drivers::qemu {

// BackupBegin's flags (libvirt's virDomainBackupBeginFlags), kept in the record.
inline constexpr unsigned kBackupReuseExternal = Bits(BackupBeginFlags::kReuseExternal);
// A guest shutting down while the job runs pauses the VM (QMP set-action shutdown=pause);
// the shutdown completes (QEMU quits) when the job ends.
inline constexpr unsigned kBackupPreserveShutdownDomain =
    Bits(BackupBeginFlags::kPreserveShutdownDomain);

// starting: BackupBegin is between writing the record and the job running; whoever finds a
//           record in this phase (under the lock) knows its begin died, and rolls it back.
// running:  the QEMU jobs exist; the disks' states say which ended how.
enum class BackupPhase { kStarting, kRunning };

// What Cairn set up in QEMU and on disk for one participating disk.
struct BackupDiskJob {
  std::string target{};            // "vda"
  std::string node{};              // target (push) or scratch (pull) image node
  std::string job_id{};            // the QEMU backup job
  std::string temp_bitmap{};       // incremental: the transient copy of the checkpoint's bitmap
  std::string temp_bitmap_node{};  // where it lives: the disk (push) or the scratch (pull)
  std::string export_id{};         // pull: the NBD export
  bool created = false;            // Cairn creates the store file, so Cairn removes it
  std::uint64_t processed = 0;     // QEMU's progress when the job ended
  std::uint64_t total = 0;
  // When QEMU's job ended, in Unix milliseconds (0: not seen ended yet). Nothing tells
  // Cairn the instant itself (no daemon hears QEMU's events), so it is the moment a look
  // first saw the job concluded — or, for a push into a file, the file's last write, which
  // is the copy's end even when nobody looked for an hour.
  std::int64_t ended_ms = 0;
  std::string error{};  // QEMU's reason, for a disk that failed
};

struct BackupRecord {
  conf::BackupDef def;  // aligned; def.disks[i].state is each disk's state
  BackupPhase phase = BackupPhase::kStarting;
  std::uint64_t sequence = 0;        // with the domain, names the job (NextJobSequence)
  std::int64_t started_ms = 0;       // Unix milliseconds
  std::int64_t copy_started_ms = 0;  // when QEMU's transaction started the jobs (0: not yet)
  pid_t qemu_pid = -1;               // the QEMU that runs it: another pid means it died
  // The domain was shut off: qemu_pid is the storage daemon Cairn started to run the job
  // (storage_daemon.hpp), stopped when the job ends.
  bool storage_daemon = false;
  unsigned flags = 0;                // BackupBegin's flags
  std::string checkpoint{};          // created at the same instant ("" = none)
  std::string checkpoint_parent{};   // the "current" checkpoint before it
  bool nbd_server = false;           // Cairn started QEMU's NBD server for this job
  // The unix socket QEMU bound for it ("device:inode", "" = none yet): the job's end removes
  // the path only while it is still that socket, never a file someone put there later.
  std::string nbd_socket_id{};
  std::vector<BackupDiskJob> disks{};

  bool push() const { return def.mode == conf::BackupMode::kPush; }
  BackupDiskJob* FindJob(std::string_view target);
  conf::BackupDiskDef* FindDisk(std::string_view target);
};

std::filesystem::path BackupRecordPath(const StateLayout& layout, std::string_view domain);
std::filesystem::path CompletedBackupPath(const StateLayout& layout, std::string_view domain);

// nullopt when the domain has no backup record. A record that cannot be read or parsed is
// VIR_ERR_INTERNAL_ERROR naming the file.
Result<std::optional<BackupRecord>> LoadBackupRecord(const StateLayout& layout,
                                                     std::string_view domain);
// Durable: after a power loss the record still names the files the job made (scratch,
// targets) and the ownership it lent, so the next look can undo them.
Status SaveBackupRecord(const StateLayout& layout, std::string_view domain,
                        const BackupRecord& record);
// Not durable: a removal a power loss undoes makes the next look end the job again, which
// finds its work done (every step of a job's end is idempotent).
Status RemoveBackupRecord(const StateLayout& layout, std::string_view domain);

// The number of the domain's next job: one more than the last completed job's (1 for the first).
// The history lives in the domain's run directory, so numbering starts again at 1 when that
// is cleared; a watcher that saw a higher number knows the history restarted.
std::uint64_t NextJobSequence(const StateLayout& layout, std::string_view domain);

// The completed jobs (ended in any way), oldest first: back() is the last, which
// GetJobStats(kCompleted) reports until a reader consumes it (`last_consumed`, set by a read
// without KEEP_COMPLETED). The event thread reports every job in the list it has not reported yet,
// so the list is what lets several jobs end between two of its looks without one going unheard.
struct CompletedBackups {
  std::vector<JobStats> jobs;
  bool last_consumed = false;
};
// How many completed jobs are kept (the oldest go first): more than twice as many as can end in
// one of the event thread's 200 ms looks, since the quickest job (an incremental push with
// nothing dirty) takes ~15 ms from begin to end here.
inline constexpr std::size_t kCompletedBackupsKept = 32;

Result<CompletedBackups> LoadCompletedBackups(const StateLayout& layout, std::string_view domain);
// Writes at most the last kCompletedBackupsKept jobs, atomically but not durably: the
// history is run-time state, as libvirtd's in-memory one, and a power loss that loses it (it
// then reads as empty) also ended every job it could report on.
Status SaveCompletedBackups(const StateLayout& layout, std::string_view domain,
                            const CompletedBackups& completed);

}  // namespace cairn::drivers::qemu
