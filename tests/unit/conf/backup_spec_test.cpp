// BackupSpec, CheckpointSpec and XmlEscape: the public value types a tool builds documents
// with, round-tripped through the library's own <domainbackup> / <domaincheckpoint> parsers.
#include <gtest/gtest.h>

#include "cairn/backup_job_info.hpp"
#include "cairn/checkpoint_spec.hpp"
#include "cairn/xml_text.hpp"
#include "conf/backup_def.hpp"
#include "conf/checkpoint_def.hpp"

namespace cairn {
namespace {

BackupSpec PullSpec() {
  BackupSpec spec;
  spec.mode = BackupMode::kPull;
  spec.incremental = "monday";
  spec.server = NbdServerSpec{"unix", "", 0, "/run/backup/nbd.sock"};
  BackupDiskSpec vda{"vda"};
  vda.export_name = "sys";
  vda.export_bitmap = "monday-vda";
  vda.store_path = "/var/tmp/vda.scratch";
  vda.format = "qcow2";
  BackupDiskSpec vdb{"vdb"};
  vdb.mode = BackupDiskMode::kFull;
  BackupDiskSpec vdc{"vdc"};
  vdc.backup = false;
  spec.disks = {vda, vdb, vdc};
  return spec;
}

TEST(BackupSpec, PushSpecWritesTheDocumentTheParserReadsBack) {
  BackupSpec spec;
  BackupDiskSpec vda{"vda"};
  vda.store_path = "/backups/vda & co.qcow2";
  vda.format = "qcow2";
  BackupDiskSpec sdb{"vdb"};
  sdb.store_type = BackupStoreType::kBlock;
  sdb.store_path = "/dev/backup/vdb";
  sdb.mode = BackupDiskMode::kIncremental;
  sdb.incremental = "tuesday";
  spec.disks = {vda, sdb};
  const std::string xml = spec.ToXml();
  EXPECT_EQ(xml,
            "<domainbackup mode='push'>\n"
            "  <disks>\n"
            "    <disk name='vda' backup='yes' type='file'>\n"
            "      <driver type='qcow2'/>\n"
            "      <target file='/backups/vda &amp; co.qcow2'/>\n"
            "    </disk>\n"
            "    <disk name='vdb' backup='yes' type='block' backupmode='incremental' "
            "incremental='tuesday'>\n"
            "      <target dev='/dev/backup/vdb'/>\n"
            "    </disk>\n"
            "  </disks>\n"
            "</domainbackup>\n");
  Result<BackupSpec> back = BackupSpec::FromXml(xml);
  ASSERT_TRUE(back) << back.error().Text();
  EXPECT_EQ(*back, spec);
}

TEST(BackupSpec, PullSpecRoundTripsThroughTheParserAndFormatter) {
  const std::string xml = PullSpec().ToXml();
  Result<conf::BackupDef> def = conf::ParseBackupXml(xml, 0);
  ASSERT_TRUE(def) << def.error().Text();
  EXPECT_EQ(conf::FormatBackupXml(*def, 0), xml);  // the parser's own layout: stable
  Result<BackupSpec> back = BackupSpec::FromXml(xml);
  ASSERT_TRUE(back) << back.error().Text();
  EXPECT_EQ(*back, PullSpec());
}

TEST(BackupSpec, DefaultSpecIsAnEmptyPushDocument) {
  EXPECT_EQ(BackupSpec{}.ToXml(), "<domainbackup mode='push'>\n</domainbackup>\n");
  Result<BackupSpec> back = BackupSpec::FromXml("<domainbackup/>");
  ASSERT_TRUE(back) << back.error().Text();
  EXPECT_EQ(*back, BackupSpec{});
}

TEST(BackupSpec, FromXmlRefusesWhatTheParserRefuses) {
  Result<BackupSpec> bad = BackupSpec::FromXml("<domainbackup mode='push'><server/></domainbackup>");
  ASSERT_FALSE(bad);
  Result<BackupSpec> broken = BackupSpec::FromXml("<domainbackup");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code(), ErrorCode::kXmlDetail);  // not well-formed, as libvirt
}

TEST(BackupSpec, ExportUriFollowsTheServer) {
  EXPECT_EQ(NbdServerSpec{}.ExportUri("vda"), "nbd://localhost:10809/vda");
  EXPECT_EQ((NbdServerSpec{"tcp", "::1", 10810, ""}).ExportUri("vda"), "nbd://[::1]:10810/vda");
  EXPECT_EQ((NbdServerSpec{"unix", "", 0, "/run/s"}).ExportUri("sys"),
            "nbd+unix:///sys?socket=/run/s");
  const BackupSpec pull = PullSpec();
  EXPECT_EQ(pull.ExportUri(pull.disks[0]), "nbd+unix:///sys?socket=/run/backup/nbd.sock");
  EXPECT_EQ(pull.ExportUri(pull.disks[1]), "nbd+unix:///vdb?socket=/run/backup/nbd.sock");
  EXPECT_EQ(pull.ExportUri(pull.disks[2]), "");  // left out
  EXPECT_EQ(BackupSpec{}.ExportUri(BackupDiskSpec{"vda"}), "");  // push: nothing exported
}

TEST(BackupJobInfo, DescriptionFromTheDocumentListsTheDisksTakingPart) {
  BackupJobInfo info = DescribeBackupJob(PullSpec());
  ASSERT_EQ(info.disks.size(), 2u);
  EXPECT_EQ(info.disks[0].name, "vda");
  EXPECT_EQ(info.disks[0].store_path, "/var/tmp/vda.scratch");
  EXPECT_EQ(info.disks[0].export_name, "sys");
  EXPECT_EQ(info.disks[0].nbd_uri, "nbd+unix:///sys?socket=/run/backup/nbd.sock");
  EXPECT_EQ(info.disks[1].export_name, "vdb");
  EXPECT_FALSE(info.disks[1].bytes_done);
  EXPECT_FALSE(info.disks[1].bytes_total);
  EXPECT_EQ(info.spec, PullSpec());
}

TEST(CheckpointSpec, ToXmlIsWhatTheParserAndFormatterAgreeOn) {
  CheckpointSpec spec;
  spec.name = "monday";
  spec.description = "before the 'upgrade' & reboot";
  spec.disks =
      std::vector<CheckpointDiskSpec>{{"vda", "bitmap", "mon<vda>"}, {"vdb", "no", {}}};
  const std::string xml = spec.ToXml();
  EXPECT_EQ(xml,
            "<domaincheckpoint>\n"
            "  <name>monday</name>\n"
            "  <description>before the &apos;upgrade&apos; &amp; reboot</description>\n"
            "  <disks>\n"
            "    <disk name='vda' checkpoint='bitmap' bitmap='mon&lt;vda&gt;'/>\n"
            "    <disk name='vdb' checkpoint='no'/>\n"
            "  </disks>\n"
            "</domaincheckpoint>\n");
  Result<conf::CheckpointDef> def = conf::ParseCheckpointXml(xml, 0);
  ASSERT_TRUE(def) << def.error().Text();
  EXPECT_EQ(def->name, "monday");
  EXPECT_EQ(def->description, "before the 'upgrade' & reboot");
  ASSERT_EQ(def->disks.size(), 2u);
  EXPECT_EQ(def->disks[0].type, conf::CheckpointDiskType::kBitmap);
  EXPECT_EQ(def->disks[0].bitmap, "mon<vda>");
  EXPECT_EQ(def->disks[1].type, conf::CheckpointDiskType::kNo);
  // Parsed and formatted again, the same document (modulo libvirt's entity choice).
  Result<conf::CheckpointDef> again =
      conf::ParseCheckpointXml(conf::FormatCheckpointXml(*def, conf::kCheckpointFormatNoDomain), 0);
  ASSERT_TRUE(again) << again.error().Text();
  EXPECT_EQ(again->name, def->name);
  EXPECT_EQ(again->description, def->description);
  EXPECT_EQ(again->disks.size(), 2u);
}

TEST(CheckpointSpec, EmptySpecLetsTheDriverChooseEverything) {
  EXPECT_EQ(CheckpointSpec{}.ToXml(), "<domaincheckpoint>\n</domaincheckpoint>\n");
  ASSERT_TRUE(conf::ParseCheckpointXml(CheckpointSpec{}.ToXml(), 0));
}

TEST(CheckpointSpec, BadDiskModeIsLeftToTheParserToRefuse) {
  CheckpointSpec spec;
  spec.disks = std::vector<CheckpointDiskSpec>{{"vda", "sometimes", {}}};
  Result<conf::CheckpointDef> def = conf::ParseCheckpointXml(spec.ToXml(), 0);
  ASSERT_FALSE(def);
  EXPECT_EQ(def.error().code(), ErrorCode::kXmlInvalidSchema);
}

TEST(XmlEscape, MarkupBecomesEntitiesAndControlCharactersGo) {
  EXPECT_EQ(XmlEscape("a<b>&'\"c"), "a&lt;b&gt;&amp;&apos;&quot;c");
  EXPECT_EQ(XmlEscape(std::string("x\x01y\tz\n", 6)), "xy\tz\n");
  EXPECT_EQ(XmlEscape(""), "");
}

// libvirt 9.0's BackupGetXMLDesc writes index= on each disk, which its own input schema (and
// Cairn's copy) refuses: FromXml still reads such a description.
TEST(BackupSpec, FromXmlReadsLibvirtsDescriptionWithIndexes) {
  Result<BackupSpec> spec = BackupSpec::FromXml(
      "<domainbackup mode='pull'>\n"
      "  <server transport='unix' socket='/tmp/s/nbd.sock'/>\n"
      "  <disks>\n"
      "    <disk name='vda' backup='yes' type='file' backupmode='incremental' "
      "incremental='c1' exportname='vda' exportbitmap='backup-vda' index='2'>\n"
      "      <driver type='qcow2'/>\n"
      "      <scratch file='/tmp/s/vda.scratch'/>\n"
      "    </disk>\n"
      "  </disks>\n"
      "</domainbackup>\n");
  ASSERT_TRUE(spec) << spec.error().Text();
  ASSERT_EQ(spec->disks.size(), 1u);
  EXPECT_EQ(spec->disks[0].export_bitmap, "backup-vda");
  EXPECT_EQ(spec->ExportUri(spec->disks[0]), "nbd+unix:///vda?socket=/tmp/s/nbd.sock");
  // What the parser itself refuses stays refused.
  EXPECT_FALSE(BackupSpec::FromXml(
      "<domainbackup mode='pull'><disks><disk name='vda' backupmode='sideways' index='1'/>"
      "</disks></domainbackup>"));
}

}  // namespace
}  // namespace cairn
