// Sibling order across reloads: the qemu driver reads its checkpoints back from disk on every
// call, yet lists siblings as libvirt keeps them in memory — most recently linked first,
// where a redefine relinks and a delete moves the children up, in their order, in front of
// their new siblings — not by creation time. The test driver (libvirt's rules, in memory)
// given the same calls is the reference.
#include <gtest/gtest.h>

#include "qemu_fixture.hpp"

namespace cairn::test {
namespace {

using CheckpointOrder = QemuRootTest;

std::vector<std::string> Names(const Result<std::vector<Checkpoint>>& list) {
  std::vector<std::string> names;
  if (list) {
    for (const Checkpoint& c : *list) names.push_back(c.name());
  }
  return names;
}

TEST_F(CheckpointOrder, RedefineAndDeleteOrderSurvivesReloadAsInLibvirt) {
  auto test_conn = Connection::Open("test:///default");
  ASSERT_TRUE(test_conn) << test_conn.error().Text();
  auto test_dom = test_conn->LookupDomainByName("test");
  ASSERT_TRUE(test_dom);
  auto redefine = [](const Domain& d, const std::string& name, const std::string& parent,
                     int time) {
    std::string xml = "<domaincheckpoint><name>" + name + "</name>";
    if (!parent.empty()) xml += "<parent><name>" + parent + "</name></parent>";
    xml += "<creationTime>" + std::to_string(2000000000 + time) + "</creationTime>" +
           "</domaincheckpoint>";
    auto cp = d.CheckpointCreateXml(xml, CheckpointCreateFlags::kRedefine);
    ASSERT_TRUE(cp) << name << ": " << cp.error().Text();
  };
  for (const Domain* d : {&*dom_, &*test_dom}) {
    ASSERT_TRUE(d->CheckpointCreateXml("<domaincheckpoint><name>hub</name></domaincheckpoint>"));
    redefine(*d, "a", "hub", 30);
    redefine(*d, "b", "hub", 20);  // older, but linked last: listed first
    redefine(*d, "a", "hub", 30);  // relinked in place: first again
    redefine(*d, "mid", "hub", 40);
    redefine(*d, "x", "mid", 50);
    redefine(*d, "y", "mid", 60);
    auto mid = d->CheckpointLookupByName("mid");
    ASSERT_TRUE(mid);
    ASSERT_TRUE(mid->Delete());  // y, x move up in front of mid's siblings
  }
  const auto want = Names(test_dom->ListAllCheckpoints(CheckpointListFlags::kTopological));
  EXPECT_EQ(want, (std::vector<std::string>{"hub", "y", "x", "a", "b"}));
  Connection again = Open();
  auto dom = again.LookupDomainByName("vm1");
  ASSERT_TRUE(dom);
  EXPECT_EQ(Names(dom->ListAllCheckpoints(CheckpointListFlags::kTopological)), want);
  EXPECT_EQ(Names(dom->CheckpointLookupByName("hub")->ListAllChildren()),
            Names(test_dom->CheckpointLookupByName("hub")->ListAllChildren()));
}

}  // namespace
}  // namespace cairn::test
