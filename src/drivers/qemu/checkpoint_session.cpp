// Opening a checkpoint session, and replaying an interrupted change from the journal.
#include "drivers/qemu/checkpoint_session.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "drivers/qemu/domain_lock.hpp"
#include "util/atomic_file.hpp"

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

// What Replay() would leave, computed in memory, for a reader: it may not write (nor have
// the right to), so it sees the state the next writer's replay will produce. A create goes
// forward only when every bitmap is there; when the bitmaps cannot be looked at, the reader
// sees the committed state without it.
void Project(const model::CheckpointIntent& intent,
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

}  // namespace

Result<CheckpointSession> OpenCheckpointSession(const StateLayout& layout,
                                                const driver::DomainRef& ref, bool lock_domain,
                                                bool read_only) {
  std::optional<util::FileLock> lock;
  if (lock_domain) {
    Result<util::FileLock> l = LockDomain(layout, ref.name);
    if (!l) return std::unexpected(l.error());
    lock = std::move(*l);
  }
  Result<DomainRecord> rec = LoadDomain(layout, ref);
  if (!rec) return std::unexpected(rec.error());
  CheckpointSession s{std::move(lock),
                      std::move(*rec),
                      model::CheckpointStore(layout.CheckpointDir(ref.name)),
                      {},
                      nullptr,
                      false};
  // A shut-off domain's images held by the storage daemon of its backup are changed
  // through that daemon, as a running domain's through QEMU.
  if (s.domain.active()) {
    s.bitmaps = OnlineBitmaps(s.domain.def, layout.QmpSocket(ref.name));
  } else if (s.domain.storage_daemon) {
    s.bitmaps = OnlineBitmaps(s.domain.def, layout.StorageDaemonQmpSocket(ref.name));
  } else {
    s.bitmaps = OfflineBitmaps(s.domain.def);
  }

  // A journal that cannot be read cannot be replayed: a reader reads what is stored, a
  // writer is told the way out.
  std::optional<Error> unreadable;
  auto read_journal = [&]() -> std::optional<model::CheckpointIntent> {
    Result<std::optional<model::CheckpointIntent>> j = s.store.ReadJournal();
    unreadable.reset();
    if (j) return std::move(*j);
    unreadable = j.error();
    return std::nullopt;
  };
  auto way_out = [&](const Error& cause) {
    return Fail(cause.code(), cause.domain(),
                fmt::format("cannot finish the interrupted checkpoint change recorded in "
                            "'{}': {}; fix the cause, or remove that file to abandon the "
                            "change (then 'checkpoint-list' and the disks' bitmaps show "
                            "what is left)",
                            s.store.JournalPath().string(), cause.detail()));
  };
  std::optional<model::CheckpointIntent> journal = read_journal();
  if ((journal || unreadable) && !s.lock && !read_only) {
    // A reader of a writable connection repairs, if it may write here at all and no writer
    // is under way (whose journal this then is): else it reads as a read-only one does.
    Result<util::FileLock> l = util::FileLock::TryAcquire(layout.LockFile(ref.name));
    if (l) {
      s.lock = std::move(*l);
      journal = read_journal();  // the writer may have finished meanwhile
    } else if (l.error().code() != ErrorCode::kResourceBusy &&
               l.error().code() != ErrorCode::kSystemError) {
      return std::unexpected(l.error());
    }
  }
  if (s.lock) {
    // Under the lock no write is under way: a temp file here is a killed writer's.
    Result<std::size_t> cleaned = util::RemoveAbandonedTempFiles(s.store.dir());
    if (!cleaned) return std::unexpected(cleaned.error());
    if (unreadable) return way_out(*unreadable);
    if (journal) {
      if (Status replayed = Replay(s, *journal); !replayed) return way_out(replayed.error());
    }
  }
  if ((journal || unreadable) && !s.lock) {
    Result<std::vector<conf::CheckpointDef>> defs = s.store.LoadAll();
    if (!defs) return std::unexpected(defs.error());
    std::string current = s.store.ReadCurrent();
    s.repair_pending = true;
    if (journal) Project(*journal, s.bitmaps->Query(), &*defs, &current);
    s.checkpoints.Load(std::move(*defs));
    s.checkpoints.RestoreCurrent(current);
    return s;
  }
  // No journal is pending (a locked session replayed it): the store's index links the
  // checkpoints, and each definition is read when first used. Only a locked session may
  // write an index rebuilt from the files.
  Result<std::shared_ptr<const model::LinkedCheckpoints>> linked =
      s.store.LoadIndexed(s.lock.has_value());
  if (!linked) return std::unexpected(linked.error());
  s.checkpoints.LoadLinked(std::move(*linked));
  s.checkpoints.RestoreCurrent(s.store.ReadCurrent());
  return s;
}

}  // namespace cairn::drivers::qemu
