// DomainCheckpoints: the checkpoints of one domain — their definitions, the tree that links
// them, and the driver-internal "current" checkpoint that becomes the parent of the next one
// (never exposed: the contract has no current checkpoint). It applies libvirt's moment-list
// rules (duplicate names, missing parents, cycles, redefinition in place, delete with
// re-parenting, children and children-only) in two steps: Plan* checks and computes, without
// changing anything, what Commit* then applies and cannot fail. A driver that must also
// touch disks and files does its I/O between the two, so a failure leaves nothing half-done.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cairn/error.hpp"
#include "conf/checkpoint_def.hpp"
#include "model/checkpoint_tree.hpp"
#include "model/linked_checkpoints.hpp"

namespace cairn::model {

// What a delete will do, computed before anything changes.
struct DeletePlan {
  std::string target;
  std::vector<std::string> removed;     // every checkpoint whose metadata goes, target included
                                        // unless children-only; parents listed after children
  std::vector<std::string> reparented;  // survivors whose parent changes
  std::optional<std::string> new_current;  // set when "current" moves
};

class DomainCheckpoints {
 public:
  // `driver_domain` is the error domain of what libvirt's driver raises itself (checkpoint
  // not found, no parent): VIR_FROM_TEST or VIR_FROM_QEMU. The moment-list rules keep
  // libvirt's VIR_FROM_DOMAIN.
  DomainCheckpoints() = default;
  explicit DomainCheckpoints(ErrorDomain driver_domain) : driver_domain_(driver_domain) {}

  bool empty() const { return tree().Size() == 0; }
  std::size_t size() const { return tree().Size(); }
  bool Contains(std::string_view name) const;
  // The definition of `name`, or VIR_ERR_NO_DOMAIN_CHECKPOINT
  // "no domain checkpoint with matching name 'x'". After LoadLinked, a definition is read
  // (through the loader) the first time it is asked for; its error is returned then. The
  // pointer stays valid until the checkpoint is removed or replaced.
  Result<const conf::CheckpointDef*> Find(std::string_view name) const;
  const std::string& current() const { return current_; }
  const CheckpointTree& tree() const { return linked_ ? linked_->tree() : tree_; }

  // A new checkpoint: `def` is complete (named, timed, aligned). Duplicate name ->
  // VIR_ERR_OPERATION_FAILED "domain moment X already exists". Sets def.parent to the
  // current checkpoint.
  Status PlanCreate(conf::CheckpointDef& def) const;
  // Adds it, links it under its parent and makes it current.
  void CommitCreate(conf::CheckpointDef def);

  // A redefinition: own parent, missing parent, or a cycle -> VIR_ERR_INVALID_ARG with
  // libvirt's wording. Returns whether the checkpoint will replace an existing one.
  Result<bool> PlanRedefine(const conf::CheckpointDef& def) const;
  // Replaces in place (children kept) or adds; "current" moves to it only when there was
  // none or its parent is the current one.
  void CommitRedefine(conf::CheckpointDef def);

  Result<DeletePlan> PlanDelete(std::string_view name, bool children, bool children_only) const;
  void CommitDelete(const DeletePlan& plan);

  // Parent name, or VIR_ERR_NO_DOMAIN_CHECKPOINT "checkpoint 'x' does not have a parent".
  Result<std::string> ParentOf(std::string_view name) const;
  // Listings with libvirt's list flags (see CheckpointTree).
  std::vector<std::string> List(unsigned flags) const;
  Result<std::vector<std::string>> ListChildren(std::string_view name, unsigned flags) const;

  // Rebuilds from definitions read back from storage (parents named in each definition).
  // Definitions whose parent is missing or that form a cycle become roots; "current" is the
  // unique leaf when the checkpoints form a single chain, else none — as libvirt does.
  // Checkpoints are linked by creation time (then name), parents first, so siblings list
  // newest first: the order their creation gave them, not what a redefine or re-parenting
  // did later.
  // Returns the names whose links had to be repaired.
  std::vector<std::string> Load(std::vector<conf::CheckpointDef> defs);
  // Starts from checkpoints linked from an index (CheckpointStore::LoadIndexed), shared
  // with other calls: nothing is copied until the first Commit* (which copies the tree,
  // O(checkpoints)); Find reads definitions through `linked`. "current" as Load chooses it.
  void LoadLinked(std::shared_ptr<const LinkedCheckpoints> linked);
  // Restores the "current" a previous process recorded, if that checkpoint still exists.
  void RestoreCurrent(std::string_view name) {
    if (tree().Contains(name)) current_ = std::string(name);
  }

 private:
  // The tree to change: a copy of linked_'s is made on the first change.
  CheckpointTree& MutableTree();

  // Until the first change, the shared checkpoints this set was loaded from; then null.
  std::shared_ptr<const LinkedCheckpoints> linked_;
  // Definitions read through linked_ stay there; a name is looked up here first.
  std::shared_ptr<const LinkedCheckpoints> definitions_;
  CheckpointTree tree_;
  // The definitions this set holds itself: all of them after Load; after LoadLinked, those
  // created, redefined or re-parented since (a re-parented one copied with its new parent).
  mutable std::unordered_map<std::string, conf::CheckpointDef> defs_;
  std::string current_;
  ErrorDomain driver_domain_ = ErrorDomain::kDomainCheckpoint;
};

}  // namespace cairn::model
