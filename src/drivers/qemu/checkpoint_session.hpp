// CheckpointSession: everything one checkpoint call of the qemu driver works with, opened
// under the domain's lock — the domain record, its checkpoint store and set, and the bitmap
// side (live over QMP when the domain runs, offline in the images when it does not).
// Opening first finishes or undoes whatever change a killed cairn process left in the
// journal, so every call starts from a state where bitmaps and metadata agree.
//
//   create:  journal(create) -> add bitmaps -> save file -> clear journal
//   delete:  journal(delete) -> remove bitmaps -> rewrite children, remove files -> clear
//   replay:  create: bitmaps all there -> save file; none -> drop; some -> remove them
//            delete: remove what bitmaps remain, rewrite, remove files (idempotent)
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
};

// `lock_domain`: take the per-domain lock (every call that may change anything, and any
// call that finds a journal to replay). Read-only calls pass false and still see a
// consistent state: they replay nothing and read files that are each written atomically.
Result<CheckpointSession> OpenCheckpointSession(const StateLayout& layout,
                                                const driver::DomainRef& ref, bool lock_domain);

// Live bitmaps of a running domain, over its QMP socket.
std::unique_ptr<DiskBitmaps> OnlineBitmaps(const conf::DomainDef& def, const StateLayout& layout);

}  // namespace cairn::drivers::qemu
