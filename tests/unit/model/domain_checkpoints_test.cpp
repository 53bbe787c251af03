#include "model/domain_checkpoints.hpp"

#include <gtest/gtest.h>

namespace cairn::model {
namespace {

conf::CheckpointDef Def(const std::string& name, const std::string& parent = "") {
  conf::CheckpointDef d;
  d.name = name;
  d.parent = parent;
  d.creation_time = 1;
  return d;
}

void Create(DomainCheckpoints& set, const std::string& name) {
  conf::CheckpointDef d = Def(name);
  ASSERT_TRUE(set.PlanCreate(d));
  set.CommitCreate(std::move(d));
}

TEST(DomainCheckpoints, NewCheckpointHangsOffTheCurrentOneAndBecomesCurrent) {
  DomainCheckpoints set;
  Create(set, "a");
  Create(set, "b");
  EXPECT_EQ(set.current(), "b");
  EXPECT_EQ(*set.ParentOf("b"), "a");
  EXPECT_EQ((*set.Find("b"))->parent, "a");
}

TEST(DomainCheckpoints, PlanCreateOfAnExistingNameChangesNothing) {
  DomainCheckpoints set;
  Create(set, "a");
  conf::CheckpointDef d = Def("a");
  Status s = set.PlanCreate(d);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().Text(), "operation failed: domain moment a already exists");
  EXPECT_EQ(set.size(), 1u);
}

TEST(DomainCheckpoints, RedefineWithMissingParentIsRefused) {
  DomainCheckpoints set;
  Result<bool> plan = set.PlanRedefine(Def("c2", "c3"));
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().Text(), "invalid argument: parent c3 for moment c2 not found");
}

TEST(DomainCheckpoints, RedefineReplacesInPlaceKeepingChildren) {
  DomainCheckpoints set;
  Create(set, "a");
  Create(set, "b");
  conf::CheckpointDef a = Def("a");
  a.description = "again";
  ASSERT_EQ(set.PlanRedefine(a).value_or(false), true);
  set.CommitRedefine(a);
  EXPECT_EQ((*set.Find("a"))->description, "again");
  EXPECT_EQ(*set.ParentOf("b"), "a");
}

TEST(DomainCheckpoints, RedefineCycleIsRefused) {
  DomainCheckpoints set;
  Create(set, "a");
  Create(set, "b");
  Result<bool> plan = set.PlanRedefine(Def("a", "b"));
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code(), ErrorCode::kInvalidArg);
}

TEST(DomainCheckpoints, RedefineMovesCurrentOnlyWhenNoneOrItsParentIsCurrent) {
  DomainCheckpoints set;
  set.CommitRedefine(Def("a"));
  EXPECT_EQ(set.current(), "a");  // there was none
  set.CommitRedefine(Def("b", "a"));
  EXPECT_EQ(set.current(), "b");  // its parent was current
  set.CommitRedefine(Def("x"));
  EXPECT_EQ(set.current(), "b");  // unrelated root: current stays
}

TEST(DomainCheckpoints, DeleteOfCurrentMakesItsParentCurrent) {
  DomainCheckpoints set;
  Create(set, "a");
  Create(set, "b");
  Result<DeletePlan> plan = set.PlanDelete("b", false, false);
  ASSERT_TRUE(plan);
  set.CommitDelete(*plan);
  EXPECT_EQ(set.current(), "a");
}

TEST(DomainCheckpoints, DeleteReparentsChildrenInTheirDefinitions) {
  DomainCheckpoints set;
  Create(set, "a");
  Create(set, "b");
  Create(set, "c");
  Result<DeletePlan> plan = set.PlanDelete("b", false, false);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->reparented, (std::vector<std::string>{"c"}));
  set.CommitDelete(*plan);
  EXPECT_EQ((*set.Find("c"))->parent, "a");
}

TEST(DomainCheckpoints, ChildrenOnlyWithCurrentBelowMakesTargetCurrent) {
  DomainCheckpoints set;
  Create(set, "a");
  Create(set, "b");
  Create(set, "c");
  Result<DeletePlan> plan = set.PlanDelete("a", false, true);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->removed, (std::vector<std::string>{"c", "b"}));
  set.CommitDelete(*plan);
  EXPECT_EQ(set.current(), "a");
  EXPECT_EQ(set.size(), 1u);
}

TEST(DomainCheckpoints, ChildrenDeleteRemovesTargetLastAndClearsCurrent) {
  DomainCheckpoints set;
  Create(set, "a");
  Create(set, "b");
  Result<DeletePlan> plan = set.PlanDelete("a", true, false);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->removed, (std::vector<std::string>{"b", "a"}));
  set.CommitDelete(*plan);
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.current(), "");
}

TEST(DomainCheckpoints, DeleteOfUnknownNameIsNoDomainCheckpoint) {
  DomainCheckpoints set;
  Result<DeletePlan> plan = set.PlanDelete("x", false, false);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code(), ErrorCode::kNoDomainCheckpoint);
}

TEST(DomainCheckpoints, LoadRebuildsLinksAndPicksTheSingleLeafAsCurrent) {
  DomainCheckpoints set;
  std::vector<std::string> repaired = set.Load({Def("c", "b"), Def("a"), Def("b", "a")});
  EXPECT_TRUE(repaired.empty());
  EXPECT_EQ(set.current(), "c");
  EXPECT_EQ(set.List(kListTopological), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(DomainCheckpoints, LoadListsSiblingsNewestFirstAsTheirCreationDid) {
  auto timed = [](const std::string& name, const std::string& parent, std::int64_t t) {
    conf::CheckpointDef d = Def(name, parent);
    d.creation_time = t;
    return d;
  };
  DomainCheckpoints set;
  set.Load({timed("b", "hub", 30), timed("hub", "", 10), timed("a", "hub", 20),
            timed("c", "hub", 40), timed("r", "", 15)});
  EXPECT_EQ(set.List(kListTopological), (std::vector<std::string>{"r", "hub", "c", "b", "a"}));
}

TEST(DomainCheckpoints, NotFoundCarriesTheDriversErrorDomain) {
  DomainCheckpoints test_set(ErrorDomain::kTest);
  EXPECT_EQ(test_set.Find("x").error().domain(), ErrorDomain::kTest);
  Create(test_set, "a");
  EXPECT_EQ(test_set.ParentOf("a").error().domain(), ErrorDomain::kTest);
  EXPECT_EQ(test_set.ParentOf("a").error().Text(),
            "Domain checkpoint not found: checkpoint 'a' does not have a parent");
}

TEST(DomainCheckpoints, LoadWithBranchesHasNoCurrent) {
  DomainCheckpoints set;
  set.Load({Def("a"), Def("b", "a"), Def("c", "a")});
  EXPECT_EQ(set.current(), "");
}

TEST(DomainCheckpoints, LoadTurnsMissingParentsAndCyclesIntoRoots) {
  DomainCheckpoints set;
  std::vector<std::string> repaired =
      set.Load({Def("orphan", "gone"), Def("x", "y"), Def("y", "x")});
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(repaired.size(), 2u);
  EXPECT_EQ((*set.Find("orphan"))->parent, "");
}

}  // namespace
}  // namespace cairn::model
