// Recovering an interrupted checkpoint change from the store's journal (model/
// checkpoint_store.hpp): the change a killed cairn process left half done is finished or
// undone, so that bitmaps and metadata agree again. DomainSession does it when it loads the
// checkpoints under the lock; a reader that may not write computes the same outcome in memory.
//
//   create: bitmaps all there -> save file, make current; none -> drop; some -> remove them
//   delete: remove what bitmaps remain, rewrite children, remove files (always forward)
//   reader: the replay's outcome in memory; a create goes forward only when every bitmap is
//           there (when the bitmaps cannot be looked at, the committed state without it)
// Every step is idempotent: a replay cut short is replayed again.
#pragma once

#include <string>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "drivers/qemu/disk_bitmaps.hpp"
#include "model/checkpoint_store.hpp"

namespace cairn::drivers::qemu {

class DomainSession;

// Finishes or undoes `intent` in the images and the store, then clears the journal.
// `session` holds the lock.
Status ReplayCheckpointJournal(DomainSession& session, const model::CheckpointIntent& intent);

// What ReplayCheckpointJournal would leave in `defs` and `current`, computed in memory.
void ProjectCheckpointJournal(const model::CheckpointIntent& intent,
                              const Result<std::vector<DiskBitmapView>>& views,
                              std::vector<conf::CheckpointDef>* defs, std::string* current);

}  // namespace cairn::drivers::qemu
