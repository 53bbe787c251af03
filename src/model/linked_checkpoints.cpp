// LinkedCheckpoints: linking an index's entries by rank, and definitions read once.
#include "model/linked_checkpoints.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace cairn::model {

Result<std::shared_ptr<const conf::CheckpointDef>> LinkedCheckpoints::Definition(
    std::string_view name) const {
  {
    std::lock_guard lock(mu_);
    if (auto it = defs_.find(std::string(name)); it != defs_.end()) return it->second;
  }
  if (!load_) {
    return Fail(ErrorCode::kNoDomainCheckpoint, ErrorDomain::kDomainCheckpoint,
                fmt::format("no domain checkpoint with matching name '{}'", name));
  }
  Result<conf::CheckpointDef> def = load_(name);  // outside the lock: it reads a file
  if (!def) return std::unexpected(def.error());
  auto shared = std::make_shared<const conf::CheckpointDef>(std::move(*def));
  std::lock_guard lock(mu_);
  return defs_.try_emplace(std::string(name), std::move(shared)).first->second;
}

std::shared_ptr<const LinkedCheckpoints> LinkCheckpoints(
    const std::vector<CheckpointIndexEntry>& entries, std::vector<conf::CheckpointDef> parsed,
    DefinitionLoader loader) {
  auto linked = std::make_shared<LinkedCheckpoints>();
  linked->load_ = std::move(loader);
  for (conf::CheckpointDef& d : parsed) {
    std::string name = d.name;
    linked->defs_.insert_or_assign(std::move(name),
                                   std::make_shared<const conf::CheckpointDef>(std::move(d)));
  }
  CheckpointTree& tree = linked->tree_;
  std::vector<std::string>& repaired = linked->repaired_;
  std::unordered_map<std::string_view, const CheckpointIndexEntry*> by_name;
  for (const CheckpointIndexEntry& e : entries) by_name.emplace(e.name, &e);
  // Children of each parent ("" = the roots) in ascending rank: linking them in that order
  // leaves the highest rank first, as each link goes in front of its siblings.
  std::unordered_map<std::string_view, std::vector<const CheckpointIndexEntry*>> children;
  for (const CheckpointIndexEntry& e : entries) {
    std::string_view parent = e.parent;
    if (!parent.empty() && (!by_name.contains(parent) || parent == e.name)) {
      repaired.push_back(e.name);
      parent = {};
    }
    children[parent].push_back(&e);
  }
  auto by_rank = [](const CheckpointIndexEntry* a, const CheckpointIndexEntry* b) {
    return a->rank != b->rank ? a->rank < b->rank : a->name < b->name;
  };
  for (auto& [parent, list] : children) std::sort(list.begin(), list.end(), by_rank);
  auto link_from = [&](std::string_view top) {
    // Breadth first: each sibling group is linked whole, in its order, before any below it.
    std::vector<std::string_view> queue{top};
    for (std::size_t i = 0; i < queue.size(); ++i) {
      auto it = children.find(queue[i]);
      if (it == children.end()) continue;
      std::optional<std::string_view> parent;
      if (!queue[i].empty()) parent = queue[i];
      for (const CheckpointIndexEntry* e : it->second) {
        if (tree.Contains(e->name)) continue;
        (void)tree.Add(e->name, parent);
        queue.push_back(e->name);
      }
    }
  };
  link_from({});
  // What is left hangs in a cycle: its least recently linked member becomes a root.
  std::vector<const CheckpointIndexEntry*> left;
  for (const CheckpointIndexEntry& e : entries) {
    if (!tree.Contains(e.name)) left.push_back(&e);
  }
  std::sort(left.begin(), left.end(), by_rank);
  for (const CheckpointIndexEntry* e : left) {
    if (tree.Contains(e->name)) continue;
    repaired.push_back(e->name);
    (void)tree.Add(e->name, std::nullopt);
    link_from(e->name);
  }
  std::vector<std::string> roots = tree.Roots();
  std::vector<std::string> leaves = tree.Leaves();
  if (roots.size() == 1 && leaves.size() == 1) linked->sole_leaf_ = leaves.front();
  return linked;
}

}  // namespace cairn::model
