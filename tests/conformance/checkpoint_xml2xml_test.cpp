// libvirt's checkpoint xml2xml vectors (../shared/conformance/checkpoint-xml2xml), run the
// way libvirt's qemudomaincheckpointxml2xmltest runs them: parse, apply the per-test tweaks
// of its table (mock time, simulated parent, simulated vda bitmap, size), format with SECURE,
// compare byte for byte. Every file found in the folders is a test case; a file with no
// entry in the table fails rather than being skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "conf/checkpoint_def.hpp"
#include "conformance/vector_files.hpp"

namespace cairn::conf {
namespace {

constexpr unsigned kParent = 1 << 1;
constexpr unsigned kVdaBitmap = 1 << 2;
constexpr unsigned kSize = 1 << 3;

struct Vector {
  std::int64_t mocktime;
  unsigned tweaks;
};

// libvirt's test table (reference section 3.1). Files absent here are negative vectors.
const std::map<std::string, Vector>& Table() {
  static const std::map<std::string, Vector> table = {
      {"empty", {1525889631, kVdaBitmap}},
      {"disk-default", {1525889631, kParent | kVdaBitmap}},
      {"sample", {1525889631, kParent | kVdaBitmap}},
      {"size", {1553648510, kParent | kVdaBitmap | kSize}},
  };
  return table;
}

// Vectors that Cairn cannot pass yet, with the reason. Empty: every vector passes.
const std::map<std::string, std::string>& ExpectedFailures() {
  static const std::map<std::string, std::string> failures = {};
  return failures;
}

void ApplyTweaks(CheckpointDef& def, const Vector& v) {
  if (v.mocktime != 0) {
    ASSERT_EQ(def.creation_time, 0) << "a create-mode parse must not keep creationTime";
    def.creation_time = v.mocktime;
    if (def.name.empty()) def.name = std::to_string(v.mocktime);
  }
  if (v.tweaks & kParent) {
    ASSERT_TRUE(def.parent.empty());
    def.parent = "1525111885";
  }
  if (v.tweaks & kVdaBitmap) {
    if (def.disks.empty()) def.disks.emplace_back();
    CheckpointDiskDef& disk = def.disks.front();
    ASSERT_TRUE(disk.bitmap.empty());
    if (disk.name.empty()) {
      disk.type = CheckpointDiskType::kBitmap;
      disk.name = "vda";
    }
    ASSERT_EQ(disk.name, "vda");
    disk.bitmap = def.name;
  }
  if (v.tweaks & kSize) def.disks.front().size = 1048576;
}

unsigned FormatFlags(const Vector& v) {
  return kCheckpointFormatSecure | ((v.tweaks & kSize) ? kCheckpointFormatSize : 0);
}

class CheckpointXml2Xml : public testing::TestWithParam<std::string> {};

TEST_P(CheckpointXml2Xml, InFormatsToOutAndOutIsAFixedPoint) {
  const std::string name = GetParam();
  if (auto it = ExpectedFailures().find(name); it != ExpectedFailures().end()) {
    GTEST_SKIP() << "expected failure: " << it->second;
  }
  const auto dir = test::ConformanceDir() / "checkpoint-xml2xml";
  const bool invalid = name.find("-invalid") != std::string::npos;
  const auto in = dir / "in" / (name + ".xml");
  const auto out = dir / "out" / (name + ".xml");

  if (invalid) {
    // Negative vectors must be refused by the schema, in whichever folder they live.
    const auto path = std::filesystem::exists(in) ? in : out;
    Result<CheckpointDef> def = ParseCheckpointXml(test::ReadText(path), kCheckpointParseRedefine);
    ASSERT_FALSE(def.has_value()) << path;
    EXPECT_EQ(def.error().code(), ErrorCode::kXmlInvalidSchema) << def.error().Text();
    return;
  }

  if (name == "redefine") {
    std::string expected = test::ReadText(out);
    Result<CheckpointDef> def = ParseCheckpointXml(expected, kCheckpointParseRedefine);
    ASSERT_TRUE(def.has_value()) << def.error().Text();
    EXPECT_EQ(FormatCheckpointXml(*def, kCheckpointFormatSecure), expected);
    return;
  }

  auto entry = Table().find(name);
  ASSERT_NE(entry, Table().end()) << "vector '" << name << "' has no entry in the test table";
  const Vector& v = entry->second;

  Result<CheckpointDef> def = ParseCheckpointXml(test::ReadText(in), 0);
  ASSERT_TRUE(def.has_value()) << def.error().Text();
  ApplyTweaks(*def, v);
  const std::string expected = test::ReadText(out);
  const std::string actual = FormatCheckpointXml(*def, FormatFlags(v));
  EXPECT_EQ(actual, expected);

  // out -> out: the formatted document, read back as a redefinition, formats the same.
  Result<CheckpointDef> again = ParseCheckpointXml(expected, kCheckpointParseRedefine);
  ASSERT_TRUE(again.has_value()) << again.error().Text();
  if (v.tweaks & kSize) again->disks.front().size = 1048576;
  EXPECT_EQ(FormatCheckpointXml(*again, FormatFlags(v)), expected);
}

INSTANTIATE_TEST_SUITE_P(Vectors, CheckpointXml2Xml,
                         testing::ValuesIn(test::VectorNames("checkpoint-xml2xml")),
                         [](const auto& info) { return test::TestName(info.param); });

}  // namespace
}  // namespace cairn::conf
