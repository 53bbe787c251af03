// CheckpointCreation: the one way a checkpoint comes into being in the qemu driver — by
// checkpoint-create, with a backup (backup-begin's checkpoint XML), and, after a cairn
// process was killed half-way, by the recovery of either. Bitmaps (in the images) and
// metadata (in the store) must never disagree for longer than the store's journal says, so
// every step is written here once, with its crash point, and every path out is one of three:
// committed, rolled back, or left to the next call on the domain (which finishes or undoes
// it from the journal: Recover).
//
//   Prepare            checks only (shared rules, then no stale bitmap of that name, or
//                      with StaleCheck::kOnFailure that check made when AddBitmaps fails)
//     |
//   WriteJournal       journal(create) ........ crash: "checkpoint-create:journal-written"
//     |                                          -> Recover: no bitmap there -> dropped
//   AddBitmaps         one transaction on every disk at one instant; or the caller joins
//   (or BitmapActions  BitmapActions() to a larger transaction and reports BitmapsAdded()
//    + BitmapsAdded)
//     |                                ....... crash: "checkpoint-create:bitmaps-added"
//     |                                          -> Recover: all there -> saved (forward)
//   SaveMetadata       NAME.xml written ........ crash: "checkpoint-create:metadata-saved"
//     |                                          -> Recover: saved again, made current
//   Commit             made current, journal cleared, the session's checkpoints updated
//
//   destroyed before Commit: rolled back — journal only: cleared; bitmaps (maybe) added:
//   Undo (the bitmaps that are there removed, the file removed, current restored, journal
//   cleared). LeaveToNextLook(): no roll-back; the journal stays for Recover (a failure past
//   checkpoint-create's point of no return, or a backup begin whose job record rolls back).
//   Recover (journal found under the lock): all bitmaps there and the name storable ->
//   forward (save, current); otherwise the bitmaps that are there are removed. Undo: the
//   same removal whatever the bitmaps, for a begin rolled back. Both idempotent.
//
// Thread rule: the session's (one thread); the session holds the domain's lock.
#pragma once

#include <string_view>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "drivers/qemu/domain_session.hpp"
#include "qmp/qmp_commands.hpp"

namespace cairn::drivers::qemu {

class CheckpointCreation {
 public:
  // When the check for a bitmap that already has the new name (CheckNoStaleBitmap) asks
  // QEMU (or qemu-img) for the disks' bitmaps, an answer that grows with the checkpoints.
  enum class StaleCheck {
    kFirst,      // in Prepare, before anything is written (a caller joining BitmapActions)
    kOnFailure,  // only if AddBitmaps fails, as a stale bitmap makes it: then the same error
  };
  // Fills in and checks `def` (conf::PrepareNewCheckpoint, CheckBitmapDisks, the tree rules
  // of DomainCheckpoints::PlanCreate, CheckNoStaleBitmap as `stale` says); nothing written.
  static Result<CheckpointCreation> Prepare(DomainSession& session, conf::CheckpointDef def,
                                            StaleCheck stale = StaleCheck::kFirst);

  CheckpointCreation(CheckpointCreation&& other) noexcept;
  CheckpointCreation& operator=(CheckpointCreation&&) = delete;
  CheckpointCreation(const CheckpointCreation&) = delete;
  ~CheckpointCreation();

  const conf::CheckpointDef& def() const { return def_; }

  Status WriteJournal();
  // The bitmaps on their own: one transaction (running), qemu-img (shut off).
  Status AddBitmaps();
  // For a caller's larger transaction: block-dirty-bitmap-add of every bitmap; once that
  // transaction succeeded, BitmapsAdded().
  std::vector<qmp::TransactionAction> BitmapActions() const;
  void BitmapsAdded();
  Status SaveMetadata();
  // Current, journal cleared (best effort: the checkpoint stands either way), in memory.
  void Commit();
  // No roll-back: the journal stays, and the next locked call's Recover decides.
  void LeaveToNextLook();

  // A create journal found under the lock: finished or undone (see above).
  static Status Recover(DomainSession& session, const conf::CheckpointDef& created);
  // Undoes the creation of checkpoint `name` if the journal still records it (else the
  // checkpoint stands, and nothing happens).
  static Status Undo(DomainSession& session, std::string_view name);

 private:
  enum class Step { kPrepared, kJournalWritten, kBitmapsAdded, kSaved, kDone };
  CheckpointCreation(DomainSession& session, conf::CheckpointDef def, StaleCheck stale)
      : session_(&session), def_(std::move(def)), stale_check_(stale) {}

  DomainSession* session_;
  conf::CheckpointDef def_;
  StaleCheck stale_check_;
  Step step_ = Step::kPrepared;
};

}  // namespace cairn::drivers::qemu
