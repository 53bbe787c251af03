// The checkpoint contract (seed 001), sentence by sentence, through the public C++ API on
// test:///default. Each test is named after the sentence it checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <string>
#include <vector>

#include "cairn/cairn.hpp"

namespace cairn {
namespace {

using CL = CheckpointListFlags;
using CC = CheckpointCreateFlags;
using CD = CheckpointDeleteFlags;
using CX = CheckpointXmlFlags;

class CheckpointContract : public testing::Test {
 protected:
  void SetUp() override {
    auto c = Connection::Open("test:///default");
    ASSERT_TRUE(c) << c.error().Text();
    conn_ = *c;
    auto d = conn_->LookupDomainByName("test");
    ASSERT_TRUE(d) << d.error().Text();
    dom_ = *d;
  }

  Checkpoint Create(const std::string& name, const std::string& extra = "") {
    auto cp = dom_->CheckpointCreateXml("<domaincheckpoint><name>" + name + "</name>" + extra +
                                        "</domaincheckpoint>");
    EXPECT_TRUE(cp) << cp.error().Text();
    return *cp;
  }

  static std::vector<std::string> Names(const Result<std::vector<Checkpoint>>& list) {
    EXPECT_TRUE(list) << list.error().Text();
    std::vector<std::string> out;
    if (list) {
      for (const Checkpoint& c : *list) out.push_back(c.name());
    }
    return out;
  }

  static std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  // c1 -> c2 -> c3, and c1 -> c4 (c2 and c4 siblings).
  void MakeForest() {
    Create("c1");
    Create("c2");
    Create("c3");
    ASSERT_TRUE(dom_->CheckpointCreateXml(
        "<domaincheckpoint><name>c4</name><parent><name>c1</name></parent>"
        "<creationTime>100</creationTime></domaincheckpoint>",
        CC::kRedefine));
  }

  std::optional<Connection> conn_;
  std::optional<Domain> dom_;
};

TEST_F(CheckpointContract, GetNameReturnsThePublicName) {
  EXPECT_EQ(Create("c1").name(), "c1");
}

TEST_F(CheckpointContract, GetDomainProvidesTheDomainOfTheCheckpoint) {
  Checkpoint cp = Create("c1");
  EXPECT_EQ(cp.domain().name(), "test");
  EXPECT_EQ(cp.domain().uuid(), "6695eb01-f6a4-8304-79aa-97f2502e193f");
}

TEST_F(CheckpointContract, GetConnectProvidesTheConnectionOfTheCheckpoint) {
  EXPECT_EQ(Create("c1").connection().uri(), "test:///default");
}

TEST_F(CheckpointContract, HandlesKeepTheirDomainAndConnectionAlive) {
  Checkpoint cp = Create("c1");
  conn_.reset();
  dom_.reset();
  auto xml = cp.GetXmlDesc(CX::kNoDomain);
  ASSERT_TRUE(xml) << xml.error().Text();
  EXPECT_NE(xml->find("<name>c1</name>"), std::string::npos);
}

TEST_F(CheckpointContract, CreateXmlCreatesACheckpointOnARunningDomain) {
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint/>");
  ASSERT_TRUE(cp) << cp.error().Text();
  EXPECT_FALSE(cp->name().empty());
}

TEST_F(CheckpointContract, CreateXmlOnAnInactiveDomainIsRefusedByTheTestDriver) {
  ASSERT_TRUE(dom_->Destroy());
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint/>");
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kOperationUnsupported);
  EXPECT_EQ(cp.error().domain(), ErrorDomain::kTest);
}

TEST_F(CheckpointContract, XmlDescMustValidateAgainstTheSchema) {
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint><bogus/></domaincheckpoint>");
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kXmlInvalidSchema);
}

TEST_F(CheckpointContract, XmlDescMustNotBeNull) {
  auto cp = dom_->CheckpointCreateXml(std::string_view());
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kInvalidArg);
  EXPECT_EQ(cp.error().detail(), "xmlDesc in virDomainCheckpointCreateXML must not be NULL");
}

TEST_F(CheckpointContract, XmlDescCanLimitTheCheckpointToASubsetOfDisks) {
  Checkpoint cp = Create("c1", "<disks><disk name='vda' checkpoint='no'/></disks>");
  auto xml = cp.GetXmlDesc(CX::kNoDomain);
  ASSERT_TRUE(xml);
  EXPECT_NE(xml->find("<disk name='vda' checkpoint='no'/>"), std::string::npos);
}

TEST_F(CheckpointContract, UnknownDiskIsRefused) {
  auto cp = dom_->CheckpointCreateXml(
      "<domaincheckpoint><disks><disk name='vdz'/></disks></domaincheckpoint>");
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().Text(), "unsupported configuration: no disk named 'vdz'");
}

TEST_F(CheckpointContract, RedefineReinstatesMetadataCapturedFromGetXmlDesc) {
  Create("c1");
  Checkpoint c2 = Create("c2", "<description>before</description>");
  std::string saved = *c2.GetXmlDesc(CX::kSecure);
  ASSERT_TRUE(c2.Delete(CD::kMetadataOnly));
  ASSERT_FALSE(dom_->CheckpointLookupByName("c2"));
  auto again = dom_->CheckpointCreateXml(saved, CC::kRedefine);
  ASSERT_TRUE(again) << again.error().Text();
  EXPECT_EQ(*again->GetXmlDesc(CX::kSecure), saved);
}

TEST_F(CheckpointContract, RedefinitionMustSupplyMoreElements) {
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint/>", CC::kRedefine);
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().Text(), "XML error: a redefined checkpoint must have a name");
}

TEST_F(CheckpointContract, RedefineValidateRequiresRedefine) {
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint/>", CC::kRedefineValidate);
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kInvalidArg);
  EXPECT_EQ(cp.error().detail(),
            "Flag 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE' is required by flag "
            "'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE'");
}

TEST_F(CheckpointContract, QuiesceIsIncompatibleWithRedefine) {
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint/>", CC::kRedefine | CC::kQuiesce);
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().Text(),
            "Flags 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE' and "
            "'VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE' are mutually exclusive");
}

TEST_F(CheckpointContract, QuiesceIsAcceptedAndDoesNothingOnTheTestDriver) {
  EXPECT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint/>", CC::kQuiesce));
}

TEST_F(CheckpointContract, RedefineValidateIsNotSupportedByTheTestDriver) {
  auto cp = dom_->CheckpointCreateXml(
      "<domaincheckpoint><name>x</name><creationTime>1</creationTime></domaincheckpoint>",
      CC::kRedefine | CC::kRedefineValidate);
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().detail(), "unsupported flags (0x4) in function testDomainCheckpointCreateXML");
}

TEST_F(CheckpointContract, UnknownCreateFlagBitsAreRejectedByTheDriverAsVirCheckFlags) {
  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint/>", static_cast<CC>(1u << 7));
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kInvalidArg);
  EXPECT_EQ(cp.error().domain(), ErrorDomain::kTest);
  EXPECT_EQ(cp.error().Text(),
            "unsupported flags (0x80) in function testDomainCheckpointCreateXML");
}

TEST_F(CheckpointContract, ConnectionsOfOneProcessShareTheTestDriverState) {
  Checkpoint a = Create("a");
  auto other = Connection::Open("test:///default");
  auto ro = Connection::Open("test:///default", true);
  ASSERT_TRUE(other && ro);
  auto other_dom = other->LookupDomainByName("test");
  auto ro_dom = ro->LookupDomainByName("test");
  ASSERT_TRUE(other_dom && ro_dom);
  EXPECT_EQ(Names(other_dom->ListAllCheckpoints()), (std::vector<std::string>{"a"}));
  EXPECT_EQ(Names(ro_dom->ListAllCheckpoints()), (std::vector<std::string>{"a"}));
  auto b = other_dom->CheckpointCreateXml("<domaincheckpoint><name>b</name></domaincheckpoint>");
  ASSERT_TRUE(b) << b.error().Text();
  EXPECT_EQ(b->GetParent()->name(), "a");
  EXPECT_EQ(Names(dom_->ListAllCheckpoints(CL::kTopological)),
            (std::vector<std::string>{"a", "b"}));
}

TEST_F(CheckpointContract, TheTestDriverStateIsDroppedWhenTheLastConnectionCloses) {
  Create("a");
  dom_.reset();
  conn_.reset();
  auto fresh = Connection::Open("test:///default");
  ASSERT_TRUE(fresh);
  EXPECT_TRUE(Names(fresh->LookupDomainByName("test")->ListAllCheckpoints()).empty());
}

TEST_F(CheckpointContract, ConnectionsInSeveralThreadsChangeOneStateSafely) {
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      auto c = Connection::Open("test:///default");
      ASSERT_TRUE(c);
      auto d = c->LookupDomainByName("test");
      ASSERT_TRUE(d);
      for (int i = 0; i < kEach; ++i) {
        std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto cp = d->CheckpointCreateXml("<domaincheckpoint><name>" + name +
                                         "</name></domaincheckpoint>");
        EXPECT_TRUE(cp) << cp.error().Text();
        EXPECT_TRUE(d->ListAllCheckpoints(CL::kTopological));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // Each create took the previous one as parent: one chain through all of them.
  EXPECT_EQ(Names(dom_->ListAllCheckpoints()).size(), std::size_t{kThreads * kEach});
  EXPECT_EQ(Names(dom_->ListAllCheckpoints(CL::kRoots)).size(), 1u);
  EXPECT_EQ(Names(dom_->ListAllCheckpoints(CL::kLeaves)).size(), 1u);
}

TEST_F(CheckpointContract, ReadOnlyConnectionRefusesDelete) {
  Create("c1");
  auto ro = Connection::Open("test:///default", true);
  ASSERT_TRUE(ro);
  auto cp = ro->LookupDomainByName("test")->CheckpointLookupByName("c1");
  ASSERT_TRUE(cp) << cp.error().Text();
  Status s = cp->Delete();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kOperationDenied);
  EXPECT_EQ(s.error().domain(), ErrorDomain::kDomainCheckpoint);
  EXPECT_EQ(s.error().Text(),
            "operation forbidden: read only access prevents virDomainCheckpointDelete");
  EXPECT_TRUE(dom_->CheckpointLookupByName("c1"));
}

TEST_F(CheckpointContract, ReadOnlyConnectionRefusesSecureXml) {
  Create("c1");
  auto ro = Connection::Open("test:///default", true);
  ASSERT_TRUE(ro);
  auto cp = ro->LookupDomainByName("test")->CheckpointLookupByName("c1");
  ASSERT_TRUE(cp) << cp.error().Text();
  auto xml = cp->GetXmlDesc(CX::kSecure);
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().code(), ErrorCode::kOperationDenied);
  EXPECT_EQ(xml.error().Text(),
            "operation forbidden: virDomainCheckpointGetXMLDesc with secure flag");
  EXPECT_TRUE(cp->GetXmlDesc());
}

TEST_F(CheckpointContract, ReadOnlyConnectionRefusesCreate) {
  auto ro = Connection::Open("test:///default", true);
  ASSERT_TRUE(ro);
  auto cp = ro->LookupDomainByName("test")->CheckpointCreateXml("<domaincheckpoint/>");
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kOperationDenied);
  EXPECT_EQ(cp.error().Text(),
            "operation forbidden: read only access prevents virDomainCheckpointCreateXML");
}

TEST_F(CheckpointContract, GetXmlDescShowsTheInactiveDomainDefinition) {
  Checkpoint cp = Create("c1");
  auto plain = cp.GetXmlDesc();
  ASSERT_TRUE(plain);
  EXPECT_NE(plain->find("  <domain type='test'>\n"), std::string::npos);
}

TEST_F(CheckpointContract, GetXmlDescIncludesTheDomainUnlessNoDomain) {
  Checkpoint cp = Create("c1");
  EXPECT_NE(cp.GetXmlDesc()->find("<domain "), std::string::npos);
  EXPECT_EQ(cp.GetXmlDesc(CX::kNoDomain)->find("<domain "), std::string::npos);
}

TEST_F(CheckpointContract, GetXmlDescWithSizeAddsNothingOnTheTestDriver) {
  Checkpoint cp = Create("c1");
  auto xml = cp.GetXmlDesc(CX::kSize | CX::kNoDomain);
  ASSERT_TRUE(xml) << xml.error().Text();
  EXPECT_EQ(*xml, *cp.GetXmlDesc(CX::kNoDomain));
  EXPECT_NE(xml->find("<disk name='vda' checkpoint='bitmap' bitmap='c1'/>"), std::string::npos);
}

TEST_F(CheckpointContract, PlainCreateIgnoresParentAndCreationTime) {
  Create("c1");
  auto cp = dom_->CheckpointCreateXml(
      "<domaincheckpoint><name>c2</name><parent><name>nosuch</name></parent>"
      "<creationTime>1</creationTime></domaincheckpoint>");
  ASSERT_TRUE(cp) << cp.error().Text();
  EXPECT_EQ(cp->GetParent()->name(), "c1");
  EXPECT_EQ(cp->GetXmlDesc()->find("<creationTime>1</creationTime>"), std::string::npos);
}

TEST_F(CheckpointContract, ListAllCoversAllCheckpointsByDefault) {
  MakeForest();
  EXPECT_EQ(Sorted(Names(dom_->ListAllCheckpoints())),
            (std::vector<std::string>{"c1", "c2", "c3", "c4"}));
}

TEST_F(CheckpointContract, ListAllWithRootsListsOnlyCheckpointsWithoutParent) {
  MakeForest();
  EXPECT_EQ(Names(dom_->ListAllCheckpoints(CL::kRoots)), (std::vector<std::string>{"c1"}));
}

TEST_F(CheckpointContract, TopologicalListsSiblingsMostRecentlyLinkedFirstAsLibvirt) {
  Create("hub");
  for (const char* n : {"a", "b", "c"}) {
    ASSERT_TRUE(dom_->CheckpointCreateXml(std::string("<domaincheckpoint><name>") + n +
                                              "</name><parent><name>hub</name></parent>"
                                              "<creationTime>5</creationTime></domaincheckpoint>",
                                          CC::kRedefine));
  }
  EXPECT_EQ(Names(dom_->ListAllCheckpoints(CL::kTopological)),
            (std::vector<std::string>{"hub", "c", "b", "a"}));
  Checkpoint hub = *dom_->CheckpointLookupByName("hub");
  EXPECT_EQ(Names(hub.ListAllChildren()), (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ(Names(hub.ListAllChildren(CL::kTopological)),
            (std::vector<std::string>{"c", "b", "a"}));
}

TEST_F(CheckpointContract, TopologicalPutsParentsBeforeChildren) {
  MakeForest();
  std::vector<std::string> order = Names(dom_->ListAllCheckpoints(CL::kTopological));
  auto pos = [&](const std::string& n) { return std::find(order.begin(), order.end(), n); };
  ASSERT_EQ(order.size(), 4u);
  EXPECT_LT(pos("c1"), pos("c2"));
  EXPECT_LT(pos("c2"), pos("c3"));
  EXPECT_LT(pos("c1"), pos("c4"));
}

TEST_F(CheckpointContract, LeavesListsOnlyCheckpointsWithoutChildren) {
  MakeForest();
  EXPECT_EQ(Sorted(Names(dom_->ListAllCheckpoints(CL::kLeaves))),
            (std::vector<std::string>{"c3", "c4"}));
}

TEST_F(CheckpointContract, NoLeavesListsOnlyCheckpointsWithChildren) {
  MakeForest();
  EXPECT_EQ(Sorted(Names(dom_->ListAllCheckpoints(CL::kNoLeaves))),
            (std::vector<std::string>{"c1", "c2"}));
}

TEST_F(CheckpointContract, LeavesAndNoLeavesTogetherAreAnImpossibleCombinationListingNothing) {
  MakeForest();
  EXPECT_TRUE(Names(dom_->ListAllCheckpoints(CL::kLeaves | CL::kNoLeaves)).empty());
}

TEST_F(CheckpointContract, UnknownListFlagBitsAreRejected) {
  auto list = dom_->ListAllCheckpoints(static_cast<CL>(1u << 4));
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().code(), ErrorCode::kInvalidArg);
}

TEST_F(CheckpointContract, ListAllChildrenCoversOnlyDirectChildrenByDefault) {
  MakeForest();
  Checkpoint c1 = *dom_->CheckpointLookupByName("c1");
  EXPECT_EQ(Sorted(Names(c1.ListAllChildren())), (std::vector<std::string>{"c2", "c4"}));
}

TEST_F(CheckpointContract, DescendantsWidensListAllChildrenToAllDescendants) {
  MakeForest();
  Checkpoint c1 = *dom_->CheckpointLookupByName("c1");
  EXPECT_EQ(Sorted(Names(c1.ListAllChildren(CL::kDescendants))),
            (std::vector<std::string>{"c2", "c3", "c4"}));
}

TEST_F(CheckpointContract, RootsBitMeansDescendantsForListAllChildren) {
  MakeForest();
  Checkpoint c1 = *dom_->CheckpointLookupByName("c1");
  EXPECT_EQ(Names(c1.ListAllChildren(CL::kRoots)).size(), 3u);
}

TEST_F(CheckpointContract, ListAllChildrenHonoursLeavesAndTopological) {
  MakeForest();
  Checkpoint c1 = *dom_->CheckpointLookupByName("c1");
  EXPECT_EQ(Sorted(Names(c1.ListAllChildren(CL::kDescendants | CL::kLeaves))),
            (std::vector<std::string>{"c3", "c4"}));
  std::vector<std::string> topo = Names(c1.ListAllChildren(CL::kDescendants | CL::kTopological));
  EXPECT_LT(std::find(topo.begin(), topo.end(), "c2"), std::find(topo.begin(), topo.end(), "c3"));
}

TEST_F(CheckpointContract, LookupByNameFindsTheCheckpoint) {
  Create("c1");
  auto cp = dom_->CheckpointLookupByName("c1");
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->name(), "c1");
}

TEST_F(CheckpointContract, LookupByNameOfAMissingCheckpointIsNoDomainCheckpoint) {
  auto cp = dom_->CheckpointLookupByName("nope");
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kNoDomainCheckpoint);
}

TEST_F(CheckpointContract, LookupByNameTakesFlagsZero) {
  Create("c1");
  auto cp = dom_->CheckpointLookupByName("c1", 1);
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kInvalidArg);
}

TEST_F(CheckpointContract, LookupByNameRequiresAName) {
  auto cp = dom_->CheckpointLookupByName(std::string_view());
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kInvalidArg);
}

TEST_F(CheckpointContract, GetParentReturnsTheParent) {
  Create("c1");
  Checkpoint c2 = Create("c2");
  EXPECT_EQ(c2.GetParent()->name(), "c1");
}

TEST_F(CheckpointContract, GetParentOfARootIsNoDomainCheckpoint) {
  Checkpoint c1 = Create("c1");
  auto p = c1.GetParent();
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), ErrorCode::kNoDomainCheckpoint);
}

TEST_F(CheckpointContract, GetParentTakesFlagsZero) {
  Create("c1");
  Checkpoint c2 = Create("c2");
  EXPECT_EQ(c2.GetParent(2).error().code(), ErrorCode::kInvalidArg);
}

TEST_F(CheckpointContract, DeleteRemovesTheCheckpointAndReparentsItsChildren) {
  MakeForest();
  ASSERT_TRUE(dom_->CheckpointLookupByName("c1")->Delete());
  EXPECT_FALSE(dom_->CheckpointLookupByName("c1"));
  EXPECT_EQ(Sorted(Names(dom_->ListAllCheckpoints(CL::kRoots))),
            (std::vector<std::string>{"c2", "c4"}));
}

TEST_F(CheckpointContract, DeleteOfAMiddleCheckpointGivesItsChildrenItsParent) {
  MakeForest();
  ASSERT_TRUE(dom_->CheckpointLookupByName("c2")->Delete());
  EXPECT_EQ(dom_->CheckpointLookupByName("c3")->GetParent()->name(), "c1");
}

TEST_F(CheckpointContract, DeleteChildrenAlsoDeletesDescendants) {
  MakeForest();
  ASSERT_TRUE(dom_->CheckpointLookupByName("c1")->Delete(CD::kChildren));
  EXPECT_TRUE(Names(dom_->ListAllCheckpoints()).empty());
}

TEST_F(CheckpointContract, DeleteChildrenOnlyKeepsThisCheckpoint) {
  MakeForest();
  ASSERT_TRUE(dom_->CheckpointLookupByName("c1")->Delete(CD::kChildrenOnly));
  EXPECT_EQ(Names(dom_->ListAllCheckpoints()), (std::vector<std::string>{"c1"}));
}

TEST_F(CheckpointContract, ChildrenAndChildrenOnlyAreMutuallyExclusive) {
  Checkpoint c1 = Create("c1");
  auto ok = c1.Delete(CD::kChildren | CD::kChildrenOnly);
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().code(), ErrorCode::kInvalidArg);
  EXPECT_TRUE(dom_->CheckpointLookupByName("c1"));
}

TEST_F(CheckpointContract, DeleteMetadataOnlyRemovesTheMetadata) {
  Checkpoint c1 = Create("c1");
  ASSERT_TRUE(c1.Delete(CD::kMetadataOnly));
  EXPECT_FALSE(dom_->CheckpointLookupByName("c1"));
}

TEST_F(CheckpointContract, AHandleOnADeletedCheckpointFailsWithNoDomainCheckpoint) {
  Checkpoint c1 = Create("c1");
  ASSERT_TRUE(c1.Delete());
  auto xml = c1.GetXmlDesc();
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().code(), ErrorCode::kNoDomainCheckpoint);
}

}  // namespace
}  // namespace cairn
