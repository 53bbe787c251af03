// ParseXml's safety contract (no DTD, no entity expansion, a size cap, no mixed content,
// namespaces kept) and the property that parse -> format -> parse is stable: over every XML
// file in tests/data and ../shared/conformance, and over hostile inputs, the second format
// equals the first.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "conf/backup_def.hpp"
#include "conf/checkpoint_def.hpp"
#include "conf/domain_def.hpp"
#include "conf/xml_element.hpp"

namespace cairn::conf {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> XmlFilesUnder(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.path().extension() == ".xml") files.push_back(e.path());
  }
  return files;
}

std::vector<fs::path> AllVectors() {
  std::vector<fs::path> files = XmlFilesUnder(fs::path(CAIRN_SOURCE_DIR) / "tests" / "data");
  for (const fs::path& p : XmlFilesUnder(fs::path(CAIRN_SHARED_DIR) / "conformance")) {
    files.push_back(p);
  }
  return files;
}

// Generic tree: format(parse(format(parse(x)))) == format(parse(x)).
// Returns whether `xml` parsed at all (a refusal is not a round trip; refusals are tested by
// name below).
bool ExpectTreeRoundTripIsStable(const std::string& xml, const std::string& what) {
  Result<XmlElement> first = ParseXml(xml, "t");
  if (!first) return false;
  std::string once = first->ToString();
  Result<XmlElement> second = ParseXml(once, "t");
  EXPECT_TRUE(second) << what << ": " << second.error().Text() << "\n" << once;
  if (second) EXPECT_EQ(second->ToString(), once) << what;
  return true;
}

// The typed parsers and formatters of each root element, the same property.
void ExpectTypedRoundTripIsStable(const std::string& xml, const std::string& what) {
  Result<XmlElement> root = ParseXml(xml, "t");
  if (!root) return;
  if (root->name() == "domain") {
    Result<DomainDef> a = DomainDef::Parse(xml);
    if (!a) return;
    std::string once = a->Format(kDomainFormatSecure);
    Result<DomainDef> b = DomainDef::Parse(once);
    ASSERT_TRUE(b) << what << ": " << b.error().Text();
    EXPECT_EQ(b->Format(kDomainFormatSecure), once) << what;
  } else if (root->name() == "domaincheckpoint") {
    for (unsigned flags : {kCheckpointParseRedefine, 0u}) {
      Result<CheckpointDef> a = ParseCheckpointXml(xml, flags);
      if (!a) continue;
      std::string once = FormatCheckpointXml(*a, kCheckpointFormatSecure);
      Result<CheckpointDef> b = ParseCheckpointXml(once, flags);
      ASSERT_TRUE(b) << what << ": " << b.error().Text() << "\n" << once;
      EXPECT_EQ(FormatCheckpointXml(*b, kCheckpointFormatSecure), once) << what;
    }
  } else if (root->name() == "domainbackup") {
    for (unsigned flags : {0u, kBackupParseInternal}) {
      Result<BackupDef> a = ParseBackupXml(xml, flags);
      if (!a) continue;
      std::string once = FormatBackupXml(*a, 0);
      Result<BackupDef> b = ParseBackupXml(once, flags);
      ASSERT_TRUE(b) << what << ": " << b.error().Text() << "\n" << once;
      EXPECT_EQ(FormatBackupXml(*b, 0), once) << what;
    }
  }
}

TEST(XmlParse, RoundTripOfEveryVectorIsStable) {
  std::vector<fs::path> files = AllVectors();
  ASSERT_GE(files.size(), 30u);
  std::size_t parsed = 0;
  for (const fs::path& p : files) {
    std::string xml = Read(p);
    parsed += ExpectTreeRoundTripIsStable(xml, p.string()) ? 1 : 0;
    ExpectTypedRoundTripIsStable(xml, p.string());
  }
  EXPECT_EQ(parsed, files.size());  // every vector is well-formed
}

TEST(XmlParse, RoundTripOfHostileInputsIsStable) {
  const std::vector<std::string> hostile = {
      "<a>  leading and trailing  </a>",
      "<a><![CDATA[<b>&amp;</b>]]></a>",
      "<a v='&#10;&#9;&#13;'>&#x1F600;&lt;&gt;</a>",
      "<a>\n\n<b>\n</b>\n</a>",
      "<a x='1' x:y='2' xmlns:x='urn:x'><x:b xmlns='urn:d'><c/></x:b></a>",
      "<domain><name>n</name><metadata><m:a xmlns:m='urn:m'><m:b t='&quot;'/></m:a>"
      "</metadata></domain>",
      "<domain xmlns:q='urn:q'><name>n</name><metadata><q:a/></metadata><q:b/></domain>",
      "<a>" + std::string(1000, 'x') + "</a>",
      "<a>\xc3\xa9\xe2\x82\xac</a>",
      "<a><?pi data?><!--c--></a>",
  };
  for (const std::string& xml : hostile) {
    EXPECT_TRUE(ExpectTreeRoundTripIsStable(xml, xml)) << "refused: " << xml;
    ExpectTypedRoundTripIsStable(xml, xml);
  }
}

TEST(XmlParse, DocumentTypeDeclarationIsRefused) {
  Result<XmlElement> e = ParseXml("<!DOCTYPE a [<!ENTITY x 'xx'>]><a v='&x;'>&x;</a>", "t");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code(), ErrorCode::kXmlError);
  EXPECT_NE(e.error().detail().find("<!DOCTYPE>"), std::string::npos) << e.error().detail();
}

TEST(XmlParse, EntityExpansionBombIsRefusedNotExpanded) {
  std::string dtd = "<!DOCTYPE domain [<!ENTITY a0 'aaaaaaaaaa'>";
  for (int i = 1; i < 10; ++i) {
    dtd += "<!ENTITY a" + std::to_string(i) + " '";
    for (int j = 0; j < 10; ++j) dtd += "&a" + std::to_string(i - 1) + ";";
    dtd += "'>";
  }
  dtd += "]>";
  Result<DomainDef> d = DomainDef::Parse(dtd +
                                         "<domain><name>n</name><description x='&a9;'/>"
                                         "</domain>");
  ASSERT_FALSE(d);
  // Refused by libxml2 while parsing: libvirt's code for a document that is not well formed.
  EXPECT_EQ(d.error().code(), ErrorCode::kXmlDetail);
}

TEST(XmlParse, UndeclaredEntityIsAnError) {
  Result<XmlElement> e = ParseXml("<a>x&nosuch;y</a>", "t");
  ASSERT_FALSE(e);
  // As libvirt: "(t):1: Entity 'nosuch' not defined", VIR_ERR_XML_DETAIL.
  EXPECT_EQ(e.error().code(), ErrorCode::kXmlDetail);
  EXPECT_NE(e.error().detail().find("Entity 'nosuch' not defined"), std::string::npos);
}

TEST(XmlParse, MixedContentIsRefusedNamingTheElement) {
  Result<DomainDef> d =
      DomainDef::Parse("<domain><name>n</name><memory unit='MiB'>64<x/></memory></domain>");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code(), ErrorCode::kXmlError);
  EXPECT_EQ(d.error().detail(),
            "(domain_definition):1: element <memory> mixes text and child elements");
}

TEST(XmlParse, DocumentOverTheSizeCapIsRefusedBeforeParsing) {
  std::string big = "<a>" + std::string(kMaxXmlDocumentBytes, 'x') + "</a>";
  Result<XmlElement> e = ParseXml(big, "t");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code(), ErrorCode::kXmlError);
  EXPECT_NE(e.error().detail().find("larger than the limit"), std::string::npos);
}

TEST(XmlParse, DocumentOfFourGibibytesIsRefusedNotTruncated) {
  // A 4 GiB + 2 mapping whose first bytes are a complete document: cut to an int length,
  // it would parse as "<a/>".
  const std::size_t size = (std::size_t{4} << 30) + 2;
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  std::memcpy(p, "<a/>", 4);
  Result<XmlElement> e = ParseXml(std::string_view(static_cast<const char*>(p), size), "t");
  ::munmap(p, size);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().detail().find("larger than the limit"), std::string::npos);
}

TEST(XmlParse, NamespacedElementsKeepTheirPrefixAndNamespace) {
  Result<XmlElement> e = ParseXml(
      "<domain xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
      "<qemu:commandline><qemu:arg value='-S'/></qemu:commandline></domain>",
      "t");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->children().size(), 1u);
  EXPECT_EQ(e->children()[0].name(), "qemu:commandline");
  EXPECT_EQ(e->children()[0].namespace_uri(), "http://libvirt.org/schemas/domain/qemu/1.0");
  EXPECT_EQ(e->Child("commandline"), nullptr);
}

TEST(XmlParse, DomainDropsForeignElementsOutsideMetadataAndKeepsMetadata) {
  Result<DomainDef> d = DomainDef::Parse(
      "<domain type='test' xmlns:x='urn:x'><name>n</name><metadata><x:m a='1'/></metadata>"
      "<devices><x:disk><x:target dev='vdz'/></x:disk></devices><x:extra/></domain>");
  ASSERT_TRUE(d) << d.error().Text();
  EXPECT_TRUE(d->disks().empty());
  EXPECT_EQ(d->foreign_elements(), (std::vector<std::string>{"x:extra", "x:disk"}));
  EXPECT_EQ(d->Format(0),
            "<domain type='test'>\n  <name>n</name>\n  <metadata>\n"
            "    <x:m a='1' xmlns:x='urn:x'/>\n  </metadata>\n  <devices/>\n</domain>\n");
}

TEST(XmlParse, CheckpointAndBackupWithForeignElementsOrADtdAreRefused) {
  Result<CheckpointDef> cp = ParseCheckpointXml(
      "<domaincheckpoint xmlns:x='urn:x'><name>a</name><x:disks/></domaincheckpoint>", 0);
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kXmlInvalidSchema);
  Result<BackupDef> backup = ParseBackupXml(
      "<!DOCTYPE domainbackup [<!ENTITY e 'vda'>]><domainbackup><disks><disk name='&e;'/>"
      "</disks></domainbackup>",
      0);
  ASSERT_FALSE(backup);
  EXPECT_EQ(backup.error().code(), ErrorCode::kXmlError);
}

}  // namespace
}  // namespace cairn::conf
