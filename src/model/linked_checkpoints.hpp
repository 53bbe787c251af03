// LinkedCheckpoints: a domain's checkpoint tree linked from its index, immutable once built,
// with the definitions read on demand and kept. CheckpointStore::LoadIndexed shares one per
// index text across every call of a process, so a call on a domain with 1,000 checkpoints
// neither re-links the tree nor re-parses a definition another call already read.
// Thread rule: the tree is read-only after LinkCheckpoints; Definition() may be called from
// any thread (a mutex guards the definitions read so far).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cairn/error.hpp"
#include "conf/checkpoint_def.hpp"
#include "model/checkpoint_index.hpp"
#include "model/checkpoint_tree.hpp"

namespace cairn::model {

// Reads one definition (CheckpointStore::Load).
using DefinitionLoader = std::function<Result<conf::CheckpointDef>(std::string_view name)>;

class LinkedCheckpoints {
 public:
  const CheckpointTree& tree() const { return tree_; }
  // The names whose links had to be repaired (missing parent, cycle): they are roots.
  const std::vector<std::string>& repaired() const { return repaired_; }
  // The unique leaf when the checkpoints form a single chain, else "" (libvirt's rule for
  // a "current" checkpoint nobody recorded).
  const std::string& sole_leaf() const { return sole_leaf_; }

  // The stored definition of `name` (its <parent> as the file says; the tree's link may
  // differ when repaired), read once. Errors: the loader's.
  Result<std::shared_ptr<const conf::CheckpointDef>> Definition(std::string_view name) const;

 private:
  friend std::shared_ptr<const LinkedCheckpoints> LinkCheckpoints(
      const std::vector<CheckpointIndexEntry>&, std::vector<conf::CheckpointDef>,
      DefinitionLoader);
  CheckpointTree tree_;
  std::vector<std::string> repaired_;
  std::string sole_leaf_;
  DefinitionLoader load_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const conf::CheckpointDef>> defs_;
};

// Links every entry — each sibling group by rank, highest first, so the order the index
// recorded comes back; missing parents and cycles become roots — and keeps the definitions
// already `parsed` plus `loader` for the others.
std::shared_ptr<const LinkedCheckpoints> LinkCheckpoints(
    const std::vector<CheckpointIndexEntry>& entries, std::vector<conf::CheckpointDef> parsed,
    DefinitionLoader loader);

}  // namespace cairn::model
