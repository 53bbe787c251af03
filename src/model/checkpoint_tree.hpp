// CheckpointTree: the parent/child forest of one domain's checkpoints, by name only.
// It enforces libvirt's moment-list rules (unique names, existing parents, no cycles) and
// gives every operation a bounded cost: lookup O(1), delete O(children), listing O(visited),
// with no recursion, so a chain of 10^5 checkpoints is as safe as a short one.
// It holds no definitions and no "current" checkpoint: DomainCheckpoints keeps those, keyed
// by the same names. Not thread-safe; the owner serialises access (one lock per domain).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cairn/error.hpp"

namespace cairn::model {

// List flags, bit for bit libvirt's VIR_DOMAIN_CHECKPOINT_LIST_* (and the internal
// VIR_DOMAIN_MOMENT_LIST_*), so callers pass the public flags through unchanged. Bits not
// listed here are ignored: rejecting unknown flags is the entry point's job.
inline constexpr unsigned kListRoots = 1u << 0;        // ListAll: only parentless checkpoints
inline constexpr unsigned kListDescendants = 1u << 0;  // ListChildren: all descendants
inline constexpr unsigned kListTopological = 1u << 1;  // parents before their children
inline constexpr unsigned kListLeaves = 1u << 2;       // only checkpoints without children
inline constexpr unsigned kListNoLeaves = 1u << 3;     // only checkpoints with children

// Why names only, not a template over the definition: the tree's rules never look at a
// definition, and a driver must check a redefinition against the tree before it has parsed
// or aligned anything worth storing. Keeping definitions in the driver's own map lets the
// tree stay free of conf/ and lets tests and the benchmark build it from bare names.
//
// Errors use libvirt's codes and wording from virdomainmomentobjlist.c (error domain
// VIR_FROM_DOMAIN), so the CLI prints what virsh prints. Names the caller asks about but
// that are not in the tree are VIR_ERR_NO_DOMAIN_CHECKPOINT for mutators and ListChildren;
// the plain queries (ParentOf, ChildrenOf, ...) answer "nothing" instead.
//
// Order: libvirt's. Siblings (and roots) list most recently linked first: Add and SetParent
// put a node first among its siblings (SetParent even when the parent stays, as libvirt's
// redefine relinks), and Remove puts the removed node's children, in their order, in front
// of its parent's children. Every listing walks the forest depth-first, parents first, in
// that order, as libvirt's virDomainMomentForEachDescendant: deterministic and always
// topological, so the TOPOLOGICAL flag costs nothing extra. (libvirt's listing of the whole
// forest without TOPOLOGICAL is in hash-table order, which promises nothing; this one is.)
class CheckpointTree {
 public:
  CheckpointTree() = default;
  ~CheckpointTree() = default;
  // Moving keeps every link (nodes never move in memory); the moved-from tree is empty and
  // usable. Copying relinks each node, so it is explicit: Clone().
  CheckpointTree(CheckpointTree&& other) noexcept;
  CheckpointTree& operator=(CheckpointTree&& other) noexcept;
  CheckpointTree(const CheckpointTree&) = delete;
  CheckpointTree& operator=(const CheckpointTree&) = delete;

  // An equal tree: same links, same sibling order. O(nodes). For a set that starts from a
  // shared tree and changes it (DomainCheckpoints).
  CheckpointTree Clone() const;

  std::size_t Size() const { return nodes_.size(); }
  bool Contains(std::string_view name) const { return Find(name) != nullptr; }

  // The parent of `name`; nullopt for a root or an unknown name. O(1).
  std::optional<std::string> ParentOf(std::string_view name) const;
  // The direct children of `name`, most recently linked first; empty for a leaf or an unknown name.
  std::vector<std::string> ChildrenOf(std::string_view name) const;
  // Number of direct children; 0 for an unknown name. O(1).
  std::size_t ChildCount(std::string_view name) const;
  // Whether `ancestor` is a proper ancestor of `name` (false if either is unknown, and for
  // name == ancestor). O(depth of name). Drivers use it to tell whether their "current"
  // checkpoint falls inside a subtree being deleted.
  bool IsDescendantOf(std::string_view name, std::string_view ancestor) const;

  // Whether `name` (in the tree or not) may take `parent` (nullopt = become a root),
  // exactly as libvirt's virDomainMomentCheckCycles decides, without changing anything.
  // VIR_ERR_INVALID_ARG with "cannot set moment X as its own parent",
  // "parent P for moment X not found", or "parent A would create cycle to X" where A is the
  // ancestor of P whose parent is X. O(depth of parent). Plan steps call this directly.
  Status CheckParent(std::string_view name, std::optional<std::string_view> parent) const;

  // Adds a new node, first among its parent's children (or the roots). Checks, in libvirt's
  // order: own parent or missing parent -> VIR_ERR_INVALID_ARG as CheckParent; a name
  // already present -> VIR_ERR_OPERATION_FAILED "domain moment X already exists". On error
  // the tree is unchanged. O(1): a new name cannot close a cycle.
  Status Add(std::string_view name, std::optional<std::string_view> parent);

  // Moves an existing node, with its whole subtree, under `parent` (or to the roots): the
  // link half of redefining a checkpoint in place. Errors as CheckParent, or
  // VIR_ERR_NO_DOMAIN_CHECKPOINT if `name` is unknown; on error nothing changes. The node
  // becomes first among its siblings, even when the parent stays. O(depth of parent).
  Status SetParent(std::string_view name, std::optional<std::string_view> parent);

  // Deletes one node (plain checkpoint delete). Its children move to its parent, or become
  // roots, in their current order and in front of the children already there. VIR_ERR_NO_DOMAIN_CHECKPOINT if unknown.
  // O(number of children), whatever the number of siblings.
  Status Remove(std::string_view name);

  // Deletes every descendant of `name` and keeps `name`, now a leaf (DELETE_CHILDREN_ONLY).
  // Returns the removed names, each after all of its own descendants, so a caller dropping
  // bitmaps in that order never leaves a child without its parent. O(removed).
  Result<std::vector<std::string>> RemoveDescendants(std::string_view name);

  // Deletes `name` and every descendant (DELETE_CHILDREN). Returns the removed names as
  // RemoveDescendants does, with `name` last. O(removed).
  Result<std::vector<std::string>> RemoveWithDescendants(std::string_view name);

  // virDomainListAllCheckpoints: every node, or only roots with kListRoots, filtered by
  // kListLeaves / kListNoLeaves (both set: nothing, as libvirt applies both tests).
  // O(nodes visited).
  std::vector<std::string> ListAll(unsigned flags) const;

  // virDomainCheckpointListAllChildren: the direct children of `name`, or all its
  // descendants with kListDescendants (never `name` itself), filtered as ListAll.
  // VIR_ERR_NO_DOMAIN_CHECKPOINT if `name` is unknown. O(nodes visited).
  Result<std::vector<std::string>> ListChildren(std::string_view name, unsigned flags) const;

  std::vector<std::string> Roots() const { return ListAll(kListRoots); }
  std::vector<std::string> Leaves() const { return ListAll(kListLeaves); }

 private:
  struct Node;

  // An intrusive doubly linked list of siblings: O(1) unlink and O(1) append of a whole
  // list, which is what makes Remove independent of the number of siblings.
  struct ChildList {
    Node* first = nullptr;
    Node* last = nullptr;
    std::size_t count = 0;
  };

  // Raw pointers here never own: nodes_ owns every Node, and unordered_map never moves its
  // elements (not on rehash, not when the map itself is moved).
  struct Node {
    const std::string* name = nullptr;  // the map key of this node
    Node* parent = nullptr;             // nullptr for a root
    Node* prev = nullptr;               // siblings under the same parent
    Node* next = nullptr;
    ChildList children;
  };

  // Lets a std::string_view look up a std::string key without building a string.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  const Node* Find(std::string_view name) const;
  // The node `parent` names (nullptr for none), after the own-parent and missing-parent
  // checks that Add and CheckParent share.
  Result<const Node*> FindParent(std::string_view name,
                                 std::optional<std::string_view> parent) const;
  Node* Find(std::string_view name);
  ChildList& ListOf(Node* parent) { return parent ? parent->children : roots_; }
  void Link(Node* node, Node* parent);
  void Unlink(Node* node);
  void MoveChildren(Node* from, Node* to);
  // Depth-first, parents first, without recursion; `top == nullptr` walks the whole forest.
  template <typename Visit>
  void ForEachDescendant(const Node* top, Visit visit) const;
  std::vector<std::string> Collect(const Node* top, bool descendants, unsigned flags) const;
  void Erase(const std::vector<std::string>& names);

  std::unordered_map<std::string, Node, NameHash, std::equal_to<>> nodes_;
  ChildList roots_;
};

}  // namespace cairn::model
