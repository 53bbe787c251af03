// Replaying an interrupted checkpoint change from the journal, and its in-memory projection.
#include "drivers/qemu/checkpoint_recovery.hpp"

#include <algorithm>

#include "drivers/qemu/domain_session.hpp"

namespace cairn::drivers::qemu {
namespace {

// Splits `wanted` into the bitmaps the images hold and those they do not.
void Partition(const std::vector<DiskBitmapView>& views, const std::vector<BitmapRef>& wanted,
               std::vector<BitmapRef>* present, std::vector<BitmapRef>* absent) {
  for (const BitmapRef& b : wanted) {
    bool found = false;
    for (const DiskBitmapView& v : views) {
      if (v.target == b.target && v.Find(b.name) != nullptr) found = true;
    }
    (found ? present : absent)->push_back(b);
  }
}

}  // namespace

Status ReplayCheckpointJournal(DomainSession& s, const model::CheckpointIntent& intent) {
  Result<std::vector<DiskBitmapView>> views = s.bitmaps().Query();
  if (!views) return std::unexpected(views.error());
  if (intent.kind == model::CheckpointIntent::Kind::kCreate) {
    if (!intent.created) return s.store().ClearJournal();
    std::vector<BitmapRef> present, absent;
    Partition(*views, BitmapsOf(*intent.created), &present, &absent);
    // A name the store cannot keep (a journal from a Cairn without the limit) can only go back.
    const bool storable = s.store().CheckStorable(intent.created->name).has_value();
    if (absent.empty() && storable) {
      if (Status ok = s.store().Save(*intent.created); !ok) return ok;  // forward
      if (Status ok = s.store().WriteCurrent(intent.created->name); !ok) return ok;
    } else if (!present.empty()) {
      if (Status ok = s.bitmaps().Remove(present); !ok) return ok;  // back
    }
    return s.store().ClearJournal();
  }
  // A delete always goes forward: its bitmaps may already be gone.
  Result<std::vector<conf::CheckpointDef>> defs = s.store().LoadAll();
  if (!defs) return std::unexpected(defs.error());
  std::vector<BitmapRef> remove;
  for (const std::string& name : intent.removed) {
    for (const conf::CheckpointDef& d : *defs) {
      if (d.name != name) continue;
      std::vector<BitmapRef> present, absent;
      Partition(*views, BitmapsOf(d), &present, &absent);
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
    std::vector<BitmapRef> present, absent;
    Partition(*views, BitmapsOf(*intent.created), &present, &absent);
    if (!absent.empty()) return;
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
