// Opening a checkpoint session, and replaying an interrupted change from the journal.
#include "drivers/qemu/checkpoint_session.hpp"

#include <fmt/format.h>

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

Status Replay(CheckpointSession& s, const model::CheckpointIntent& intent) {
  Result<std::vector<DiskBitmapView>> views = s.bitmaps->Query();
  if (!views) return std::unexpected(views.error());
  if (intent.kind == model::CheckpointIntent::Kind::kCreate) {
    if (!intent.created) return s.store.ClearJournal();
    std::vector<BitmapRef> present, absent;
    Partition(*views, BitmapsOf(*intent.created), &present, &absent);
    // A name the store cannot keep (a journal from a Cairn without the limit) can only go back.
    const bool storable = s.store.CheckStorable(intent.created->name).has_value();
    if (absent.empty() && storable) {
      if (Status ok = s.store.Save(*intent.created); !ok) return ok;  // forward
      if (Status ok = s.store.WriteCurrent(intent.created->name); !ok) return ok;
    } else if (!present.empty()) {
      if (Status ok = s.bitmaps->Remove(present); !ok) return ok;  // back
    }
    return s.store.ClearJournal();
  }
  // A delete always goes forward: its bitmaps may already be gone.
  Result<std::vector<conf::CheckpointDef>> defs = s.store.LoadAll();
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
    if (Status ok = s.bitmaps->Remove(remove); !ok) return ok;
  }
  for (const auto& [name, parent] : intent.reparented) {
    for (conf::CheckpointDef& d : *defs) {
      if (d.name != name) continue;
      d.parent = parent;
      if (Status ok = s.store.Save(d); !ok) return ok;
    }
  }
  for (const std::string& name : intent.removed) {
    if (Status ok = s.store.Remove(name); !ok) return ok;
  }
  if (intent.new_current) {
    if (Status ok = s.store.WriteCurrent(*intent.new_current); !ok) return ok;
  }
  return s.store.ClearJournal();
}

}  // namespace

Result<CheckpointSession> OpenCheckpointSession(const StateLayout& layout,
                                                const driver::DomainRef& ref, bool lock_domain) {
  std::optional<util::FileLock> lock;
  if (lock_domain) {
    Result<util::FileLock> l = util::FileLock::Acquire(layout.LockFile(ref.name));
    if (!l) return std::unexpected(l.error());
    lock = std::move(*l);
  }
  Result<DomainRecord> rec = LoadDomain(layout, ref);
  if (!rec) return std::unexpected(rec.error());
  CheckpointSession s{std::move(lock),
                      std::move(*rec),
                      model::CheckpointStore(layout.CheckpointDir(ref.name)),
                      {},
                      nullptr};
  s.bitmaps =
      s.domain.active() ? OnlineBitmaps(s.domain.def, layout) : OfflineBitmaps(s.domain.def);

  Result<std::optional<model::CheckpointIntent>> journal = s.store.ReadJournal();
  if (!journal || *journal) {
    if (!s.lock) {
      // Replay needs the lock. A read-only look that cannot have the change finished still
      // sees the stored checkpoints (each file is whole), so listing is a way to inspect.
      Result<CheckpointSession> locked = OpenCheckpointSession(layout, ref, true);
      if (locked) return locked;
    } else {
      Status replayed = journal ? Replay(s, **journal) : Status(std::unexpected(journal.error()));
      if (!replayed) {
        return Fail(replayed.error().code(), replayed.error().domain(),
                    fmt::format("cannot finish the interrupted checkpoint change recorded in "
                                "'{}': {}; fix the cause, or remove that file to abandon the "
                                "change (then 'checkpoint-list' and the disks' bitmaps show "
                                "what is left)",
                                s.store.JournalPath().string(), replayed.error().detail()));
      }
    }
  }
  Result<std::vector<conf::CheckpointDef>> defs = s.store.LoadAll();
  if (!defs) return std::unexpected(defs.error());
  s.checkpoints.Load(std::move(*defs));
  s.checkpoints.RestoreCurrent(s.store.ReadCurrent());
  return s;
}

}  // namespace cairn::drivers::qemu
