// CheckpointStore: one domain's checkpoint metadata on disk — one file per checkpoint,
// DIR/<name>.xml, in the redefine format (SECURE, with the domain) — plus a journal,
// DIR/.journal, that makes a multi-step change (bitmaps in images + several files)
// recoverable. Every write is atomic (temp file, fsync, rename, fsync dir); names are
// validated before they become paths. The caller holds the domain's lock.
//
// Journal protocol (create; delete is the same with the names to remove):
//   WriteJournal(intent) -> change bitmaps -> Save()/Remove() files -> ClearJournal()
// A crash anywhere leaves either no journal (old or new state, both consistent) or a
// journal that the next command replays: forward when the bitmaps changed, else back.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cairn/error.hpp"
#include "conf/checkpoint_def.hpp"

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
};

class CheckpointStore {
 public:
  explicit CheckpointStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }

  // Every stored definition. Unreadable or unparsable files are skipped and reported in
  // `skipped` (as libvirt skips them at daemon start) rather than failing the domain.
  Result<std::vector<conf::CheckpointDef>> LoadAll(std::vector<std::string>* skipped = nullptr) const;

  Status Save(const conf::CheckpointDef& def) const;
  Status Remove(std::string_view name) const;
  // Removes the directory and everything in it (undefine with checkpoint metadata).
  Status RemoveAll() const;

  // The driver-internal "current" checkpoint (parent of the next one), kept across
  // processes in DIR/.current; empty when none is recorded.
  std::string ReadCurrent() const;
  Status WriteCurrent(std::string_view name) const;

  Status WriteJournal(const CheckpointIntent& intent) const;
  Result<std::optional<CheckpointIntent>> ReadJournal() const;
  Status ClearJournal() const;

 private:
  Result<std::filesystem::path> PathOf(std::string_view name) const;
  std::filesystem::path dir_;
};

}  // namespace cairn::model
