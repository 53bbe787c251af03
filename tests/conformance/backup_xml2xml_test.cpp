// libvirt's backup xml2xml vectors (../shared/conformance/backup-xml2xml), run the way
// libvirt's genericxml2xmltest runs them: parse (INTERNAL for the internal vector), align
// against a fake domain with one qcow2 file disk per listed disk plus 'vdextradisk', using
// the suffix "SUFFIX", format, and compare byte for byte; then out -> out is a fixed point.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "conf/backup_def.hpp"
#include "conformance/vector_files.hpp"

namespace cairn::conf {
namespace {

// Vectors that Cairn cannot pass yet, with the reason. Empty: every vector passes.
const std::map<std::string, std::string>& ExpectedFailures() {
  static const std::map<std::string, std::string> failures = {};
  return failures;
}

DomainDef FakeDomain(const BackupDef& def) {
  std::string xml = "<domain type='qemu'><name>fake</name><devices>";
  auto add = [&xml](const std::string& target) {
    xml += "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
           "<source file='/fake/" + target + ".qcow2'/><target dev='" + target + "'/></disk>";
  };
  bool has_extra = false;
  for (const BackupDiskDef& d : def.disks) {
    add(d.name);
    has_extra |= d.name == "vdextradisk";
  }
  if (!has_extra) add("vdextradisk");
  xml += "</devices></domain>";
  Result<DomainDef> dom = DomainDef::Parse(xml);
  EXPECT_TRUE(dom.has_value());
  return *dom;
}

std::string RoundTrip(const std::string& text, unsigned flags) {
  Result<BackupDef> def = ParseBackupXml(text, flags);
  if (!def) {
    ADD_FAILURE() << def.error().Text();
    return {};
  }
  Status aligned = AlignBackupDisks(*def, FakeDomain(*def), "SUFFIX");
  if (!aligned) {
    ADD_FAILURE() << aligned.error().Text();
    return {};
  }
  return FormatBackupXml(*def, flags);
}

class BackupXml2Xml : public testing::TestWithParam<std::string> {};

TEST_P(BackupXml2Xml, InFormatsToOutAndOutIsAFixedPoint) {
  const std::string name = GetParam();
  if (auto it = ExpectedFailures().find(name); it != ExpectedFailures().end()) {
    GTEST_SKIP() << "expected failure: " << it->second;
  }
  const auto dir = test::ConformanceDir() / "backup-xml2xml";
  // The one "-invalid" vector is the internal (status file) format: invalid only for the
  // public schema, which the schema test checks.
  const unsigned flags = name.find("-internal") != std::string::npos ? kBackupParseInternal : 0;
  const std::string expected = test::ReadText(dir / "out" / (name + ".xml"));
  EXPECT_EQ(RoundTrip(test::ReadText(dir / "in" / (name + ".xml")), flags), expected);
  EXPECT_EQ(RoundTrip(expected, flags), expected);
}

INSTANTIATE_TEST_SUITE_P(Vectors, BackupXml2Xml,
                         testing::ValuesIn(test::VectorNames("backup-xml2xml")),
                         [](const auto& info) { return test::TestName(info.param); });

}  // namespace
}  // namespace cairn::conf
