// CheckpointCreation: the steps of checkpoint_creation.hpp's diagram, and their recovery.
#include "drivers/qemu/checkpoint_creation.hpp"

#include "conf/checkpoint_rules.hpp"
#include "drivers/qemu/checkpoint_checks.hpp"
#include "drivers/qemu/crash_point.hpp"
#include "drivers/qemu/qemu_command.hpp"

namespace cairn::drivers::qemu {

Result<CheckpointCreation> CheckpointCreation::Prepare(DomainSession& session,
                                                       conf::CheckpointDef def, StaleCheck stale) {
  if (Status ok = conf::PrepareNewCheckpoint(def, session.domain().def); !ok) {
    return std::unexpected(ok.error());
  }
  if (Status ok = CheckBitmapDisks(def, session.domain().def); !ok) {
    return std::unexpected(ok.error());
  }
  if (Status ok = session.checkpoints().PlanCreate(def); !ok) return std::unexpected(ok.error());
  if (stale == StaleCheck::kFirst) {
    Result<std::vector<DiskBitmapView>> views = session.bitmaps().Query();
    if (!views) return std::unexpected(views.error());
    if (Status ok = CheckNoStaleBitmap(def, *views, session.domain()); !ok) {
      return std::unexpected(ok.error());
    }
  }
  return CheckpointCreation(session, std::move(def), stale);
}

CheckpointCreation::CheckpointCreation(CheckpointCreation&& other) noexcept
    : session_(other.session_),
      def_(std::move(other.def_)),
      stale_check_(other.stale_check_),
      step_(other.step_) {
  other.step_ = Step::kDone;
}

CheckpointCreation::~CheckpointCreation() {
  switch (step_) {
    case Step::kPrepared:
    case Step::kDone:
      return;
    case Step::kJournalWritten:
      // No bitmap was added (a transaction adds all or none): only the journal goes.
      (void)session_->store().ClearJournal();
      return;
    case Step::kBitmapsAdded:
    case Step::kSaved:
      // What the roll-back cannot undo now stays in the journal for Recover.
      (void)Undo(*session_, def_.name);
      return;
  }
}

Status CheckpointCreation::WriteJournal() {
  model::CheckpointIntent intent;
  intent.kind = model::CheckpointIntent::Kind::kCreate;
  intent.created = def_;
  if (Status ok = session_->store().WriteJournal(intent); !ok) return ok;
  step_ = Step::kJournalWritten;
  CrashPoint("checkpoint-create:journal-written");
  return {};
}

Status CheckpointCreation::AddBitmaps() {
  Status added = session_->bitmaps().Add(BitmapsOf(def_));
  if (!added) {
    // Nothing was added (all or none); a bitmap of that name is QEMU's likeliest reason.
    if (stale_check_ == StaleCheck::kOnFailure) {
      if (Result<std::vector<DiskBitmapView>> views = session_->bitmaps().Query()) {
        if (Status stale = CheckNoStaleBitmap(def_, *views, session_->domain()); !stale) {
          return stale;
        }
      }
    }
    return added;
  }
  BitmapsAdded();
  return {};
}

std::vector<qmp::TransactionAction> CheckpointCreation::BitmapActions() const {
  std::vector<qmp::TransactionAction> actions;
  for (const BitmapRef& b : BitmapsOf(def_)) {
    qmp::BlockDirtyBitmapAdd add;
    add.node = DiskNodeName(b.target);
    add.name = b.name;
    actions.push_back(std::move(add));
  }
  return actions;
}

void CheckpointCreation::BitmapsAdded() { step_ = Step::kBitmapsAdded; }

Status CheckpointCreation::SaveMetadata() {
  CrashPoint("checkpoint-create:bitmaps-added");
  if (Status ok = session_->store().Save(def_); !ok) return ok;
  step_ = Step::kSaved;
  CrashPoint("checkpoint-create:metadata-saved");
  return {};
}

void CheckpointCreation::Commit() {
  (void)session_->store().WriteCurrent(def_.name);
  (void)session_->store().ClearJournal();
  session_->checkpoints().CommitCreate(std::move(def_));
  step_ = Step::kDone;
}

void CheckpointCreation::LeaveToNextLook() { step_ = Step::kDone; }

Status CheckpointCreation::Recover(DomainSession& session, const conf::CheckpointDef& created) {
  Result<std::vector<DiskBitmapView>> views = session.bitmaps().Query();
  if (!views) return std::unexpected(views.error());
  const std::vector<BitmapRef> wanted = BitmapsOf(created);
  const std::vector<BitmapRef> present = PresentBitmaps(*views, wanted);
  // A name the store cannot keep (a journal from a Cairn without the limit) can only go back.
  const bool storable = session.store().CheckStorable(created.name).has_value();
  if (present.size() == wanted.size() && storable) {
    if (Status ok = session.store().Save(created); !ok) return ok;  // forward
    if (Status ok = session.store().WriteCurrent(created.name); !ok) return ok;
  } else if (!present.empty()) {
    if (Status ok = session.bitmaps().Remove(present); !ok) return ok;  // back
  }
  return session.store().ClearJournal();
}

Status CheckpointCreation::Undo(DomainSession& session, std::string_view name) {
  model::CheckpointStore& store = session.store();
  Result<std::optional<model::CheckpointIntent>> journal = store.ReadJournal();
  if (!journal) return std::unexpected(journal.error());
  if (!*journal || !(*journal)->created || (*journal)->created->name != name) return {};
  const conf::CheckpointDef& created = *(*journal)->created;
  Result<std::vector<DiskBitmapView>> views = session.bitmaps().Query();
  if (!views) return std::unexpected(views.error());
  if (std::vector<BitmapRef> present = PresentBitmaps(*views, BitmapsOf(created));
      !present.empty()) {
    if (Status ok = session.bitmaps().Remove(present); !ok) return ok;
  }
  if (Status ok = store.Remove(name); !ok) return ok;  // a file never saved is no error
  if (store.ReadCurrent() == name) (void)store.WriteCurrent(created.parent);
  return store.ClearJournal();
}

}  // namespace cairn::drivers::qemu
