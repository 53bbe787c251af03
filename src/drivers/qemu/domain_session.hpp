// DomainSession: everything one qemu-driver call works with on one domain, owned once —
// the domain's lock (for a call that may change anything), its record, its checkpoint store
// and checkpoints, its disks' bitmaps, and the QMP monitor of whatever runs it (the domain's
// QEMU, or the storage daemon serving a shut-off domain's backup). QEMU serves one monitor
// client at a time, so the session opens the monitor when first needed and lends it to every
// part of the call that speaks QMP (the bitmaps, the backup job, the lifecycle commands):
// nobody else connects while the session lives. In a server that keeps the root's monitors
// (cairnd, kept_monitors.hpp) the session borrows the domain's kept one instead of
// connecting, and other sessions of the process wait for it, as libvirt's calls wait for the
// domain's monitor.
//
//   Open(lock)         lock? -> record loaded (VIR_ERR_NO_DOMAIN if gone or another UUID)
//     + checkpoints    the store's journal: a locked session replays it (a killed writer's
//                      change finished or undone, its temp files removed); an unlocked one of
//                      a writable connection takes the lock if it is free and does the same;
//                      otherwise (read-only connection, a writer under way) nothing is written
//                      and the checkpoints are what the replay will make of them, computed in
//                      memory (repair_pending). Then the metadata is loaded.
//   Monitor()          connected on first use, to the runner the record names; closed with
//                      the session, or by CloseMonitor() before asking that runner to quit.
//
// Reading never writes: an unlocked session never changes a file unless it took the lock.
// Thread rule: one thread uses a session; sessions of different calls share nothing but the
// files, which the lock orders. The monitor and the bitmaps live apart from the session, so
// what refers to them stays valid when it moves; what refers to the session itself (a
// BackupJob) must not outlive it nor see it move.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>

#include "drivers/qemu/disk_bitmaps.hpp"
#include "drivers/qemu/domain_record.hpp"
#include "drivers/qemu/kept_monitors.hpp"
#include "drivers/qemu/state_layout.hpp"
#include "model/checkpoint_store.hpp"
#include "model/domain_checkpoints.hpp"
#include "qmp/qmp_client.hpp"
#include "util/file_lock.hpp"

namespace cairn::drivers::qemu {

class LentMonitor;

class DomainSession {
 public:
  struct Options {
    // Hold the domain's lock for the whole call (every call that may change anything).
    bool lock = false;
    // Load the checkpoint metadata, recovering an interrupted change first (see above).
    bool checkpoints = false;
    // The connection is read-only: a reading session never locks nor writes, even to
    // repair.
    bool read_only = false;
  };

  static Result<DomainSession> Open(const StateLayout& layout, const driver::DomainRef& ref,
                                    Options options);

  DomainSession(DomainSession&&) noexcept;
  DomainSession& operator=(DomainSession&&) noexcept;
  ~DomainSession();

  const StateLayout& layout() const { return *layout_; }
  const DomainRecord& domain() const { return domain_; }
  const std::string& name() const { return domain_.def.name(); }
  bool locked() const { return lock_.has_value(); }

  model::CheckpointStore& store() { return store_; }
  const model::CheckpointStore& store() const { return store_; }
  // The checkpoints (empty unless opened with `checkpoints`).
  model::DomainCheckpoints& checkpoints() { return checkpoints_; }
  const model::DomainCheckpoints& checkpoints() const { return checkpoints_; }
  // Opened without the lock over a journal a killed writer left: checkpoints() is what the
  // next locked call's replay will make of it, and nothing was written.
  bool repair_pending() const { return repair_pending_; }

  // The disks' bitmaps: live through the lent monitor when something runs the domain,
  // offline in the image files otherwise.
  DiskBitmaps& bitmaps();

  // The runner's monitor, connected on first use: the domain's QEMU, or the storage daemon
  // of a shut-off domain's backup. VIR_ERR_OPERATION_INVALID "domain is not running" when
  // there is neither. `patience` bounds the connection and every command (a status look
  // that must not hang); by default QmpClient's limits.
  Result<qmp::QmpClient*> Monitor(std::optional<std::chrono::milliseconds> patience = {});
  // Disconnects (the runner's monitor serves one client: a stop asks it to quit).
  void CloseMonitor();
  // For a backup begin on a shut-off domain: from now on the storage daemon `pid`, just
  // started, runs the domain's disks and the monitor and bitmaps are its.
  void UseStorageDaemon(pid_t pid);

 private:
  DomainSession(const StateLayout& layout, std::optional<util::FileLock> lock,
                DomainRecord domain);
  Status LoadCheckpoints(bool read_only);

  const StateLayout* layout_;
  std::optional<util::FileLock> lock_;
  DomainRecord domain_;
  model::CheckpointStore store_;
  model::DomainCheckpoints checkpoints_{ErrorDomain::kQemu};
  bool repair_pending_ = false;
  std::unique_ptr<LentMonitor> monitor_;  // apart, so that the bitmaps may point at it
  std::unique_ptr<DiskBitmaps> bitmaps_;
};

// Live bitmaps of a running domain (or of the storage daemon serving a shut-off one),
// through `monitor`, which outlives them.
std::unique_ptr<DiskBitmaps> OnlineBitmaps(const conf::DomainDef& def, LentMonitor& monitor);

// The monitor a session lends: one connection to the domain's runner, made on first use and
// held until the session ends. Where a server keeps the root's monitors (kept_monitors.hpp)
// it is borrowed from there, so the connection outlives the session; otherwise it is the
// session's own.
class LentMonitor {
 public:
  // `socket` empty: nothing runs the domain. `pid`: the runner's (its identity: a restarted
  // QEMU gets a new kept connection).
  LentMonitor(const StateLayout& layout, std::string domain, std::filesystem::path socket,
              pid_t pid);
  Result<qmp::QmpClient*> Get(std::optional<std::chrono::milliseconds> patience = {});
  // Disconnects, the kept connection included (the runner is asked to quit next).
  void Close();
  void Retarget(std::filesystem::path socket, pid_t pid);
  ~LentMonitor();

 private:
  std::string domain_;
  std::filesystem::path socket_;  // empty: nothing runs the domain
  pid_t pid_ = -1;
  std::shared_ptr<KeptMonitors> kept_;  // null: this process keeps no monitor of the root
  std::optional<KeptMonitors::Loan> loan_;
  std::unique_ptr<qmp::QmpClient> client_;
};

}  // namespace cairn::drivers::qemu
