// CheckpointIndex text and the store's index: round trip, a torn or altered index counts as
// none, the index never outlives a file change (dropped before it, rewritten at Commit), a
// call reads only the definitions it uses, and the sibling order survives a reload.
#include "model/checkpoint_index.hpp"

#include <gtest/gtest.h>

#include "model/checkpoint_store.hpp"
#include "model/domain_checkpoints.hpp"
#include "util/atomic_file.hpp"
#include "util/temp_dir.hpp"

namespace cairn::model {
namespace {

namespace fs = std::filesystem;

conf::CheckpointDef Def(const std::string& name, const std::string& parent,
                        std::int64_t time = 1700000000) {
  std::string xml = "<domaincheckpoint><name>" + name + "</name>";
  if (!parent.empty()) xml += "<parent><name>" + parent + "</name></parent>";
  xml += "<creationTime>" + std::to_string(time) +
         "</creationTime><disks><disk name='vda' checkpoint='bitmap' bitmap='" + name +
         "'/></disks><domain type='qemu'><name>vm1</name><memory>65536</memory><os><type>hvm"
         "</type></os><devices><disk type='file' device='disk'><source file='/x/vda.qcow2'/>"
         "<target dev='vda'/></disk></devices></domain></domaincheckpoint>";
  auto def = conf::ParseCheckpointXml(xml, conf::kCheckpointParseRedefine);
  EXPECT_TRUE(def) << def.error().Text();
  return *def;
}

TEST(CheckpointIndexText, RoundTripsNamesWithSpacesAndRoots) {
  CheckpointIndex index{.generation = 42,
                        .entries = {{"a b", "", 5, 1}, {"c", "a b", -1, 7}}};
  auto back = ParseCheckpointIndex(FormatCheckpointIndex(index));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->generation, 42u);
  const std::vector<CheckpointIndexEntry>& e = back->entries;
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].name, "a b");
  EXPECT_EQ(e[0].parent, "");
  EXPECT_EQ(e[1].parent, "a b");
  EXPECT_EQ(e[1].creation_time, -1);
  EXPECT_EQ(e[1].rank, 7u);
}

TEST(CheckpointIndexText, TornOrAlteredTextIsNoIndex) {
  const std::string text =
      FormatCheckpointIndex({.generation = 3, .entries = {{"a", "", 5, 1}, {"b", "a", 6, 2}}});
  for (std::size_t cut = 0; cut < text.size(); ++cut) {
    EXPECT_FALSE(ParseCheckpointIndex(text.substr(0, cut))) << "cut at " << cut;
  }
  std::string altered = text;
  altered[altered.find("b/a")] = 'x';
  EXPECT_FALSE(ParseCheckpointIndex(altered));
  EXPECT_FALSE(ParseCheckpointIndex(""));
}

class CheckpointIndexStore : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = util::TempDir::Create("cairn-index");
    ASSERT_TRUE(dir) << dir.error().Text();
    dir_.emplace(std::move(*dir));
  }
  fs::path Dir() const { return dir_->path() / "checkpoints"; }
  fs::path Index() const { return Dir() / ".index"; }
  // What a call sees: the store opened afresh, its checkpoints linked from it.
  // `from_files`: whether the load had to read the files (no index stood).
  DomainCheckpoints Reload(bool write_index = true, bool* from_files = nullptr) const {
    const bool had_index = fs::exists(Index());
    CheckpointStore store(Dir());
    auto linked = store.LoadIndexed(write_index);
    EXPECT_TRUE(linked) << linked.error().Text();
    if (from_files != nullptr) *from_files = !had_index;
    DomainCheckpoints set;
    set.LoadLinked(std::move(*linked));
    return set;
  }
  std::optional<util::TempDir> dir_;
};

TEST_F(CheckpointIndexStore, CommitWritesTheIndexAndALoadParsesNothingUntilAsked) {
  CheckpointStore store(Dir());
  ASSERT_TRUE(store.LoadIndexed(true));
  ASSERT_TRUE(store.Save(Def("c1", "")));
  ASSERT_TRUE(store.Save(Def("c2", "c1")));
  ASSERT_TRUE(store.Commit());
  ASSERT_TRUE(fs::exists(Index()));
  bool from_files = true;
  DomainCheckpoints set = Reload(false, &from_files);
  EXPECT_FALSE(from_files) << "linked from the index alone";
  EXPECT_EQ(set.List(kListTopological), (std::vector<std::string>{"c1", "c2"}));
  auto c2 = set.Find("c2");
  ASSERT_TRUE(c2) << c2.error().Text();
  EXPECT_EQ((*c2)->parent, "c1");
  EXPECT_EQ((*c2)->disks.size(), 1u);
}

TEST_F(CheckpointIndexStore, TheFirstChangeDropsTheIndexBeforeAnyFileChanges) {
  CheckpointStore store(Dir());
  ASSERT_TRUE(store.LoadIndexed(true));
  ASSERT_TRUE(store.Save(Def("c1", "")));
  ASSERT_TRUE(store.Commit());
  ASSERT_TRUE(fs::exists(Index()));
  // A writer killed between its file change and its Commit leaves no index: the next load
  // reads the files, and sees the change.
  CheckpointStore killed(Dir());
  ASSERT_TRUE(killed.LoadIndexed(true));
  ASSERT_TRUE(killed.Save(Def("c2", "c1")));
  EXPECT_FALSE(fs::exists(Index()));
  bool from_files = false;
  DomainCheckpoints set = Reload(true, &from_files);
  EXPECT_TRUE(from_files);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(fs::exists(Index())) << "a locked load writes the index it rebuilt";
  // The same under a journal: its write drops the index.
  CheckpointStore journaled(Dir());
  ASSERT_TRUE(journaled.LoadIndexed(true));
  ASSERT_TRUE(journaled.WriteJournal({.kind = CheckpointIntent::Kind::kDelete,
                                      .created = std::nullopt,
                                      .removed = {"c2"},
                                      .reparented = {},
                                      .new_current = std::nullopt}));
  EXPECT_FALSE(fs::exists(Index()));
  ASSERT_TRUE(journaled.Remove("c2"));
  ASSERT_TRUE(journaled.ClearJournal());
  EXPECT_TRUE(fs::exists(Index()));
  EXPECT_EQ(Reload().List(0), (std::vector<std::string>{"c1"}));
}

TEST_F(CheckpointIndexStore, ATornIndexIsRebuiltFromTheFiles) {
  CheckpointStore store(Dir());
  ASSERT_TRUE(store.LoadIndexed(true));
  ASSERT_TRUE(store.Save(Def("c1", "")));
  ASSERT_TRUE(store.Commit());
  ASSERT_TRUE(util::WriteFileAtomically(Index(), "cairn-checkpoint-index 1\n1/0/gh"));
  EXPECT_FALSE(ParseCheckpointIndex(*util::ReadFile(Index())));
  EXPECT_EQ(Reload(true).List(0), (std::vector<std::string>{"c1"}));
  EXPECT_TRUE(ParseCheckpointIndex(*util::ReadFile(Index()))) << "rebuilt and written";
}

TEST_F(CheckpointIndexStore, ADefinitionGoneSinceTheIndexWasReadIsNotFound) {
  CheckpointStore store(Dir());
  ASSERT_TRUE(store.LoadIndexed(true));
  ASSERT_TRUE(store.Save(Def("c1", "")));
  ASSERT_TRUE(store.Commit());
  DomainCheckpoints set = Reload();
  fs::remove(Dir() / "c1.xml");
  auto c1 = set.Find("c1");
  ASSERT_FALSE(c1);
  EXPECT_EQ(c1.error().code(), ErrorCode::kNoDomainCheckpoint);
}

// libvirt lists children most recently linked first; what a change did, a reload keeps:
// a redefine relinks (first, whatever its creation time), a delete moves the children up in
// their order in front of their new siblings.
TEST_F(CheckpointIndexStore, SiblingOrderSurvivesAReload) {
  DomainCheckpoints live;  // what one libvirt process would hold
  auto change = [&](auto&& apply) {
    CheckpointStore store(Dir());
    ASSERT_TRUE(store.LoadIndexed(true));
    apply(store);
    ASSERT_TRUE(store.Commit());
    EXPECT_EQ(Reload().List(kListTopological), live.List(kListTopological));
  };
  auto redefine = [&](const std::string& name, const std::string& parent, std::int64_t time) {
    change([&](CheckpointStore& store) {
      conf::CheckpointDef d = Def(name, parent, time);
      ASSERT_TRUE(live.PlanRedefine(d));
      ASSERT_TRUE(store.Save(d));
      live.CommitRedefine(d);
    });
  };
  redefine("hub", "", 10);
  redefine("a", "hub", 30);  // newer, linked first
  redefine("b", "hub", 20);  // older, linked last: listed first
  EXPECT_EQ(live.List(kListTopological), (std::vector<std::string>{"hub", "b", "a"}));
  redefine("a", "hub", 30);  // relinked in place: first again
  redefine("mid", "hub", 40);
  redefine("x", "mid", 50);
  redefine("y", "mid", 60);
  change([&](CheckpointStore& store) {
    auto plan = live.PlanDelete("mid", false, false);
    ASSERT_TRUE(plan);
    for (const std::string& child : plan->reparented) {
      conf::CheckpointDef d = **live.Find(child);
      d.parent = "hub";
      ASSERT_TRUE(store.Save(d));
    }
    ASSERT_TRUE(store.Remove("mid"));
    live.CommitDelete(*plan);
  });
  EXPECT_EQ(live.List(kListTopological),
            (std::vector<std::string>{"hub", "y", "x", "a", "b"}));
}

}  // namespace
}  // namespace cairn::model
