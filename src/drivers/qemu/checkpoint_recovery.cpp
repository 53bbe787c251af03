// Replaying an interrupted checkpoint change from the journal, and its in-memory projection.
#include "drivers/qemu/checkpoint_recovery.hpp"

#include <algorithm>

#include "drivers/qemu/checkpoint_creation.hpp"
#include "drivers/qemu/domain_session.hpp"

namespace cairn::drivers::qemu {

Status ReplayCheckpointJournal(DomainSession& s, const model::CheckpointIntent& intent) {
  if (intent.kind == model::CheckpointIntent::Kind::kCreate) {
    if (!intent.created) return s.store().ClearJournal();
    return CheckpointCreation::Recover(s, *intent.created);
  }
  // A delete always goes forward: its bitmaps may already be gone.
  Result<std::vector<DiskBitmapView>> views = s.bitmaps().Query();
  if (!views) return std::unexpected(views.error());
  Result<std::vector<conf::CheckpointDef>> defs = s.store().LoadAll();
  if (!defs) return std::unexpected(defs.error());
  std::vector<BitmapRef> remove;
  for (const std::string& name : intent.removed) {
    for (const conf::CheckpointDef& d : *defs) {
      if (d.name != name) continue;
      std::vector<BitmapRef> present = PresentBitmaps(*views, BitmapsOf(d));
      remove.insert(remove.end(), present.begin(), present.end());
    }
  }
  if (!remove.empty()) {
    if (Status ok = s.bitmaps().Remove(remove); !ok) return ok;
  }
  for (const auto& [name, parent] : intent.reparented) {
    for (conf::CheckpointDef& d : *defs) {
      if (d.name != name) continue;
      d.parent = parent;
      if (Status ok = s.store().Save(d); !ok) return ok;
    }
  }
  for (const std::string& name : intent.removed) {
    if (Status ok = s.store().Remove(name); !ok) return ok;
  }
  if (intent.new_current) {
    if (Status ok = s.store().WriteCurrent(*intent.new_current); !ok) return ok;
  }
  return s.store().ClearJournal();
}

// A reader may not write (nor have the right to), so it sees the state the next writer's
// replay will produce.
void ProjectCheckpointJournal(const model::CheckpointIntent& intent,
                              const Result<std::vector<DiskBitmapView>>& views,
                              std::vector<conf::CheckpointDef>* defs, std::string* current) {
  if (intent.kind == model::CheckpointIntent::Kind::kCreate) {
    if (!intent.created || !views) return;
    const std::vector<BitmapRef> wanted = BitmapsOf(*intent.created);
    if (PresentBitmaps(*views, wanted).size() != wanted.size()) return;
    std::erase_if(*defs, [&](const conf::CheckpointDef& d) {
      return d.name == intent.created->name;
    });
    defs->push_back(*intent.created);
    *current = intent.created->name;
    return;
  }
  for (const auto& [name, parent] : intent.reparented) {
    for (conf::CheckpointDef& d : *defs) {
      if (d.name == name) d.parent = parent;
    }
  }
  std::erase_if(*defs, [&](const conf::CheckpointDef& d) {
    return std::find(intent.removed.begin(), intent.removed.end(), d.name) !=
           intent.removed.end();
  });
  if (intent.new_current) *current = *intent.new_current;
}

}  // namespace cairn::drivers::qemu
