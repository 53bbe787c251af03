#include "model/checkpoint_tree.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace cairn::model {
namespace {

using Names = std::vector<std::string>;
using ParentMap = std::map<std::string, std::optional<std::string>>;

// c1 -> {c2 -> {c4, c5}, c3}, and a second root r, added in that order; as in libvirt,
// siblings list most recently linked first: roots r, c1; c1's children c3, c2; c2's c5, c4.
CheckpointTree SmallForest() {
  CheckpointTree tree;
  EXPECT_TRUE(tree.Add("c1", std::nullopt));
  EXPECT_TRUE(tree.Add("c2", "c1"));
  EXPECT_TRUE(tree.Add("c3", "c1"));
  EXPECT_TRUE(tree.Add("c4", "c2"));
  EXPECT_TRUE(tree.Add("c5", "c2"));
  EXPECT_TRUE(tree.Add("r", std::nullopt));
  return tree;
}

Error ErrorOf(const Status& s) {
  EXPECT_FALSE(s.has_value());
  return s ? Error(ErrorCode::kOk, ErrorDomain::kNone, "") : s.error();
}

// Parents strictly before children, over the names of one listing.
void ExpectParentsFirst(const CheckpointTree& tree, const Names& listed) {
  std::unordered_map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < listed.size(); ++i) position[listed[i]] = i;
  for (const std::string& name : listed) {
    std::optional<std::string> parent = tree.ParentOf(name);
    if (parent && position.contains(*parent)) {
      EXPECT_LT(position[*parent], position[name]) << *parent << " after child " << name;
    }
  }
}

// A random forest of `n` nodes: each new node under a random existing node, or a root.
CheckpointTree RandomForest(std::size_t n, std::mt19937& rng, ParentMap* parents) {
  CheckpointTree tree;
  Names names;
  for (std::size_t i = 0; i < n; ++i) {
    std::string name = "n" + std::to_string(i);
    std::optional<std::string> parent;
    if (!names.empty() && rng() % 8 != 0) parent = names[rng() % names.size()];
    EXPECT_TRUE(tree.Add(name, parent));
    (*parents)[name] = parent;
    names.push_back(name);
  }
  return tree;
}

TEST(CheckpointTree, AddWithoutParentMakesRoot) {
  CheckpointTree tree;
  ASSERT_TRUE(tree.Add("c1", std::nullopt));
  EXPECT_TRUE(tree.Contains("c1"));
  EXPECT_EQ(tree.ParentOf("c1"), std::nullopt);
  EXPECT_EQ(tree.Roots(), Names{"c1"});
  EXPECT_EQ(tree.Size(), 1u);
}

TEST(CheckpointTree, AddPutsTheNewNodeFirstAmongItsSiblingsAsLibvirt) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(tree.ParentOf("c2"), "c1");
  EXPECT_EQ(tree.ChildrenOf("c1"), (Names{"c3", "c2"}));
  EXPECT_EQ(tree.Roots(), (Names{"r", "c1"}));
  EXPECT_EQ(tree.ChildCount("c2"), 2u);
}

TEST(CheckpointTree, CloneKeepsEveryLinkAndTheSiblingOrder) {
  CheckpointTree tree = SmallForest();
  ASSERT_TRUE(tree.SetParent("c2", std::nullopt));  // c2 and its subtree become the first root
  CheckpointTree copy = tree.Clone();
  EXPECT_EQ(copy.Size(), tree.Size());
  EXPECT_EQ(copy.ListAll(kListTopological), tree.ListAll(kListTopological));
  for (const std::string& name : tree.ListAll(0)) {
    EXPECT_EQ(copy.ParentOf(name), tree.ParentOf(name)) << name;
    EXPECT_EQ(copy.ChildrenOf(name), tree.ChildrenOf(name)) << name;
  }
  ASSERT_TRUE(copy.Remove("c2"));
  EXPECT_TRUE(tree.Contains("c2")) << "the copy is independent";
}

TEST(CheckpointTree, DuplicateNameIsOperationFailed) {
  CheckpointTree tree = SmallForest();
  Error e = ErrorOf(tree.Add("c1", std::nullopt));
  EXPECT_EQ(e.code(), ErrorCode::kOperationFailed);
  EXPECT_EQ(e.domain(), ErrorDomain::kDomain);
  EXPECT_EQ(e.Text(), "operation failed: domain moment c1 already exists");
}

TEST(CheckpointTree, MissingParentIsInvalidArg) {
  CheckpointTree tree;
  Error e = ErrorOf(tree.Add("c2", "c3"));
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArg);
  EXPECT_EQ(e.domain(), ErrorDomain::kDomain);
  EXPECT_EQ(e.Text(), "invalid argument: parent c3 for moment c2 not found");
}

TEST(CheckpointTree, OwnParentIsInvalidArg) {
  CheckpointTree tree = SmallForest();
  Error e = ErrorOf(tree.Add("x", "x"));
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArg);
  EXPECT_EQ(e.Text(), "invalid argument: cannot set moment x as its own parent");
  EXPECT_EQ(ErrorOf(tree.SetParent("c2", "c2")).Text(),
            "invalid argument: cannot set moment c2 as its own parent");
}

TEST(CheckpointTree, FailedAddLeavesTreeUnchanged) {
  CheckpointTree tree = SmallForest();
  Names before = tree.ListAll(0);
  EXPECT_FALSE(tree.Add("c9", "nope"));
  EXPECT_FALSE(tree.Add("c2", "c3"));
  EXPECT_EQ(tree.ListAll(0), before);
  EXPECT_EQ(tree.ParentOf("c2"), "c1");
  EXPECT_FALSE(tree.Contains("c9"));
}

TEST(CheckpointTree, SetParentMovesSubtreeWithItsChildren) {
  CheckpointTree tree = SmallForest();
  ASSERT_TRUE(tree.SetParent("c2", "r"));
  EXPECT_EQ(tree.ParentOf("c2"), "r");
  EXPECT_EQ(tree.ChildrenOf("c2"), (Names{"c5", "c4"}));
  EXPECT_EQ(tree.ChildrenOf("c1"), Names{"c3"});
}

TEST(CheckpointTree, SetParentToNoneMakesRoot) {
  CheckpointTree tree = SmallForest();
  ASSERT_TRUE(tree.SetParent("c4", std::nullopt));
  EXPECT_EQ(tree.ParentOf("c4"), std::nullopt);
  EXPECT_EQ(tree.Roots(), (Names{"c4", "r", "c1"}));
  EXPECT_EQ(tree.ChildrenOf("c2"), Names{"c5"});
}

TEST(CheckpointTree, SetParentToOwnDescendantIsCycle) {
  CheckpointTree tree = SmallForest();
  Error e = ErrorOf(tree.SetParent("c1", "c4"));
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArg);
  EXPECT_EQ(e.domain(), ErrorDomain::kDomain);
  // libvirt names the ancestor of the requested parent whose parent is the moved node.
  EXPECT_EQ(e.Text(), "invalid argument: parent c2 would create cycle to c1");
  EXPECT_EQ(tree.ParentOf("c1"), std::nullopt);
  EXPECT_EQ(tree.ParentOf("c4"), "c2");
}

TEST(CheckpointTree, SetParentToMissingParentIsInvalidArg) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(ErrorOf(tree.SetParent("c2", "zz")).Text(),
            "invalid argument: parent zz for moment c2 not found");
}

TEST(CheckpointTree, SetParentOfUnknownNameIsNoDomainCheckpoint) {
  CheckpointTree tree = SmallForest();
  Error e = ErrorOf(tree.SetParent("zz", "c1"));
  EXPECT_EQ(e.code(), ErrorCode::kNoDomainCheckpoint);
  EXPECT_EQ(e.detail(), "no domain checkpoint with matching name 'zz'");
}

TEST(CheckpointTree, SetParentUnchangedMovesTheNodeFirstAsLibvirtsRedefine) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(tree.ChildrenOf("c2"), (Names{"c5", "c4"}));
  ASSERT_TRUE(tree.SetParent("c4", "c2"));
  EXPECT_EQ(tree.ChildrenOf("c2"), (Names{"c4", "c5"}));
}

TEST(CheckpointTree, CheckParentChangesNothing) {
  CheckpointTree tree = SmallForest();
  EXPECT_TRUE(tree.CheckParent("c3", "c5"));
  EXPECT_TRUE(tree.CheckParent("new", "c5"));
  EXPECT_TRUE(tree.CheckParent("c3", std::nullopt));
  EXPECT_FALSE(tree.CheckParent("c2", "c5"));
  EXPECT_EQ(tree.ParentOf("c3"), "c1");
  EXPECT_FALSE(tree.Contains("new"));
}

TEST(CheckpointTree, RemoveReparentsChildrenToGrandparent) {
  CheckpointTree tree = SmallForest();
  ASSERT_TRUE(tree.Remove("c2"));
  EXPECT_FALSE(tree.Contains("c2"));
  EXPECT_EQ(tree.ParentOf("c4"), "c1");
  EXPECT_EQ(tree.ParentOf("c5"), "c1");
  // The orphans keep their order, in front of the grandparent's existing children.
  EXPECT_EQ(tree.ChildrenOf("c1"), (Names{"c5", "c4", "c3"}));
  EXPECT_EQ(tree.ChildCount("c1"), 3u);
}

TEST(CheckpointTree, RemoveRootMakesChildrenRoots) {
  CheckpointTree tree = SmallForest();
  ASSERT_TRUE(tree.Remove("c1"));
  EXPECT_EQ(tree.Roots(), (Names{"c3", "c2", "r"}));
  EXPECT_EQ(tree.ParentOf("c2"), std::nullopt);
  EXPECT_EQ(tree.ChildrenOf("c2"), (Names{"c5", "c4"}));
}

TEST(CheckpointTree, RemoveMiddleSiblingKeepsOthersLinked) {
  CheckpointTree tree;
  ASSERT_TRUE(tree.Add("p", std::nullopt));
  for (const char* name : {"a", "b", "c"}) ASSERT_TRUE(tree.Add(name, "p"));
  ASSERT_TRUE(tree.Remove("b"));
  EXPECT_EQ(tree.ChildrenOf("p"), (Names{"c", "a"}));
  ASSERT_TRUE(tree.Remove("c"));
  ASSERT_TRUE(tree.Add("d", "p"));
  EXPECT_EQ(tree.ChildrenOf("p"), (Names{"d", "a"}));
}

TEST(CheckpointTree, RemoveUnknownNameIsNoDomainCheckpoint) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(ErrorOf(tree.Remove("zz")).code(), ErrorCode::kNoDomainCheckpoint);
  EXPECT_FALSE(tree.RemoveDescendants("zz"));
  EXPECT_FALSE(tree.RemoveWithDescendants("zz"));
  EXPECT_EQ(tree.Size(), 6u);
}

TEST(CheckpointTree, RemovedNameCanBeAddedAgain) {
  CheckpointTree tree = SmallForest();
  ASSERT_TRUE(tree.Remove("c4"));
  ASSERT_TRUE(tree.Add("c4", "c3"));
  EXPECT_EQ(tree.ParentOf("c4"), "c3");
}

TEST(CheckpointTree, RemoveDescendantsKeepsTargetAsLeaf) {
  CheckpointTree tree = SmallForest();
  Result<Names> removed = tree.RemoveDescendants("c1");
  ASSERT_TRUE(removed);
  EXPECT_EQ(std::set<std::string>(removed->begin(), removed->end()),
            (std::set<std::string>{"c2", "c3", "c4", "c5"}));
  EXPECT_TRUE(tree.Contains("c1"));
  EXPECT_EQ(tree.ChildCount("c1"), 0u);
  EXPECT_EQ(tree.ListAll(0), (Names{"r", "c1"}));
}

TEST(CheckpointTree, RemovedNamesListChildrenBeforeParents) {
  CheckpointTree tree = SmallForest();
  Result<Names> removed = tree.RemoveDescendants("c1");
  ASSERT_TRUE(removed);
  auto at = [&](const char* name) {
    return std::find(removed->begin(), removed->end(), name) - removed->begin();
  };
  EXPECT_LT(at("c4"), at("c2"));
  EXPECT_LT(at("c5"), at("c2"));
}

TEST(CheckpointTree, RemoveWithDescendantsRemovesTargetLast) {
  CheckpointTree tree = SmallForest();
  Result<Names> removed = tree.RemoveWithDescendants("c2");
  ASSERT_TRUE(removed);
  ASSERT_EQ(removed->size(), 3u);
  EXPECT_EQ(removed->back(), "c2");
  EXPECT_EQ(tree.ListAll(0), (Names{"r", "c1", "c3"}));
  EXPECT_EQ(tree.ChildrenOf("c1"), Names{"c3"});
}

TEST(CheckpointTree, NoFlagsListEverything) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(tree.ListAll(0), (Names{"r", "c1", "c3", "c2", "c5", "c4"}));
}

TEST(CheckpointTree, RootsNarrowListAll) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(tree.ListAll(kListRoots), (Names{"r", "c1"}));
  EXPECT_EQ(tree.ListAll(kListRoots | kListLeaves), Names{"r"});
  EXPECT_EQ(tree.ListAll(kListRoots | kListNoLeaves), Names{"c1"});
}

TEST(CheckpointTree, ListChildrenWithoutFlagsListsDirectChildren) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(tree.ListChildren("c1", 0), (Names{"c3", "c2"}));
  EXPECT_EQ(tree.ListChildren("c4", 0), Names{});
}

TEST(CheckpointTree, DescendantsWidenListChildren) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(tree.ListChildren("c1", kListDescendants), (Names{"c3", "c2", "c5", "c4"}));
  EXPECT_EQ(tree.ListChildren("c2", kListDescendants | kListTopological), (Names{"c5", "c4"}));
}

TEST(CheckpointTree, ListChildrenOfUnknownNameIsNoDomainCheckpoint) {
  CheckpointTree tree = SmallForest();
  Result<Names> listed = tree.ListChildren("zz", 0);
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code(), ErrorCode::kNoDomainCheckpoint);
}

TEST(CheckpointTree, LeavesKeepNodesWithoutChildren) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(tree.Leaves(), (Names{"r", "c3", "c5", "c4"}));
  EXPECT_EQ(tree.ListChildren("c1", kListDescendants | kListLeaves), (Names{"c3", "c5", "c4"}));
}

TEST(CheckpointTree, NoLeavesKeepNodesWithChildren) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(tree.ListAll(kListNoLeaves), (Names{"c1", "c2"}));
  EXPECT_EQ(tree.ListChildren("c1", kListNoLeaves), Names{"c2"});
}

TEST(CheckpointTree, LeavesAndNoLeavesTogetherListNothing) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(tree.ListAll(kListLeaves | kListNoLeaves), Names{});
  EXPECT_EQ(tree.ListAll(kListRoots | kListLeaves | kListNoLeaves), Names{});
  EXPECT_EQ(tree.ListChildren("c1", kListDescendants | kListLeaves | kListNoLeaves), Names{});
}

TEST(CheckpointTree, UnknownListFlagsAreIgnored) {
  CheckpointTree tree = SmallForest();
  EXPECT_EQ(tree.ListAll(1u << 10), tree.ListAll(0));
}

TEST(CheckpointTree, TopologicalListPutsParentsBeforeChildren) {
  std::mt19937 rng(12345);
  ParentMap parents;
  CheckpointTree tree = RandomForest(500, rng, &parents);
  // Disturb link order: deletes that re-parent, and moves to earlier or later nodes.
  for (int i = 0; i < 100; ++i) {
    std::string name = "n" + std::to_string(rng() % 500);
    if (tree.Contains(name)) {
      ASSERT_TRUE(tree.Remove(name));
    }
  }
  int moved_under_younger = 0;
  for (int i = 0; i < 200; ++i) {
    int child = rng() % 500, parent = rng() % 500;
    std::string name = "n" + std::to_string(child);
    // Cycles and missing parents are refused and change nothing.
    if (tree.SetParent(name, "n" + std::to_string(parent)) && parent > child) {
      ++moved_under_younger;
    }
  }
  ASSERT_GT(moved_under_younger, 0);  // so insertion order alone would not be topological
  Names all = tree.ListAll(kListTopological);
  ASSERT_EQ(all.size(), tree.Size());
  ExpectParentsFirst(tree, all);
  for (const std::string& root : tree.Roots()) {
    ExpectParentsFirst(tree, *tree.ListChildren(root, kListDescendants | kListTopological));
  }
}

TEST(CheckpointTree, RandomOperationsMatchAParentMap) {
  std::mt19937 rng(777);
  ParentMap parents;
  CheckpointTree tree = RandomForest(500, rng, &parents);
  for (int i = 0; i < 150; ++i) {
    std::string name = "n" + std::to_string(rng() % 500);
    if (!parents.contains(name)) continue;
    std::optional<std::string> up = parents[name];
    for (auto& [child, parent] : parents) {
      if (parent == name) parent = up;
    }
    parents.erase(name);
    ASSERT_TRUE(tree.Remove(name));
  }
  ASSERT_EQ(tree.Size(), parents.size());
  std::map<std::string, std::size_t> child_count;
  for (const auto& [name, parent] : parents) {
    EXPECT_EQ(tree.ParentOf(name), parent) << name;
    if (parent) ++child_count[*parent];
  }
  for (const auto& [name, parent] : parents) {
    EXPECT_EQ(tree.ChildCount(name), child_count[name]) << name;
  }
  std::size_t descendants_of_roots = 0;
  for (const std::string& root : tree.Roots()) {
    descendants_of_roots += 1 + tree.ListChildren(root, kListDescendants)->size();
  }
  EXPECT_EQ(descendants_of_roots, tree.Size());
}

TEST(CheckpointTree, IsDescendantOfFollowsParentLinks) {
  CheckpointTree tree = SmallForest();
  EXPECT_TRUE(tree.IsDescendantOf("c4", "c1"));
  EXPECT_TRUE(tree.IsDescendantOf("c4", "c2"));
  EXPECT_FALSE(tree.IsDescendantOf("c4", "c3"));
  EXPECT_FALSE(tree.IsDescendantOf("c1", "c1"));
  EXPECT_FALSE(tree.IsDescendantOf("c1", "c4"));
  EXPECT_FALSE(tree.IsDescendantOf("zz", "c1"));
}

TEST(CheckpointTree, MovedTreeKeepsLinksAndSourceIsEmpty) {
  CheckpointTree source = SmallForest();
  CheckpointTree moved(std::move(source));
  EXPECT_EQ(moved.ListAll(0), (Names{"r", "c1", "c3", "c2", "c5", "c4"}));
  ASSERT_TRUE(moved.Remove("c2"));
  EXPECT_EQ(moved.ChildrenOf("c1"), (Names{"c5", "c4", "c3"}));
  EXPECT_EQ(source.Size(), 0u);  // NOLINT(bugprone-use-after-move): documented as empty
  EXPECT_EQ(source.ListAll(0), Names{});
  ASSERT_TRUE(source.Add("c1", std::nullopt));

  CheckpointTree assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.Roots(), (Names{"r", "c1"}));
  EXPECT_EQ(moved.Roots(), Names{});  // NOLINT(bugprone-use-after-move)
}

TEST(CheckpointTree, DeepChainIsListedAndDeletedWithoutRecursion) {
  constexpr int kDepth = 200000;
  CheckpointTree tree;
  ASSERT_TRUE(tree.Add("d0", std::nullopt));
  for (int i = 1; i < kDepth; ++i) {
    ASSERT_TRUE(tree.Add("d" + std::to_string(i), "d" + std::to_string(i - 1)));
  }
  EXPECT_EQ(tree.ListAll(kListTopological).size(), static_cast<std::size_t>(kDepth));
  EXPECT_EQ(tree.Leaves(), Names{"d" + std::to_string(kDepth - 1)});
  Result<Names> removed = tree.RemoveWithDescendants("d0");
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->size(), static_cast<std::size_t>(kDepth));
  EXPECT_EQ(tree.Size(), 0u);
}

// tests/virsh-checkpoint on test:///default, at the level of the tree: the driver makes each
// new checkpoint a child of the current one.
TEST(CheckpointTree, VirshCheckpointChainDeletesAsLibvirtDoes) {
  CheckpointTree tree;
  ASSERT_TRUE(tree.Add("c1", std::nullopt));
  EXPECT_EQ(ErrorOf(tree.Add("c1", std::nullopt)).Text(),
            "operation failed: domain moment c1 already exists");
  ASSERT_TRUE(tree.Add("c3", "c1"));
  ASSERT_TRUE(tree.Add("c2", "c3"));
  EXPECT_EQ(tree.ListAll(kListTopological), (Names{"c1", "c3", "c2"}));

  ASSERT_TRUE(tree.Remove("c1"));  // checkpoint-delete test c1
  EXPECT_EQ(tree.Roots(), Names{"c3"});
  EXPECT_EQ(tree.ParentOf("c2"), "c3");

  EXPECT_EQ(tree.RemoveDescendants("c3"), Names{"c2"});  // --children-only c3
  EXPECT_EQ(tree.ListAll(0), Names{"c3"});

  EXPECT_EQ(tree.RemoveWithDescendants("c3"), Names{"c3"});  // --children c3
  EXPECT_EQ(tree.Size(), 0u);
}

// The order virsh shows on libvirt 9.0 (tests/differential/cli/checkpoint_topological_order):
// a hub's children a, b, c list c, b, a; redefining b in place puts it first; deleting a
// puts its children x, leaf in front of the hub's remaining children.
TEST(CheckpointTree, SiblingOrderFollowsLibvirtThroughRedefineAndDelete) {
  CheckpointTree tree;
  ASSERT_TRUE(tree.Add("hub", std::nullopt));
  for (const char* n : {"a", "b", "c"}) ASSERT_TRUE(tree.Add(n, "hub"));
  ASSERT_TRUE(tree.Add("r2", std::nullopt));
  ASSERT_TRUE(tree.Add("leaf", "a"));
  ASSERT_TRUE(tree.Add("x", "a"));
  EXPECT_EQ(tree.ListAll(kListTopological), (Names{"r2", "hub", "c", "b", "a", "x", "leaf"}));
  ASSERT_TRUE(tree.SetParent("b", "hub"));
  EXPECT_EQ(tree.ChildrenOf("hub"), (Names{"b", "c", "a"}));
  ASSERT_TRUE(tree.Remove("a"));
  EXPECT_EQ(tree.ChildrenOf("hub"), (Names{"x", "leaf", "b", "c"}));
  ASSERT_TRUE(tree.Remove("hub"));
  EXPECT_EQ(tree.Roots(), (Names{"x", "leaf", "b", "c", "r2"}));
}

// Phase 2 of the same vector: redefinition must go parent first.
TEST(CheckpointTree, VirshRedefineOutOfOrderIsRefused) {
  CheckpointTree tree;
  EXPECT_EQ(ErrorOf(tree.Add("c2", "c3")).Text(),
            "invalid argument: parent c3 for moment c2 not found");
  ASSERT_TRUE(tree.Add("c3", std::nullopt));
  ASSERT_TRUE(tree.Add("c2", "c3"));
  EXPECT_EQ(tree.Leaves(), Names{"c2"});
}

}  // namespace
}  // namespace cairn::model
