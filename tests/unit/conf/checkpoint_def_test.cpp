#include "conf/checkpoint_def.hpp"

#include <gtest/gtest.h>

#include "test_data.hpp"

namespace cairn::conf {
namespace {

DomainDef TwoDisks() {
  Result<DomainDef> d = DomainDef::Parse(test::ReadData("domains/two-disks.xml"));
  EXPECT_TRUE(d.has_value());
  return *d;
}

CheckpointDef Parse(const std::string& xml, unsigned flags = 0) {
  Result<CheckpointDef> def = ParseCheckpointXml(xml, flags);
  EXPECT_TRUE(def.has_value()) << def.error().Text();
  return def.value_or(CheckpointDef{});
}

Error ParseError(const std::string& xml, unsigned flags = 0) {
  Result<CheckpointDef> def = ParseCheckpointXml(xml, flags);
  EXPECT_FALSE(def.has_value());
  return def ? Error(ErrorCode::kOk, ErrorDomain::kNone, "") : def.error();
}

Error AlignError(CheckpointDef def) {
  Status s = AlignCheckpointDisks(def, TwoDisks());
  EXPECT_FALSE(s.has_value());
  return s ? Error(ErrorCode::kOk, ErrorDomain::kNone, "") : s.error();
}

TEST(CheckpointAlign, OmittedDisksTrackEveryWritableDiskWithMedia) {
  CheckpointDef def = Parse("<domaincheckpoint><name>c1</name></domaincheckpoint>");
  ASSERT_TRUE(AlignCheckpointDisks(def, TwoDisks()));
  EXPECT_EQ(FormatCheckpointXml(def, kCheckpointFormatNoDomain),
            "<domaincheckpoint>\n"
            "  <name>c1</name>\n"
            "  <disks>\n"
            "    <disk name='vda' checkpoint='bitmap' bitmap='c1'/>\n"
            "    <disk name='vdb' checkpoint='bitmap' bitmap='c1'/>\n"
            "    <disk name='hdc' checkpoint='no'/>\n"
            "    <disk name='hdd' checkpoint='no'/>\n"
            "  </disks>\n"
            "</domaincheckpoint>\n");
}

TEST(CheckpointAlign, ListedDisksAloneAreTrackedInDomainOrder) {
  CheckpointDef def = Parse(
      "<domaincheckpoint><name>c1</name><disks><disk name='vdb'/></disks></domaincheckpoint>");
  ASSERT_TRUE(AlignCheckpointDisks(def, TwoDisks()));
  ASSERT_EQ(def.disks.size(), 4u);
  EXPECT_EQ(def.disks[0].name, "vda");
  EXPECT_EQ(def.disks[0].type, CheckpointDiskType::kNo);
  EXPECT_EQ(def.disks[1].name, "vdb");
  EXPECT_EQ(def.disks[1].type, CheckpointDiskType::kBitmap);
  EXPECT_EQ(def.disks[1].bitmap, "c1");
}

TEST(CheckpointAlign, DiskGivenBySourcePathIsRenamedToTarget) {
  CheckpointDef def = Parse(
      "<domaincheckpoint><name>c1</name><disks><disk name='/images/vm1-data.qcow2'/></disks>"
      "</domaincheckpoint>");
  ASSERT_TRUE(AlignCheckpointDisks(def, TwoDisks()));
  EXPECT_EQ(def.disks[1].name, "vdb");
}

TEST(CheckpointAlign, ExplicitBitmapNameIsKept) {
  CheckpointDef def = Parse(
      "<domaincheckpoint><name>c1</name><disks><disk name='vda' bitmap='other'/></disks>"
      "</domaincheckpoint>");
  ASSERT_TRUE(AlignCheckpointDisks(def, TwoDisks()));
  EXPECT_EQ(def.disks[0].bitmap, "other");
}

TEST(CheckpointAlign, UnknownDiskIsConfigUnsupported) {
  Error e = AlignError(Parse(
      "<domaincheckpoint><name>c1</name><disks><disk name='vdz'/></disks></domaincheckpoint>"));
  EXPECT_EQ(e.code(), ErrorCode::kConfigUnsupported);
  EXPECT_EQ(e.Text(), "unsupported configuration: no disk named 'vdz'");
}

TEST(CheckpointAlign, DiskListedTwiceIsConfigUnsupported) {
  Error e = AlignError(Parse(
      "<domaincheckpoint><name>c1</name><disks><disk name='vda'/>"
      "<disk name='/images/vm1-root.qcow2'/></disks></domaincheckpoint>"));
  EXPECT_EQ(e.Text(), "unsupported configuration: disk '/images/vm1-root.qcow2' specified twice");
}

TEST(CheckpointAlign, ReadonlyDiskAskedForBitmapIsRefused) {
  Error e = AlignError(Parse(
      "<domaincheckpoint><name>c1</name><disks><disk name='hdc'/></disks></domaincheckpoint>"));
  EXPECT_EQ(e.Text(), "unsupported configuration: disk 'hdc' is empty or readonly");
}

TEST(CheckpointAlign, EmptyDiskMayBeListedAsNo) {
  CheckpointDef def = Parse(
      "<domaincheckpoint><name>c1</name><disks><disk name='hdd' checkpoint='no'/>"
      "<disk name='vda'/></disks></domaincheckpoint>");
  EXPECT_TRUE(AlignCheckpointDisks(def, TwoDisks()));
}

TEST(CheckpointAlign, MoreEntriesThanDisksIsRefused) {
  CheckpointDef def = Parse("<domaincheckpoint><name>c1</name></domaincheckpoint>");
  for (int i = 0; i < 5; ++i) def.disks.push_back({"vda", CheckpointDiskType::kNo, "", {}});
  EXPECT_EQ(AlignError(def).Text(),
            "unsupported configuration: too many disk checkpoint requests for domain");
}

TEST(CheckpointAlign, DomainWithoutDisksIsRefused) {
  Result<DomainDef> dom = DomainDef::Parse("<domain><name>d</name></domain>");
  ASSERT_TRUE(dom);
  CheckpointDef def = Parse("<domaincheckpoint/>");
  Status s = AlignCheckpointDisks(def, *dom);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().detail(), "domain must have at least one disk to perform checkpoints");
}

TEST(CheckpointParse, CreateIgnoresReadOnlyFields) {
  CheckpointDef def = Parse(
      "<domaincheckpoint><name>c1</name><parent><name>p</name></parent>"
      "<creationTime>5</creationTime></domaincheckpoint>");
  EXPECT_TRUE(def.parent.empty());
  EXPECT_EQ(def.creation_time, 0);
}

TEST(CheckpointParse, RedefineWithoutNameIsXmlError) {
  Error e = ParseError("<domaincheckpoint><creationTime>5</creationTime></domaincheckpoint>",
                       kCheckpointParseRedefine);
  EXPECT_EQ(e.Text(), "XML error: a redefined checkpoint must have a name");
}

TEST(CheckpointParse, RedefineWithoutCreationTimeIsInternalError) {
  Error e = ParseError("<domaincheckpoint><name>c</name></domaincheckpoint>",
                       kCheckpointParseRedefine);
  EXPECT_EQ(e.Text(), "internal error: missing creationTime from existing checkpoint");
}

TEST(CheckpointParse, RedefineKeepsParentTimeAndDomain) {
  std::string domain = test::ReadData("domains/two-disks.xml");
  CheckpointDef def = Parse("<domaincheckpoint><name>c2</name><parent><name>c1</name></parent>"
                            "<creationTime>1700000000</creationTime>" + domain +
                                "</domaincheckpoint>",
                            kCheckpointParseRedefine);
  EXPECT_EQ(def.parent, "c1");
  EXPECT_EQ(def.creation_time, 1700000000);
  ASSERT_TRUE(def.domain.has_value());
  EXPECT_EQ(def.domain->name(), "vm1");
}

TEST(CheckpointParse, NameThatCouldEscapeADirectoryFailsTheSchema) {
  for (const char* bad : {"../x", "a/b", ".hidden", "..", "", "a\nb"}) {
    Error e = ParseError(std::string("<domaincheckpoint><name>") + bad +
                         "</name></domaincheckpoint>");
    EXPECT_EQ(e.code(), ErrorCode::kXmlInvalidSchema) << bad;
  }
}

TEST(CheckpointParse, NameOver255BytesIsRefused) {
  Error e = ParseError("<domaincheckpoint><name>" + std::string(256, 'a') +
                       "</name></domaincheckpoint>");
  EXPECT_EQ(e.code(), ErrorCode::kXmlInvalidSchema);
}

TEST(CheckpointParse, DiskWithoutNameFailsTheSchema) {
  EXPECT_EQ(ParseError("<domaincheckpoint><disks><disk/></disks></domaincheckpoint>").code(),
            ErrorCode::kXmlInvalidSchema);
}

TEST(CheckpointParse, MalformedXmlIsXmlDetailWithTheLineAndAPointerAsLibvirt) {
  Error e = ParseError("<domaincheckpoint><name>x</name>");
  EXPECT_EQ(e.code(), ErrorCode::kXmlDetail);
  EXPECT_EQ(e.Text(),
            "(domain_checkpoint):1: Premature end of data in tag domaincheckpoint line 1\n"
            "<domaincheckpoint><name>x</name>\n"
            "--------------------------------^");
}

TEST(CheckpointParse, WrongRootElementIsXmlErrorFromXml) {
  Error e = ParseError("<domainsnapshot><name>s</name></domainsnapshot>");
  EXPECT_EQ(e.code(), ErrorCode::kXmlError);
  EXPECT_EQ(e.domain(), ErrorDomain::kXml);
  EXPECT_EQ(e.Text(),
            "XML error: expecting root element of 'domaincheckpoint', not 'domainsnapshot'");
}

TEST(CheckpointName, UnsafeNamesAreInvalidArg) {
  const std::vector<std::string> bad_names = {"", ".", "..", ".x", "a/b", "a\x01",
                                              std::string(256, 'x')};
  for (const std::string& bad : bad_names) {
    Status s = ValidateCheckpointName(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArg);
  }
  EXPECT_TRUE(ValidateCheckpointName(std::string(255, 'x')));
  EXPECT_TRUE(ValidateCheckpointName("nightly-2026.11.21_a"));
}

TEST(CheckpointFormat, SizeOnlyWithFlagAndOnlyWhenComputed) {
  CheckpointDef def;
  def.name = "c";
  def.disks = {{"vda", CheckpointDiskType::kBitmap, "c", 4096},
               {"vdb", CheckpointDiskType::kBitmap, "c", std::nullopt}};
  std::string with = FormatCheckpointXml(def, kCheckpointFormatSize);
  EXPECT_NE(with.find("<disk name='vda' checkpoint='bitmap' bitmap='c' size='4096'/>"),
            std::string::npos);
  EXPECT_NE(with.find("<disk name='vdb' checkpoint='bitmap' bitmap='c'/>"), std::string::npos);
  EXPECT_EQ(FormatCheckpointXml(def, 0).find("size="), std::string::npos);
}

TEST(CheckpointFormat, NoDomainOmitsDomainAndSecureKeepsSecrets) {
  std::string domain = test::ReadData("domains/two-disks.xml");
  CheckpointDef def = Parse("<domaincheckpoint><name>c</name><creationTime>1</creationTime>" +
                                domain + "</domaincheckpoint>",
                            kCheckpointParseRedefine);
  EXPECT_EQ(FormatCheckpointXml(def, kCheckpointFormatNoDomain).find("<domain "),
            std::string::npos);
  EXPECT_EQ(FormatCheckpointXml(def, 0).find("passwd"), std::string::npos);
  EXPECT_NE(FormatCheckpointXml(def, kCheckpointFormatSecure).find("passwd"), std::string::npos);
}

TEST(CheckpointFormat, DescriptionIsEscaped) {
  CheckpointDef def;
  def.name = "c";
  def.description = "a <b> & 'c'";
  EXPECT_NE(FormatCheckpointXml(def, 0).find(
                "<description>a &lt;b&gt; &amp; &apos;c&apos;</description>"),
            std::string::npos);
}

}  // namespace
}  // namespace cairn::conf
