// CheckpointSession: everything one checkpoint call of the qemu driver works with — the
// domain record, its checkpoint store and set, and the bitmap side (live over QMP when the
// domain runs, offline in the images when it does not). Opening under the domain's lock
// first finishes or undoes whatever change a killed cairn process left in the journal, so
// every writer starts from a state where bitmaps and metadata agree; a reader without the
// lock sees that same outcome computed in memory, and writes nothing.
//
//   create:  journal(create) -> add bitmaps -> save file -> clear journal
//   delete:  journal(delete) -> remove bitmaps -> rewrite children, remove files -> clear
//   replay:  create: bitmaps all there -> save file; none -> drop; some -> remove them
//            delete: remove what bitmaps remain, rewrite, remove files (idempotent)
//   reader:  journal? -> the replay's outcome in memory (repair_pending), journal kept
#pragma once

#include <memory>
#include <optional>

#include "drivers/qemu/disk_bitmaps.hpp"
#include "drivers/qemu/domain_record.hpp"
#include "model/checkpoint_store.hpp"
#include "model/domain_checkpoints.hpp"
#include "util/file_lock.hpp"

namespace cairn::drivers::qemu {

struct CheckpointSession {
  std::optional<util::FileLock> lock;  // held for calls that may change anything
  DomainRecord domain;
  model::CheckpointStore store;
  model::DomainCheckpoints checkpoints{ErrorDomain::kQemu};
  std::unique_ptr<DiskBitmaps> bitmaps;
  // Opened without the lock over a journal a killed writer left: `checkpoints` is what the
  // next locked call's replay will make of it, and nothing was written.
  bool repair_pending = false;
};

// `lock_domain`: take the per-domain lock (every call that may change anything); it then
// replays a journal and removes killed writers' temp files. Reading calls pass false and
// read files that are each written atomically. Over a journal, a reader of a writable
// connection takes the lock and replays it; a `read_only` one (or one without write access
// to the root) never writes and sees, in memory, the state the replay will produce
// (repair_pending).
Result<CheckpointSession> OpenCheckpointSession(const StateLayout& layout,
                                                const driver::DomainRef& ref, bool lock_domain,
                                                bool read_only = false);

// Live bitmaps of a running domain, over the QMP socket of its QEMU (or of the storage
// daemon serving a shut-off domain's backup).
std::unique_ptr<DiskBitmaps> OnlineBitmaps(const conf::DomainDef& def,
                                           std::filesystem::path qmp_socket);

}  // namespace cairn::drivers::qemu
