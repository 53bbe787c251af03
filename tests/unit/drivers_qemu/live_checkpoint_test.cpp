// Checkpoints of a running domain through real QEMU (TCG; the guest only sits in its
// firmware — disk writes by a real guest are proven in tests/qemu).
#include <signal.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "drivers/qemu/qemu_command.hpp"
#include "qemu_fixture.hpp"
#include "qmp/qmp_client.hpp"
#include "qmp/qmp_commands.hpp"

namespace cairn::test {
namespace {

class Live : public QemuRootTest {
 protected:
  void SetUp() override {
    QemuRootTest::SetUp();
    ASSERT_TRUE(dom_->Start());
    dom_ = *Open().LookupDomainByName("vm1");
  }
};

TEST_F(Live, StartedDomainRunsAndAnotherConnectionFindsIt) {
  EXPECT_GT(dom_->id(), 0);
  auto again = Open().LookupDomainByName("vm1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->GetInfo()->state, DomainState::kRunning);
  auto byid = Open().LookupDomainById(dom_->id());
  ASSERT_TRUE(byid);
  EXPECT_EQ(byid->name(), "vm1");
}

TEST_F(Live, CreateAddsBitmapsThatAreInTheImagesAfterShutdown) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>"));
  ASSERT_TRUE(dom_->CheckpointLookupByName("c1")->Delete());
  ASSERT_TRUE(dom_->Destroy());
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c2"}));
  EXPECT_EQ(BitmapsIn("vdb"), (std::set<std::string>{"c2"}));
}

TEST_F(Live, SizeOfAFreshCheckpointIsZeroBytesPerDisk) {
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>");
  ASSERT_TRUE(cp);
  auto xml = cp->GetXmlDesc(CheckpointXmlFlags::kSize | CheckpointXmlFlags::kNoDomain);
  ASSERT_TRUE(xml) << xml.error().Text();
  EXPECT_NE(xml->find("<disk name='vda' checkpoint='bitmap' bitmap='c1' size='0'/>"),
            std::string::npos)
      << *xml;
}

// Create sends its transaction without first asking QEMU for the disks' bitmaps: when a
// bitmap of the new name is there, the refused transaction still names it, and nothing of
// the attempt stays (no checkpoint, no journal: the next create goes through).
TEST_F(Live, ABitmapNoCheckpointOwnsIsNamedAndTheAttemptLeavesNothing) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  ASSERT_TRUE(dom_->CheckpointLookupByName("c1")->Delete(CheckpointDeleteFlags::kMetadataOnly));
  auto again = dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kOperationFailed);
  EXPECT_NE(again.error().detail().find(
                "disk 'vda' already has a bitmap 'c1' that no checkpoint owns (stale after a "
                "metadata-only delete?): adopt it with 'cairn checkpoint-create vm1 FILE "
                "--redefine' using saved checkpoint XML, or shut the domain off"),
            std::string::npos)
      << again.error().Text();
  EXPECT_TRUE(CheckpointNames().empty());
  EXPECT_FALSE(std::filesystem::exists(Root() + "/checkpoints/vm1/.journal"));
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>"));
  EXPECT_EQ(CheckpointNames(), (std::set<std::string>{"c2"}));
}

// Delete sends its removals without first asking QEMU which bitmaps exist: one already gone
// (here from vda only) is still no reason to keep the checkpoint, and the others go.
TEST_F(Live, DeleteOfACheckpointWhoseBitmapVanishedStillSucceeds) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  {
    auto qmp = qmp::QmpClient::Connect(Root() + "/run/vm1/qmp.sock");
    ASSERT_TRUE(qmp) << qmp.error().Text();
    const std::vector<qmp::TransactionAction> removal = {
        qmp::BlockDirtyBitmapRemove{drivers::qemu::DiskNodeName("vda"), "c1"}};
    ASSERT_TRUE(qmp::Transaction(*qmp, removal));
  }
  auto deleted = dom_->CheckpointLookupByName("c1")->Delete();
  ASSERT_TRUE(deleted) << deleted.error().Text();
  EXPECT_TRUE(CheckpointNames().empty());
  ASSERT_TRUE(dom_->Destroy());
  EXPECT_TRUE(BitmapsIn("vda").empty());
  EXPECT_TRUE(BitmapsIn("vdb").empty());
}

TEST_F(Live, CheckpointsMadeOfflineAreLiveAfterStart) {
  ASSERT_TRUE(dom_->Destroy());
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>off</name></domaincheckpoint>"));
  ASSERT_TRUE(dom_->Start());
  auto cp = Open().LookupDomainByName("vm1")->CheckpointLookupByName("off");
  ASSERT_TRUE(cp);
  auto xml = cp->GetXmlDesc(CheckpointXmlFlags::kSize | CheckpointXmlFlags::kNoDomain);
  ASSERT_TRUE(xml) << xml.error().Text();
  EXPECT_NE(xml->find("size='0'"), std::string::npos) << *xml;
  auto validated = Open().LookupDomainByName("vm1")->CheckpointCreateXml(
      *cp->GetXmlDesc(CheckpointXmlFlags::kSecure),
      CheckpointCreateFlags::kRedefine | CheckpointCreateFlags::kRedefineValidate);
  EXPECT_TRUE(validated) << validated.error().Text();
}

TEST_F(Live, QuiesceWithoutAnAgentChannelIsRefused) {
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>",
                                      CheckpointCreateFlags::kQuiesce);
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().Text(), "argument unsupported: QEMU guest agent is not configured");
  EXPECT_TRUE(Open().LookupDomainByName("vm1")->ListAllCheckpoints()->empty());
}

TEST_F(Live, AQemuThatDiedIsReportedAsShutOff) {
  std::ifstream pidfile(Root() + "/run/vm1/pid");
  pid_t pid = 0;
  pidfile >> pid;
  ASSERT_GT(pid, 0);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  for (int i = 0; i < 200 && kill(pid, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto d = Open().LookupDomainByName("vm1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id(), -1);
  EXPECT_EQ(d->GetInfo()->state, DomainState::kShutoff);
}

TEST_F(Live, ABitmapLeftInUseByAKilledQemuIsReportedInconsistent) {
  ASSERT_TRUE(dom_->Destroy());
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  ASSERT_TRUE(dom_->Start());
  std::ifstream pidfile(Root() + "/run/vm1/pid");
  pid_t pid = 0;
  pidfile >> pid;
  ASSERT_EQ(kill(pid, SIGKILL), 0);  // the image keeps the bitmap flagged in-use
  for (int i = 0; i < 200 && kill(pid, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto states = Open().LookupDomainByName("vm1")->CheckpointLookupByName("c1")->CheckBitmaps();
  ASSERT_TRUE(states) << states.error().Text();
  ASSERT_FALSE(states->empty());
  EXPECT_EQ((*states)[0].health, BitmapHealth::kInconsistent);
}

TEST_F(Live, DestroyStopsTheDomain) {
  ASSERT_TRUE(dom_->Destroy());
  EXPECT_EQ(Open().LookupDomainByName("vm1")->GetInfo()->state, DomainState::kShutoff);
  auto again = dom_->Destroy();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kOperationInvalid);
}

}  // namespace
}  // namespace cairn::test
