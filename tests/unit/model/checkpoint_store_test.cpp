// CheckpointStore: files round-trip, the journal records everything a replay needs (the
// created definition byte for byte, removals, re-parenting, where "current" goes), removals
// and journal clears are idempotent, and nothing is read back from a half-written state.
#include "model/checkpoint_store.hpp"

#include <gtest/gtest.h>

#include "util/atomic_file.hpp"
#include "util/temp_dir.hpp"

namespace cairn::model {
namespace {

conf::CheckpointDef Def(const std::string& name, const std::string& parent) {
  std::string xml = "<domaincheckpoint><name>" + name + "</name>";
  if (!parent.empty()) xml += "<parent><name>" + parent + "</name></parent>";
  xml +=
      "<creationTime>1700000000</creationTime><disks><disk name='vda' checkpoint='bitmap' "
      "bitmap='" +
      name +
      "'/></disks><domain type='qemu'><name>vm1</name><memory>65536"
      "</memory><os><type>hvm</type></os><devices><disk type='file' device='disk'><source "
      "file='/x/vda.qcow2'/><target dev='vda'/></disk></devices></domain></domaincheckpoint>";
  auto def = conf::ParseCheckpointXml(xml, conf::kCheckpointParseRedefine);
  EXPECT_TRUE(def) << def.error().Text();
  return *def;
}

class CheckpointStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = util::TempDir::Create("cairn-store");
    ASSERT_TRUE(dir) << dir.error().Text();
    dir_.emplace(std::move(*dir));
  }
  CheckpointStore Store() const { return CheckpointStore(dir_->path() / "checkpoints"); }
  std::optional<util::TempDir> dir_;
};

TEST_F(CheckpointStoreTest, SavedDefinitionsLoadBackAndRemoveIsIdempotent) {
  CheckpointStore store = Store();
  ASSERT_TRUE(store.Save(Def("c1", "")));
  ASSERT_TRUE(store.Save(Def("c2", "c1")));
  ASSERT_TRUE(store.Commit());
  auto all = store.LoadAll();
  ASSERT_TRUE(all) << all.error().Text();
  ASSERT_EQ(all->size(), 2u);
  ASSERT_TRUE(store.Remove("c2"));
  EXPECT_TRUE(store.Remove("c2")) << "a replay removes again what is already gone";
  EXPECT_EQ(store.LoadAll()->size(), 1u);
}

// Definitions carry the domain's secrets (SECURE format): only the owner reads them.
TEST_F(CheckpointStoreTest, DefinitionsAndTheirDirectoryArePrivate) {
  CheckpointStore store = Store();
  ASSERT_TRUE(store.Save(Def("c1", "")));
  ASSERT_TRUE(store.Commit());
  EXPECT_EQ(std::filesystem::status(dir_->path() / "checkpoints").permissions(),
            std::filesystem::perms::owner_all);
  EXPECT_EQ(std::filesystem::status(dir_->path() / "checkpoints" / "c1.xml").permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(CheckpointStoreTest, CommitAndClearJournalOnAStoreNeverWrittenSucceed) {
  EXPECT_TRUE(Store().Commit());
  EXPECT_TRUE(Store().ClearJournal());
  auto journal = Store().ReadJournal();
  ASSERT_TRUE(journal);
  EXPECT_FALSE(*journal);
}

TEST_F(CheckpointStoreTest, CreateJournalKeepsTheDefinitionByteForByte) {
  CheckpointStore store = Store();
  const conf::CheckpointDef created = Def("c2", "c1");
  ASSERT_TRUE(store.WriteJournal({.kind = CheckpointIntent::Kind::kCreate, .created = created}));
  auto journal = store.ReadJournal();
  ASSERT_TRUE(journal && *journal);
  EXPECT_EQ((*journal)->kind, CheckpointIntent::Kind::kCreate);
  ASSERT_TRUE((*journal)->created);
  EXPECT_EQ(conf::FormatCheckpointXml(*(*journal)->created, conf::kCheckpointFormatSecure),
            conf::FormatCheckpointXml(created, conf::kCheckpointFormatSecure));
  EXPECT_FALSE((*journal)->new_current);
  ASSERT_TRUE(store.ClearJournal());
  EXPECT_FALSE(*store.ReadJournal());
}

TEST_F(CheckpointStoreTest, DeleteJournalKeepsRemovalsReparentingAndTheNewCurrent) {
  CheckpointStore store = Store();
  for (const std::string current : {"c1", ""}) {  // "" = no checkpoint is current afterwards
    ASSERT_TRUE(store.WriteJournal({.kind = CheckpointIntent::Kind::kDelete,
                                    .removed = {"c3", "c2"},
                                    .reparented = {{"c4", "c1"}, {"c5", ""}},
                                    .new_current = current}));
    auto journal = store.ReadJournal();
    ASSERT_TRUE(journal && *journal);
    EXPECT_EQ((*journal)->kind, CheckpointIntent::Kind::kDelete);
    EXPECT_EQ((*journal)->removed, (std::vector<std::string>{"c3", "c2"}));
    EXPECT_EQ((*journal)->reparented,
              (std::vector<std::pair<std::string, std::string>>{{"c4", "c1"}, {"c5", ""}}));
    EXPECT_EQ((*journal)->new_current, std::optional<std::string>(current));
  }
  ASSERT_TRUE(store.WriteJournal({.kind = CheckpointIntent::Kind::kDelete, .removed = {"c9"}}));
  EXPECT_FALSE((*store.ReadJournal())->new_current) << "current does not move";
}

TEST_F(CheckpointStoreTest, CurrentRoundTripsAndAnUnsafeNameReadsAsNone) {
  CheckpointStore store = Store();
  EXPECT_EQ(store.ReadCurrent(), "");
  ASSERT_TRUE(store.WriteCurrent("c7"));
  EXPECT_EQ(store.ReadCurrent(), "c7");
  ASSERT_TRUE(util::WriteFileAtomically(store.dir() / ".current", "../etc\n"));
  EXPECT_EQ(store.ReadCurrent(), "");
}

}  // namespace
}  // namespace cairn::model
