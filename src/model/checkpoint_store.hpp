// CheckpointStore: one domain's checkpoint metadata on disk — one file per checkpoint,
// DIR/<name>.xml, in the redefine format (SECURE, with the domain) — plus a journal,
// DIR/.journal, that makes a multi-step change (bitmaps in images + several files)
// recoverable. Names are validated before they become paths. The caller holds the domain's
// lock.
//
// Journal protocol (create; delete is the same with the names to remove):
//   WriteJournal(intent) -> change bitmaps -> Save()/Remove() files -> ClearJournal()
// A crash anywhere leaves either no journal (old or new state, both consistent) or a
// journal that the next command replays: forward when the bitmaps changed, else back.
//
// Durability. Every file write is atomic (temp file, fsync, rename): a reader never sees a
// torn file. WriteJournal is durable when it returns — bitmaps may change only after that.
// Save, Remove and WriteCurrent are not: they become durable together, with one directory
// sync, at the next Commit() or ClearJournal(). fsyncs are what a checkpoint operation
// costs, and this halves them. Why it is safe: under a journal, a crash that loses them
// leaves the journal, whose replay redoes them; ClearJournal syncs the directory before it
// unlinks the journal, and that unlink needs no sync of its own — a journal that comes back
// after a crash replays forward over the state already made durable, which changes nothing,
// and the next change to DIR (journal write or Commit) syncs the directory anyway.
//
// Index. DIR/.index (checkpoint_index.hpp) summarises the files — names, parents, creation
// times, sibling order — so that LoadIndexed links the tree without parsing any definition,
// and a call reads only the definitions it uses (Load). It is never allowed to say what the
// files do not: the first staged change of a store drops it — durably before any file
// changes (under a journal, WriteJournal's own sync does that; without one, a directory
// sync) — and Commit()/ClearJournal() write the new one after the files are durable. So
// after a crash there is either no index (the next LoadIndexed reads every file, and a
// writer's writes the index again) or one that matches the files; a torn one fails its
// checksum and counts as none. The index is written without fsync: losing it costs one
// rebuild, never a wrong answer. Files changed behind Cairn's back are not noticed while
// an index stands: remove DIR/.index after editing them by hand.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cairn/error.hpp"
#include "conf/checkpoint_def.hpp"
#include "model/checkpoint_index.hpp"
#include "model/linked_checkpoints.hpp"

namespace cairn::model {

// An operation in flight, as recorded before it touches anything.
struct CheckpointIntent {
  enum class Kind { kCreate, kDelete };
  Kind kind = Kind::kCreate;
  // kCreate: the complete new definition. kDelete: unused.
  std::optional<conf::CheckpointDef> created;
  // kDelete: the checkpoints whose bitmaps and files go, children before parents.
  std::vector<std::string> removed;
  // kDelete: the survivors whose <parent> changes, and their new parent ("" = root).
  std::vector<std::pair<std::string, std::string>> reparented;
  // kDelete: the "current" checkpoint afterwards ("" = none), when the delete moves it.
  // (kCreate: the created checkpoint becomes current.)
  std::optional<std::string> new_current;
};

// The longest checkpoint name the store can keep: its file NAME.xml is written through a
// temp file ".NAME.xml.tmp-XXXXXX" (util/atomic_file), which must fit the 255-byte file name
// limit of Linux file systems.
inline constexpr std::size_t kMaxStoredNameBytes = 255 - (1 + 4 + 5 + 6);

class CheckpointStore {
 public:
  explicit CheckpointStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }

  // Every stored definition. Unreadable or unparsable files are skipped and reported in
  // `skipped` (as libvirt skips them at daemon start) rather than failing the domain.
  Result<std::vector<conf::CheckpointDef>> LoadAll(
      std::vector<std::string>* skipped = nullptr) const;

  // Every checkpoint, linked: from the index if it stands — then shared with every other
  // call of this process that reads the same index, definitions read when first used —
  // else from every file (as LoadAll). `write_index`: the caller holds the domain's lock and
  // no journal is pending, so an index rebuilt from the files may be written (after a
  // directory sync, so it never outlives the files it describes).
  Result<std::shared_ptr<const LinkedCheckpoints>> LoadIndexed(bool write_index) const;
  // One definition, read and parsed alone. VIR_ERR_NO_DOMAIN_CHECKPOINT when there is no
  // file (a writer deleted it since the index was read), else the read or parse error.
  Result<conf::CheckpointDef> Load(std::string_view name) const;

  // Staged: durable at the next Commit() or ClearJournal(). A checkpoint saved is linked
  // anew: in the index it goes first among its siblings at the next Commit(); several
  // saved in one change (children moved up by a delete) keep their order between them.
  Status Save(const conf::CheckpointDef& def) const;
  // Staged, like Save. Removing a checkpoint that has no file succeeds (replays redo it).
  Status Remove(std::string_view name) const;
  // Removes the directory and everything in it (undefine with checkpoint metadata).
  Status RemoveAll() const;

  // The driver-internal "current" checkpoint (parent of the next one), kept across
  // processes in DIR/.current; empty when none is recorded.
  // WriteCurrent is staged, like Save.
  std::string ReadCurrent() const;
  Status WriteCurrent(std::string_view name) const;

  // Makes every staged change durable, then writes the index if this store knows every
  // checkpoint (LoadIndexed ran). For changes made without a journal (redefine).
  Status Commit() const;

  // Whether a checkpoint called `name` can be stored: a valid name of at most
  // kMaxStoredNameBytes bytes. Errors: VIR_ERR_INVALID_ARG naming the name and the limit.
  Status CheckStorable(std::string_view name) const;

  // Durable when it returns. A created checkpoint whose name cannot be stored is refused
  // (CheckStorable's error) before anything is written, so no replay can fail on it.
  Status WriteJournal(const CheckpointIntent& intent) const;
  Result<std::optional<CheckpointIntent>> ReadJournal() const;
  // Commit(), then removes the journal: the change it described is complete.
  Status ClearJournal() const;
  // The journal's path, for messages that tell the user what to remove.
  std::filesystem::path JournalPath() const;

 private:
  Result<std::filesystem::path> PathOf(std::string_view name) const;
  // Whether table_ holds every checkpoint (parsing a cached index's text the first time).
  bool KnowsEveryCheckpoint() const;
  // Before the first staged change: the index goes, durably before any file changes.
  Status DropIndex() const;
  void WriteIndex() const;

  std::filesystem::path dir_;
  // What the index will say, kept from LoadIndexed on (absent: this store never loaded,
  // so it writes no index). Mutable: the store's const writers keep it in step.
  mutable std::optional<std::unordered_map<std::string, CheckpointIndexEntry>> table_;
  // table_'s source when the index was linked by an earlier call: parsed if a change comes.
  mutable std::shared_ptr<const std::string> unparsed_index_;
  mutable std::vector<std::string> relinked_;  // saved since the last Commit, in order
  mutable std::uint64_t next_rank_ = 1;
  mutable std::uint64_t generation_ = 0;
  mutable bool index_dropped_ = false;
};

}  // namespace cairn::model
