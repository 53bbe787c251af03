#include "model/checkpoint_tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace cairn::model {
namespace {

// virdomainmomentobjlist.c reports from VIR_FROM_DOMAIN.
constexpr ErrorDomain kErrorDomain = ErrorDomain::kDomain;

std::unexpected<Error> NotFound(std::string_view name) {
  return Fail(ErrorCode::kNoDomainCheckpoint, ErrorDomain::kDomainCheckpoint,
              fmt::format("no domain checkpoint with matching name '{}'", name));
}

}  // namespace

CheckpointTree::CheckpointTree(CheckpointTree&& other) noexcept
    : nodes_(std::move(other.nodes_)), roots_(std::exchange(other.roots_, {})) {
  other.nodes_.clear();
}

CheckpointTree& CheckpointTree::operator=(CheckpointTree&& other) noexcept {
  if (this != &other) {
    nodes_ = std::move(other.nodes_);
    roots_ = std::exchange(other.roots_, {});
    other.nodes_.clear();
  }
  return *this;
}

const CheckpointTree::Node* CheckpointTree::Find(std::string_view name) const {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : &it->second;
}

CheckpointTree::Node* CheckpointTree::Find(std::string_view name) {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : &it->second;
}

CheckpointTree CheckpointTree::Clone() const {
  CheckpointTree copy;
  // Parents before children, and each sibling list from its last node to its first: Add
  // puts each in front, so the copy's lists come out in the original order.
  std::vector<const Node*> queue;
  for (const Node* n = roots_.last; n != nullptr; n = n->prev) queue.push_back(n);
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const Node* n = queue[i];
    std::optional<std::string_view> parent;
    if (n->parent != nullptr) parent = *n->parent->name;
    (void)copy.Add(*n->name, parent);
    for (const Node* c = n->children.last; c != nullptr; c = c->prev) queue.push_back(c);
  }
  return copy;
}

void CheckpointTree::Link(Node* node, Node* parent) {
  // First among its siblings, as libvirt's virDomainMomentSetParent.
  ChildList& list = ListOf(parent);
  node->parent = parent;
  node->prev = nullptr;
  node->next = list.first;
  if (list.first != nullptr) {
    list.first->prev = node;
  } else {
    list.last = node;
  }
  list.first = node;
  ++list.count;
}

void CheckpointTree::Unlink(Node* node) {
  ChildList& list = ListOf(node->parent);
  if (node->prev != nullptr) {
    node->prev->next = node->next;
  } else {
    list.first = node->next;
  }
  if (node->next != nullptr) {
    node->next->prev = node->prev;
  } else {
    list.last = node->prev;
  }
  --list.count;
  node->parent = node->prev = node->next = nullptr;
}

void CheckpointTree::MoveChildren(Node* from, Node* to) {
  ChildList& source = from->children;
  if (source.first == nullptr) return;
  for (Node* child = source.first; child != nullptr; child = child->next) child->parent = to;
  // The whole list goes in front of the new parent's children, in its own order, as
  // libvirt's virDomainMomentMoveChildren.
  ChildList& target = ListOf(to);
  if (target.first != nullptr) {
    source.last->next = target.first;
    target.first->prev = source.last;
  } else {
    target.last = source.last;
  }
  target.first = source.first;
  target.count += source.count;
  source = {};
}

template <typename Visit>
void CheckpointTree::ForEachDescendant(const Node* top, Visit visit) const {
  const Node* node = top != nullptr ? top->children.first : roots_.first;
  while (node != nullptr) {
    visit(node);
    if (node->children.first != nullptr) {
      node = node->children.first;
      continue;
    }
    // Climb until a node with a next sibling; reaching `top` (nullptr for the whole forest)
    // means the subtree is done.
    while (node != top && node->next == nullptr) node = node->parent;
    node = node == top ? nullptr : node->next;
  }
}

std::optional<std::string> CheckpointTree::ParentOf(std::string_view name) const {
  const Node* node = Find(name);
  if (node == nullptr || node->parent == nullptr) return std::nullopt;
  return *node->parent->name;
}

std::vector<std::string> CheckpointTree::ChildrenOf(std::string_view name) const {
  const Node* node = Find(name);
  if (node == nullptr) return {};
  return Collect(node, false, 0);
}

std::size_t CheckpointTree::ChildCount(std::string_view name) const {
  const Node* node = Find(name);
  return node == nullptr ? 0 : node->children.count;
}

bool CheckpointTree::IsDescendantOf(std::string_view name, std::string_view ancestor) const {
  const Node* node = Find(name);
  const Node* target = Find(ancestor);
  if (node == nullptr || target == nullptr) return false;
  for (const Node* up = node->parent; up != nullptr; up = up->parent) {
    if (up == target) return true;
  }
  return false;
}

Result<const CheckpointTree::Node*> CheckpointTree::FindParent(
    std::string_view name, std::optional<std::string_view> parent) const {
  if (!parent) return nullptr;
  if (*parent == name) {
    return Fail(ErrorCode::kInvalidArg, kErrorDomain,
                fmt::format("cannot set moment {} as its own parent", name));
  }
  const Node* node = Find(*parent);
  if (node == nullptr) {
    return Fail(ErrorCode::kInvalidArg, kErrorDomain,
                fmt::format("parent {} for moment {} not found", *parent, name));
  }
  return node;
}

Status CheckpointTree::CheckParent(std::string_view name,
                                   std::optional<std::string_view> parent) const {
  Result<const Node*> other = FindParent(name, parent);
  if (!other) return std::unexpected(std::move(other.error()));
  for (const Node* up = *other; up != nullptr && up->parent != nullptr; up = up->parent) {
    if (*up->parent->name == name) {
      return Fail(ErrorCode::kInvalidArg, kErrorDomain,
                  fmt::format("parent {} would create cycle to {}", *up->name, name));
    }
  }
  return {};
}

Status CheckpointTree::Add(std::string_view name, std::optional<std::string_view> parent) {
  // No cycle walk: nothing in the tree can have a parent named `name` yet.
  Result<const Node*> parent_node = FindParent(name, parent);
  if (!parent_node) return std::unexpected(std::move(parent_node.error()));
  auto [it, inserted] = nodes_.try_emplace(std::string(name));
  if (!inserted) {
    return Fail(ErrorCode::kOperationFailed, kErrorDomain,
                fmt::format("domain moment {} already exists", name));
  }
  Node* node = &it->second;
  node->name = &it->first;
  // The parent is a node of this (non-const) tree; FindParent is const only to serve
  // CheckParent as well.
  Link(node, const_cast<Node*>(*parent_node));
  return {};
}

Status CheckpointTree::SetParent(std::string_view name, std::optional<std::string_view> parent) {
  Node* node = Find(name);
  if (node == nullptr) return NotFound(name);
  if (Status ok = CheckParent(name, parent); !ok) return ok;
  Node* parent_node = parent ? Find(*parent) : nullptr;
  // Relinked even under the same parent: libvirt drops and relinks a redefined moment, which
  // puts it first among its siblings.
  Unlink(node);
  Link(node, parent_node);
  return {};
}

Status CheckpointTree::Remove(std::string_view name) {
  auto it = nodes_.find(name);
  if (it == nodes_.end()) return NotFound(name);
  Node* node = &it->second;
  Node* parent = node->parent;
  Unlink(node);
  MoveChildren(node, parent);
  nodes_.erase(it);
  return {};
}

void CheckpointTree::Erase(const std::vector<std::string>& names) {
  for (const std::string& name : names) nodes_.erase(name);
}

Result<std::vector<std::string>> CheckpointTree::RemoveDescendants(std::string_view name) {
  Node* node = Find(name);
  if (node == nullptr) return NotFound(name);
  std::vector<std::string> removed = Collect(node, true, 0);
  std::reverse(removed.begin(), removed.end());
  // Every descendant goes, so the child list is dropped whole instead of unlinked per node.
  node->children = {};
  Erase(removed);
  return removed;
}

Result<std::vector<std::string>> CheckpointTree::RemoveWithDescendants(std::string_view name) {
  Node* node = Find(name);
  if (node == nullptr) return NotFound(name);
  std::vector<std::string> removed = Collect(node, true, 0);
  std::reverse(removed.begin(), removed.end());
  removed.push_back(*node->name);
  Unlink(node);
  Erase(removed);
  return removed;
}

std::vector<std::string> CheckpointTree::Collect(const Node* top, bool descendants,
                                                 unsigned flags) const {
  std::vector<std::string> names;
  const bool leaves = (flags & kListLeaves) != 0;
  const bool no_leaves = (flags & kListNoLeaves) != 0;
  if (leaves && no_leaves) return names;
  auto keep = [&](const Node* node) {
    const bool has_children = node->children.first != nullptr;
    if ((leaves && has_children) || (no_leaves && !has_children)) return;
    names.push_back(*node->name);
  };
  if (descendants) {
    if (top == nullptr && !leaves && !no_leaves) names.reserve(nodes_.size());
    ForEachDescendant(top, keep);
  } else {
    const ChildList& list = top != nullptr ? top->children : roots_;
    names.reserve(list.count);
    for (const Node* child = list.first; child != nullptr; child = child->next) keep(child);
  }
  return names;
}

std::vector<std::string> CheckpointTree::ListAll(unsigned flags) const {
  // On the whole forest the shared bit means ROOTS (the children of a virtual root);
  // without it, every node is a descendant of that virtual root.
  return Collect(nullptr, (flags & kListRoots) == 0, flags);
}

Result<std::vector<std::string>> CheckpointTree::ListChildren(std::string_view name,
                                                              unsigned flags) const {
  const Node* node = Find(name);
  if (node == nullptr) return NotFound(name);
  return Collect(node, (flags & kListDescendants) != 0, flags);
}

}  // namespace cairn::model
