#include "conf/backup_def.hpp"

#include <gtest/gtest.h>

#include "test_data.hpp"

namespace cairn::conf {
namespace {

DomainDef TwoDisks() {
  Result<DomainDef> d = DomainDef::Parse(test::ReadData("domains/two-disks.xml"));
  EXPECT_TRUE(d.has_value());
  return *d;
}

Error ParseError(const std::string& xml, unsigned flags = 0) {
  Result<BackupDef> def = ParseBackupXml(xml, flags);
  EXPECT_FALSE(def.has_value());
  return def ? Error(ErrorCode::kOk, ErrorDomain::kNone, "") : def.error();
}

Error AlignError(const std::string& xml) {
  Result<BackupDef> def = ParseBackupXml(xml, 0);
  EXPECT_TRUE(def.has_value()) << def.error().Text();
  Status s = AlignBackupDisks(*def, TwoDisks(), "c9");
  EXPECT_FALSE(s.has_value());
  return s ? Error(ErrorCode::kOk, ErrorDomain::kNone, "") : s.error();
}

TEST(BackupAlign, EmptyBackupCopiesEveryWritableDiskToGeneratedFiles) {
  Result<BackupDef> def = ParseBackupXml("<domainbackup/>", 0);
  ASSERT_TRUE(def);
  ASSERT_TRUE(AlignBackupDisks(*def, TwoDisks(), "c9"));
  EXPECT_EQ(FormatBackupXml(*def, 0),
            "<domainbackup mode='push'>\n"
            "  <disks>\n"
            "    <disk name='vda' backup='yes' type='file' backupmode='full'>\n"
            "      <target file='/images/vm1-root.qcow2.c9'/>\n"
            "    </disk>\n"
            "    <disk name='vdb' backup='yes' type='file' backupmode='full'>\n"
            "      <target file='/images/vm1-data.qcow2.c9'/>\n"
            "    </disk>\n"
            "    <disk name='hdc' backup='no'/>\n"
            "    <disk name='hdd' backup='no'/>\n"
            "  </disks>\n"
            "</domainbackup>\n");
}

TEST(BackupAlign, GlobalIncrementalPropagatesToDisks) {
  Result<BackupDef> def = ParseBackupXml(
      "<domainbackup><incremental>c1</incremental><disks><disk name='vda'/>"
      "<disk name='vdb' backupmode='full'/></disks></domainbackup>", 0);
  ASSERT_TRUE(def);
  ASSERT_TRUE(AlignBackupDisks(*def, TwoDisks(), "x"));
  EXPECT_EQ(def->disks[0].mode, BackupDiskMode::kIncremental);
  EXPECT_EQ(def->disks[0].incremental, "c1");
  EXPECT_EQ(def->disks[1].mode, BackupDiskMode::kFull);
  EXPECT_TRUE(def->disks[1].incremental.empty());
  EXPECT_FALSE(def->disks[2].backup);
}

TEST(BackupAlign, UnknownDiskIsConfigUnsupported) {
  EXPECT_EQ(AlignError("<domainbackup><disks><disk name='vdz'/></disks></domainbackup>").Text(),
            "unsupported configuration: no disk named 'vdz'");
}

TEST(BackupAlign, DiskListedTwiceIsConfigUnsupported) {
  EXPECT_EQ(AlignError("<domainbackup><disks><disk name='vda'/><disk name='vda'/></disks>"
                       "</domainbackup>")
                .detail(),
            "disk 'vda' specified twice");
}

TEST(BackupAlign, IncrementalModeWithoutCheckpointIsRefused) {
  EXPECT_EQ(AlignError("<domainbackup><disks><disk name='vda' backupmode='incremental'/>"
                       "</disks></domainbackup>")
                .detail(),
            "'incremental' backup mode of disk 'vda' requires setting 'incremental' field for "
            "disk or backup");
}

TEST(BackupAlign, DiskWithoutMediaIsRefused) {
  EXPECT_EQ(AlignError("<domainbackup><disks><disk name='hdd'/></disks></domainbackup>").detail(),
            "disk 'hdd' has no media");
}

TEST(BackupAlign, BlockStoreWithoutPathIsNotGenerated) {
  EXPECT_EQ(AlignError("<domainbackup><disks><disk name='vda' type='block'/></disks>"
                       "</domainbackup>")
                .detail(),
            "refusing to generate file name for disk 'vda'");
}

TEST(BackupParse, UnknownModeFailsTheSchema) {
  EXPECT_EQ(ParseError("<domainbackup mode='sideways'/>").code(), ErrorCode::kXmlInvalidSchema);
}

TEST(BackupParse, UnknownModeInStatusXmlIsConfigUnsupported) {
  EXPECT_EQ(ParseError("<domainbackup mode='sideways'/>", kBackupParseInternal).Text(),
            "unsupported configuration: unknown backup mode 'sideways'");
}

TEST(BackupParse, ServerInPushModeIsRefused) {
  EXPECT_EQ(ParseError("<domainbackup><server name='localhost' port='1'/></domainbackup>",
                       kBackupParseInternal)
                .detail(),
            "use of <server> requires pull mode backup");
}

TEST(BackupParse, RelativeUnixSocketIsRefused) {
  EXPECT_EQ(ParseError("<domainbackup mode='pull'><server transport='unix' socket='x.sock'/>"
                       "</domainbackup>",
                       kBackupParseInternal)
                .detail(),
            "backup socket path 'x.sock' must be absolute");
}

TEST(BackupParse, RdmaTransportIsRefused) {
  EXPECT_EQ(ParseError("<domainbackup mode='pull'><server transport='rdma' name='h'/>"
                       "</domainbackup>",
                       kBackupParseInternal)
                .detail(),
            "transport rdma is not supported for <server>");
}

TEST(BackupParse, PullStoreMustBeQcow2) {
  EXPECT_EQ(ParseError("<domainbackup mode='pull'><server name='h' port='1'/><disks>"
                       "<disk name='vda' type='file'><driver type='raw'/></disk></disks>"
                       "</domainbackup>",
                       kBackupParseInternal)
                .detail(),
            "pull mode backup for disk 'vda' requires qcow2 driver");
}

TEST(BackupParse, StateAndIndexOnlyInInternalFormat) {
  const std::string xml =
      "<domainbackup><disks><disk name='vda' state='running' index='3' type='file'>"
      "<target file='/t'/></disk></disks></domainbackup>";
  Result<BackupDef> def = ParseBackupXml(xml, kBackupParseInternal);
  ASSERT_TRUE(def) << def.error().Text();
  EXPECT_EQ(def->disks[0].state, BackupDiskState::kRunning);
  EXPECT_EQ(def->disks[0].index, 3u);
  EXPECT_NE(FormatBackupXml(*def, kBackupParseInternal).find("state='running'"),
            std::string::npos);
  EXPECT_EQ(FormatBackupXml(*def, 0).find("state="), std::string::npos);
  EXPECT_EQ(ParseError(xml).code(), ErrorCode::kXmlInvalidSchema);
}

}  // namespace
}  // namespace cairn::conf
