// What cairn-backup reads from libvirt's XML where libvirt's protocol lacks Cairn's calls:
// the DAC label of a running domain (who its QEMU runs as) and a checkpoint's per-disk sizes
// (whether its bitmaps are usable). The documents are libvirt 9.0's layouts.
#include <gtest/gtest.h>

#include "tools/cairn-backup/bitmap_check.hpp"
#include "tools/cairn-backup/export_socket_dir.hpp"

namespace cairn::backup {
namespace {

TEST(DacLabelTest, SystemDaemonLabelNamesQemusUser) {
  auto user = ParseDacLabel(R"(<domain type='kvm' id='1'><name>vm</name>
    <seclabel type='dynamic' model='apparmor' relabel='yes'><label>libvirt-x</label></seclabel>
    <seclabel type='dynamic' model='dac' relabel='yes'>
      <label>+64055:+108</label><imagelabel>+64055:+108</imagelabel></seclabel></domain>)");
  ASSERT_TRUE(user.has_value());
  ASSERT_TRUE(user->has_value());
  EXPECT_EQ((*user)->uid, 64055u);
  EXPECT_EQ((*user)->gid, 108u);
}

TEST(DacLabelTest, NamesAreLookedUp) {
  auto user =
      ParseDacLabel("<domain><seclabel model='dac'><label>root:root</label></seclabel></domain>");
  ASSERT_TRUE(user && *user);
  EXPECT_EQ((*user)->uid, 0u);
  EXPECT_EQ((*user)->gid, 0u);
  auto unknown = ParseDacLabel(
      "<domain><seclabel model='dac'><label>no-such-user-x:root</label></seclabel></domain>");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kInvalidArg);
}

TEST(DacLabelTest, SessionDaemonHasNone) {
  auto user = ParseDacLabel("<domain type='qemu' id='1'><name>vm</name></domain>");
  ASSERT_TRUE(user.has_value());
  EXPECT_FALSE(user->has_value());
  EXPECT_FALSE(ParseDacLabel("<domain").has_value());
}

TEST(SizedCheckpointXmlTest, ADiskWithoutSizeHasNoUsableBitmap) {
  auto v = VerdictsFromSizedXml(R"(<domaincheckpoint><name>c2</name>
    <parent><name>c1</name></parent><creationTime>1</creationTime><disks>
      <disk name='vda' checkpoint='bitmap' bitmap='c2' size='1048576'/>
      <disk name='vdb' checkpoint='bitmap' bitmap='c2'/>
      <disk name='vdc' checkpoint='no'/>
    </disks><domain type='qemu'/></domaincheckpoint>)",
                                "c2");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->size(), 2u);  // vdc tracks nothing
  EXPECT_EQ(v->at("vda"), "");
  EXPECT_NE(v->at("vdb").find("no valid bitmap 'c2'"), std::string::npos);
  EXPECT_FALSE(VerdictsFromSizedXml("<domaincheckpoint", "c2").has_value());
}

}  // namespace
}  // namespace cairn::backup
