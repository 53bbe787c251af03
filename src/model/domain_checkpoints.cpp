// DomainCheckpoints: libvirt's moment-list rules over CheckpointTree plus definitions.
#include "model/domain_checkpoints.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "cairn/flags.hpp"

namespace cairn::model {

// Drivers pass the public list flags straight through to the tree.
static_assert(Bits(CheckpointListFlags::kRoots) == kListRoots);
static_assert(Bits(CheckpointListFlags::kDescendants) == kListDescendants);
static_assert(Bits(CheckpointListFlags::kTopological) == kListTopological);
static_assert(Bits(CheckpointListFlags::kLeaves) == kListLeaves);
static_assert(Bits(CheckpointListFlags::kNoLeaves) == kListNoLeaves);

namespace {

std::optional<std::string_view> ParentArg(const std::string& parent) {
  if (parent.empty()) return std::nullopt;
  return std::string_view(parent);
}

Error NotFound(std::string_view name, ErrorDomain domain) {
  return Error(ErrorCode::kNoDomainCheckpoint, domain,
               fmt::format("no domain checkpoint with matching name '{}'", name));
}

}  // namespace

bool DomainCheckpoints::Contains(std::string_view name) const { return tree().Contains(name); }

Result<const conf::CheckpointDef*> DomainCheckpoints::Find(std::string_view name) const {
  if (!tree().Contains(name)) return std::unexpected(NotFound(name, driver_domain_));
  if (auto it = defs_.find(std::string(name)); it != defs_.end()) return &it->second;
  if (!definitions_) return std::unexpected(NotFound(name, driver_domain_));
  Result<std::shared_ptr<const conf::CheckpointDef>> def = definitions_->Definition(name);
  if (!def) {
    if (def.error().code() == ErrorCode::kNoDomainCheckpoint) {
      return std::unexpected(NotFound(name, driver_domain_));
    }
    return std::unexpected(def.error());
  }
  const std::string parent = tree().ParentOf(name).value_or("");
  if ((*def)->parent == parent) return def->get();  // kept alive by definitions_
  // A repaired link: this set's copy says what the tree says.
  conf::CheckpointDef copy = **def;
  copy.parent = parent;
  return &defs_.insert_or_assign(std::string(name), std::move(copy)).first->second;
}

void DomainCheckpoints::LoadLinked(std::shared_ptr<const LinkedCheckpoints> linked) {
  tree_ = CheckpointTree();
  defs_.clear();
  current_ = linked->sole_leaf();
  definitions_ = linked;
  linked_ = std::move(linked);
}

CheckpointTree& DomainCheckpoints::MutableTree() {
  if (linked_) {
    tree_ = linked_->tree().Clone();
    linked_.reset();
  }
  return tree_;
}

Status DomainCheckpoints::PlanCreate(conf::CheckpointDef& def) const {
  if (tree().Contains(def.name)) {
    return Fail(ErrorCode::kOperationFailed, ErrorDomain::kDomain,
                fmt::format("domain moment {} already exists", def.name));
  }
  def.parent = current_;
  return {};
}

void DomainCheckpoints::CommitCreate(conf::CheckpointDef def) {
  std::string name = def.name;
  // PlanCreate proved the name new and the parent present, so this cannot fail.
  (void)MutableTree().Add(name, ParentArg(def.parent));
  defs_.insert_or_assign(name, std::move(def));
  current_ = std::move(name);
}

Result<bool> DomainCheckpoints::PlanRedefine(const conf::CheckpointDef& def) const {
  if (Status ok = tree().CheckParent(def.name, ParentArg(def.parent)); !ok) {
    return std::unexpected(ok.error());
  }
  return tree().Contains(def.name);
}

void DomainCheckpoints::CommitRedefine(conf::CheckpointDef def) {
  std::string name = def.name;
  const bool becomes_current = current_.empty() || (!def.parent.empty() && def.parent == current_);
  if (MutableTree().Contains(name)) {
    (void)MutableTree().SetParent(name, ParentArg(def.parent));
  } else {
    (void)MutableTree().Add(name, ParentArg(def.parent));
  }
  defs_.insert_or_assign(name, std::move(def));
  if (becomes_current) current_ = std::move(name);
}

Result<DeletePlan> DomainCheckpoints::PlanDelete(std::string_view name, bool children,
                                                 bool children_only) const {
  if (!tree().Contains(name)) return std::unexpected(NotFound(name, driver_domain_));
  DeletePlan plan;
  plan.target = std::string(name);
  const std::optional<std::string> parent = tree().ParentOf(name);
  // Only a subtree delete needs to know whether "current" lies below the target; asking
  // costs the depth of current, which a plain delete of a long chain must not pay.
  const bool current_in_subtree = (children || children_only) && !current_.empty() &&
                                  tree().IsDescendantOf(current_, name);
  if (children || children_only) {
    Result<std::vector<std::string>> below = tree().ListChildren(name, kListDescendants);
    if (!below) return std::unexpected(below.error());
    // Parents-first order reversed: every checkpoint comes after all of its descendants.
    plan.removed.assign(below->rbegin(), below->rend());
    if (children_only) {
      if (current_in_subtree) plan.new_current = plan.target;
      return plan;
    }
  } else {
    plan.reparented = tree().ChildrenOf(name);
  }
  plan.removed.push_back(plan.target);
  if (current_ == name || (children && current_in_subtree)) {
    plan.new_current = parent.value_or("");
  }
  return plan;
}

void DomainCheckpoints::CommitDelete(const DeletePlan& plan) {
  const std::string new_parent = MutableTree().ParentOf(plan.target).value_or("");
  const bool target_removed =
      !plan.removed.empty() && plan.removed.back() == plan.target;
  if (!target_removed) {
    (void)MutableTree().RemoveDescendants(plan.target);
  } else if (plan.removed.size() > 1) {
    (void)MutableTree().RemoveWithDescendants(plan.target);
  } else {
    (void)MutableTree().Remove(plan.target);
    for (const std::string& child : plan.reparented) {
      if (auto it = defs_.find(child); it != defs_.end()) it->second.parent = new_parent;
    }
  }
  for (const std::string& gone : plan.removed) defs_.erase(gone);
  if (plan.new_current) current_ = *plan.new_current;
}

Result<std::string> DomainCheckpoints::ParentOf(std::string_view name) const {
  if (!tree().Contains(name)) return std::unexpected(NotFound(name, driver_domain_));
  std::optional<std::string> parent = tree().ParentOf(name);
  if (!parent) {
    return Fail(ErrorCode::kNoDomainCheckpoint, driver_domain_,
                fmt::format("checkpoint '{}' does not have a parent", name));
  }
  return *parent;
}

std::vector<std::string> DomainCheckpoints::List(unsigned flags) const {
  return tree().ListAll(flags);
}

Result<std::vector<std::string>> DomainCheckpoints::ListChildren(std::string_view name,
                                                                 unsigned flags) const {
  if (!tree().Contains(name)) return std::unexpected(NotFound(name, driver_domain_));
  return tree().ListChildren(name, flags);
}

std::vector<std::string> DomainCheckpoints::Load(std::vector<conf::CheckpointDef> defs) {
  tree_ = CheckpointTree();
  linked_.reset();
  definitions_.reset();
  defs_.clear();
  current_.clear();
  for (conf::CheckpointDef& d : defs) {
    std::string name = d.name;
    defs_.insert_or_assign(std::move(name), std::move(d));
  }
  // Insert parents before children without recursion; a missing parent or a cycle turns
  // the checkpoint into a root, as libvirt's relation rebuild does.
  enum class Mark { kNew, kOpen, kDone };
  std::unordered_map<std::string, Mark> mark;
  for (const auto& [name, def] : defs_) mark.emplace(name, Mark::kNew);
  std::vector<std::string> repaired;
  std::vector<std::string> names;
  names.reserve(defs_.size());
  for (const auto& [name, def] : defs_) names.push_back(name);
  // Linked oldest first, so siblings list newest first, as they did when each was created
  // (libvirt's own reload links in hash order, which keeps nothing). Ties go by name.
  std::sort(names.begin(), names.end(), [this](const std::string& a, const std::string& b) {
    const std::int64_t ta = defs_.at(a).creation_time, tb = defs_.at(b).creation_time;
    return ta != tb ? ta < tb : a < b;
  });
  for (const std::string& start : names) {
    if (mark[start] != Mark::kNew) continue;
    std::vector<std::string> stack{start};
    while (!stack.empty()) {
      const std::string top = stack.back();
      conf::CheckpointDef& def = defs_[top];
      mark[top] = Mark::kOpen;
      if (!def.parent.empty()) {
        auto it = mark.find(def.parent);
        if (it != mark.end() && it->second == Mark::kNew) {
          stack.push_back(def.parent);
          continue;
        }
        if (it == mark.end() || it->second == Mark::kOpen) {
          repaired.push_back(top);
          def.parent.clear();
        }
      }
      (void)tree_.Add(top, ParentArg(def.parent));
      mark[top] = Mark::kDone;
      stack.pop_back();
    }
  }
  std::vector<std::string> roots = tree_.Roots();
  std::vector<std::string> leaves = tree_.Leaves();
  if (roots.size() == 1 && leaves.size() == 1) current_ = leaves.front();
  return repaired;
}

}  // namespace cairn::model
