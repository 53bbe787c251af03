#include "conf/domain_def.hpp"

#include <gtest/gtest.h>

#include "test_data.hpp"

namespace cairn::conf {
namespace {

DomainDef TwoDisks() {
  Result<DomainDef> d = DomainDef::Parse(test::ReadData("domains/two-disks.xml"));
  EXPECT_TRUE(d.has_value()) << d.error().Text();
  return *d;
}

TEST(DomainDef, ReadsNameUuidAndDisksInOrder) {
  DomainDef d = TwoDisks();
  EXPECT_EQ(d.name(), "vm1");
  EXPECT_EQ(d.uuid(), "11111111-2222-3333-4444-555555555555");
  ASSERT_EQ(d.disks().size(), 4u);
  EXPECT_EQ(d.disks()[0].target, "vda");
  EXPECT_EQ(d.disks()[0].format, "qcow2");
  EXPECT_EQ(d.disks()[0].source, "/images/vm1-root.qcow2");
  EXPECT_TRUE(d.disks()[2].readonly);
  EXPECT_TRUE(d.disks()[3].empty());
}

TEST(DomainDef, SecureFormatRoundTripsEveryElementUnchanged) {
  const std::string text = test::ReadData("domains/two-disks.xml");
  EXPECT_EQ(TwoDisks().Format(kDomainFormatSecure), text);
}

TEST(DomainDef, FormatWithoutSecureDropsGraphicsPassword) {
  std::string out = TwoDisks().Format(0);
  EXPECT_EQ(out.find("passwd"), std::string::npos);
  EXPECT_NE(out.find("<graphics type='vnc' port='-1'/>"), std::string::npos);
}

TEST(DomainDef, InactiveFormatDropsRuntimeId) {
  std::string out = TwoDisks().Format(kDomainFormatSecure | kDomainFormatInactive);
  EXPECT_EQ(out.rfind("<domain type='kvm'>\n", 0), 0u);
}

TEST(DomainDef, FindDiskByTargetOrSourcePath) {
  DomainDef d = TwoDisks();
  ASSERT_NE(d.FindDisk("vdb"), nullptr);
  EXPECT_EQ(d.FindDisk("/images/vm1-data.qcow2")->target, "vdb");
  EXPECT_EQ(d.FindDisk("vdz"), nullptr);
}

TEST(DomainDef, SetIdPlacesItAfterType) {
  DomainDef d = TwoDisks();
  d.set_id(std::nullopt);
  d.set_id(7);
  EXPECT_EQ(d.Format(kDomainFormatSecure).rfind("<domain type='kvm' id='7'>", 0), 0u);
}

TEST(DomainDef, MissingNameIsXmlError) {
  Result<DomainDef> d = DomainDef::Parse("<domain type='kvm'><devices/></domain>");
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code(), ErrorCode::kXmlError);
}

TEST(DomainDef, DiskWithoutTargetIsXmlError) {
  Result<DomainDef> d = DomainDef::Parse(
      "<domain><name>x</name><devices><disk type='file'/></devices></domain>");
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().Text(), "XML error: missing target information for device");
}

TEST(DomainDef, MalformedXmlIsXmlDetailWithLine) {
  Result<DomainDef> d = DomainDef::Parse("<domain>\n<name>x</nam>\n</domain>");
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code(), ErrorCode::kXmlDetail);
  EXPECT_NE(d.error().detail().find("(domain_definition):2:"), std::string::npos)
      << d.error().detail();
}

}  // namespace
}  // namespace cairn::conf
