// Checkpoints of a shut-off domain: bitmaps live in the qcow2 files and are changed
// offline; metadata and bitmaps always agree, also across connections (processes).
#include <gtest/gtest.h>

#include "qemu_fixture.hpp"

namespace cairn::test {
namespace {

using Offline = QemuRootTest;

TEST_F(Offline, CreateAddsOnePersistentBitmapPerDiskNamedAfterTheCheckpoint) {
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>");
  ASSERT_TRUE(cp) << cp.error().Text();
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c1"}));
  EXPECT_EQ(BitmapsIn("vdb"), (std::set<std::string>{"c1"}));
}

TEST_F(Offline, DiskListedAsNoGetsNoBitmap) {
  auto cp = dom_->CheckpointCreateXml(
      "<domaincheckpoint><name>c1</name><disks><disk name='vdb' checkpoint='no'/></disks>"
      "</domaincheckpoint>");
  ASSERT_TRUE(cp) << cp.error().Text();
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{}));  // listed disks only: vda is 'no'
  EXPECT_TRUE(BitmapsIn("vdb").empty());
}

TEST_F(Offline, PlainCreateIgnoresParentAndCreationTimeAsLibvirt) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  auto cp = dom_->CheckpointCreateXml(
      "<domaincheckpoint><name>c2</name><parent><name>nosuch</name></parent>"
      "<creationTime>1</creationTime></domaincheckpoint>");
  ASSERT_TRUE(cp) << cp.error().Text();
  EXPECT_EQ(cp->GetParent()->name(), "c1");
  EXPECT_EQ(cp->GetXmlDesc()->find("<creationTime>1</creationTime>"), std::string::npos);
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c1", "c2"}));
}

TEST_F(Offline, UnknownFlagBitsAreRefusedAsQemusVirCheckFlags) {
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint/>", static_cast<CheckpointCreateFlags>(0x8));
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kInvalidArg);
  EXPECT_EQ(cp.error().domain(), ErrorDomain::kQemu);
  EXPECT_EQ(cp.error().Text(),
            "unsupported flags (0x8) in function qemuDomainCheckpointCreateXML");
  auto list = dom_->ListAllCheckpoints(static_cast<CheckpointListFlags>(0x100));
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().Text(),
            "unsupported flags (0x100) in function qemuDomainListAllCheckpoints");
}

TEST_F(Offline, SiblingsListNewestFirstAcrossConnections) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>hub</name></domaincheckpoint>"));
  for (const char* n : {"a", "b"}) {
    ASSERT_TRUE(dom_->CheckpointCreateXml(
        std::string("<domaincheckpoint><name>") + n + "</name><parent><name>hub</name></parent>"
        "<creationTime>" + (n[0] == 'a' ? "2000000000" : "2000000001") +
        "</creationTime></domaincheckpoint>",
        CheckpointCreateFlags::kRedefine));
  }
  auto hub = Open().LookupDomainByName("vm1")->CheckpointLookupByName("hub");
  ASSERT_TRUE(hub);
  auto children = hub->ListAllChildren(CheckpointListFlags::kTopological);
  ASSERT_TRUE(children);
  ASSERT_EQ(children->size(), 2u);
  EXPECT_EQ((*children)[0].name(), "b");
  EXPECT_EQ((*children)[1].name(), "a");
}

TEST_F(Offline, CheckpointsSurviveANewConnection) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>"));
  Connection again = Open();
  auto c2 = again.LookupDomainByName("vm1")->CheckpointLookupByName("c2");
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->GetParent()->name(), "c1");
}

TEST_F(Offline, NextCheckpointHangsOffTheLastOneAcrossConnections) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  auto dom2 = Open().LookupDomainByName("vm1");
  auto c2 = dom2->CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>");
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->GetParent()->name(), "c1");
}

TEST_F(Offline, DeleteRemovesTheBitmapsAndReparents) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>"));
  ASSERT_TRUE(dom_->CheckpointLookupByName("c1")->Delete());
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c2"}));
  auto c2 = Open().LookupDomainByName("vm1")->CheckpointLookupByName("c2");
  EXPECT_FALSE(c2->GetParent());
}

TEST_F(Offline, MetadataOnlyDeleteKeepsTheBitmapAndTheNextCreateNamesIt) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  std::string saved = *dom_->CheckpointLookupByName("c1")->GetXmlDesc(CheckpointXmlFlags::kSecure);
  ASSERT_TRUE(dom_->CheckpointLookupByName("c1")->Delete(CheckpointDeleteFlags::kMetadataOnly));
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c1"}));
  auto again = dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kOperationFailed);
  EXPECT_NE(again.error().detail().find("disk 'vda' already has a bitmap 'c1'"), std::string::npos)
      << again.error().Text();
  EXPECT_NE(again.error().detail().find("qemu-img bitmap --remove " + Image("vda") + " c1"),
            std::string::npos);
  // Adopting it through --redefine brings the checkpoint back, bitmaps validated.
  auto adopted = dom_->CheckpointCreateXml(
      saved, CheckpointCreateFlags::kRedefine | CheckpointCreateFlags::kRedefineValidate);
  ASSERT_TRUE(adopted) << adopted.error().Text();
}

TEST_F(Offline, RedefineValidateFailsWhenABitmapIsMissing) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  std::string saved = *dom_->CheckpointLookupByName("c1")->GetXmlDesc(CheckpointXmlFlags::kSecure);
  ASSERT_TRUE(dom_->CheckpointLookupByName("c1")->Delete());
  auto r = dom_->CheckpointCreateXml(
      saved, CheckpointCreateFlags::kRedefine | CheckpointCreateFlags::kRedefineValidate);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kCheckpointInconsistent);
  EXPECT_EQ(r.error().Text(),
            "checkpoint inconsistent: missing or broken bitmap 'c1' for disk 'vda': recover by "
            "deleting checkpoint 'c1' and taking a full backup");
}

TEST_F(Offline, RedefineWithoutValidateRestoresMetadataOnly) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  std::string saved = *dom_->CheckpointLookupByName("c1")->GetXmlDesc(CheckpointXmlFlags::kSecure);
  ASSERT_TRUE(dom_->CheckpointLookupByName("c1")->Delete(CheckpointDeleteFlags::kMetadataOnly));
  ASSERT_TRUE(dom_->CheckpointCreateXml(saved, CheckpointCreateFlags::kRedefine));
  EXPECT_EQ(*dom_->CheckpointLookupByName("c1")->GetXmlDesc(CheckpointXmlFlags::kSecure), saved);
}

TEST_F(Offline, DeleteOfACheckpointWhoseBitmapVanishedStillSucceeds) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  auto rm = util::RunCommand({"qemu-img", "bitmap", "--remove", Image("vda"), "c1"});
  ASSERT_TRUE(rm && rm->status.Success());
  ASSERT_TRUE(dom_->CheckpointLookupByName("c1")->Delete());
  EXPECT_TRUE(BitmapsIn("vdb").empty());
}

TEST_F(Offline, RawDiskCannotHoldACheckpoint) {
  auto out = util::RunCommand({"qemu-img", "create", "-q", "-f", "raw", Image("raw"), "16M"});
  ASSERT_TRUE(out && out->status.Success());
  std::string xml = DomainXml();
  xml.replace(xml.find("</devices>"), 0,
              "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='" +
                  Image("raw") + "'/><target dev='vdc' bus='virtio'/></disk>");
  ASSERT_TRUE(conn_->DefineDomainXml(xml));
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>");
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().Text(),
            "unsupported configuration: checkpoint for disk vdc unsupported for storage type raw; "
            "leave it out with --diskspec vda,checkpoint=bitmap --diskspec vdb,checkpoint=bitmap "
            "--diskspec vdc,checkpoint=no");
  EXPECT_TRUE(BitmapsIn("vda").empty());
  // The way out the message names works.
  EXPECT_TRUE(dom_->CheckpointCreateXml(
      "<domaincheckpoint><name>c1</name><disks><disk name='vda' checkpoint='bitmap'/>"
      "<disk name='vdb' checkpoint='bitmap'/><disk name='vdc' checkpoint='no'/></disks>"
      "</domaincheckpoint>"));
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c1"}));
}

TEST_F(Offline, UndefineRefusesToDropCheckpointMetadataWithoutTheFlag) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  auto r = dom_->Undefine();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().Text(),
            "Requested operation is not valid: cannot delete inactive domain with 1 checkpoints");
  ASSERT_TRUE(dom_->Undefine(UndefineFlags::kCheckpointsMetadata));
  EXPECT_FALSE(Open().LookupDomainByName("vm1"));
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c1"}));  // metadata only
}

}  // namespace
}  // namespace cairn::test

namespace cairn::test {
namespace {

TEST_F(Offline, QuiesceOfAShutOffDomainIsRefused) {
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint/>", CheckpointCreateFlags::kQuiesce);
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kOperationInvalid);
  EXPECT_TRUE(BitmapsIn("vda").empty());
}

}  // namespace
}  // namespace cairn::test

namespace cairn::test {
namespace {

TEST_F(Offline, SizeCountsTheBytesWrittenSinceTheCheckpointAtBitmapGranularity) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  // qemu-io writes through QEMU's block layer, so the enabled persistent bitmap records it:
  // 100 KiB at 1 MiB + 4 KiB touches two 64 KiB granules.
  auto w = util::RunCommand({"qemu-io", "-f", "qcow2", "-c", "write -P 0xab 1052672 102400",
                             Image("vda")});
  ASSERT_TRUE(w && w->status.Success()) << (w ? w->err : "");
  auto xml = dom_->CheckpointLookupByName("c1")->GetXmlDesc(CheckpointXmlFlags::kSize |
                                                           CheckpointXmlFlags::kNoDomain);
  ASSERT_TRUE(xml) << xml.error().Text();
  EXPECT_NE(xml->find("<disk name='vda' checkpoint='bitmap' bitmap='c1' size='131072'/>"),
            std::string::npos)
      << *xml;
  EXPECT_NE(xml->find("<disk name='vdb' checkpoint='bitmap' bitmap='c1' size='0'/>"),
            std::string::npos)
      << *xml;
}

}  // namespace
}  // namespace cairn::test

namespace cairn::test {
namespace {

TEST_F(Offline, CheckBitmapsReportsABitmapThatVanished) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  auto rm = util::RunCommand({"qemu-img", "bitmap", "--remove", Image("vda"), "c1"});
  ASSERT_TRUE(rm && rm->status.Success());
  auto states = dom_->CheckpointLookupByName("c1")->CheckBitmaps();
  ASSERT_TRUE(states) << states.error().Text();
  ASSERT_EQ(states->size(), 2u);
  EXPECT_EQ((*states)[0].disk, "vda");
  EXPECT_EQ((*states)[0].health, BitmapHealth::kMissing);
  EXPECT_EQ((*states)[1].disk, "vdb");
  EXPECT_EQ((*states)[1].health, BitmapHealth::kOk);
}

}  // namespace
}  // namespace cairn::test
