// libvirt's schema test over the conformance vectors: every *.xml of the xml2xml folders
// validates against Cairn's schema, except files whose name contains "-invalid.", which
// must be refused with VIR_ERR_XML_INVALID_SCHEMA.
#include <gtest/gtest.h>

#include <string>

#include "conf/xml_element.hpp"
#include "conformance/vector_files.hpp"

namespace cairn::conf {
namespace {

struct SchemaCase {
  std::string suite;
  std::string schema;
  std::string file;  // "in/x.xml"
};

std::vector<SchemaCase> Cases() {
  std::vector<SchemaCase> cases;
  for (const auto& f : test::VectorFiles("checkpoint-xml2xml")) {
    cases.push_back({"checkpoint-xml2xml", "domaincheckpoint.rng", f});
  }
  for (const auto& f : test::VectorFiles("backup-xml2xml")) {
    cases.push_back({"backup-xml2xml", "domainbackup.rng", f});
  }
  return cases;
}

class SchemaVectors : public testing::TestWithParam<SchemaCase> {};

TEST_P(SchemaVectors, ValidatesUnlessNamedInvalid) {
  const SchemaCase& c = GetParam();
  const auto path = test::ConformanceDir() / c.suite / c.file;
  Result<XmlElement> doc = ParseXml(test::ReadText(path), c.file, c.schema);
  if (c.file.find("-invalid.") != std::string::npos) {
    ASSERT_FALSE(doc.has_value()) << path << " must not validate";
    EXPECT_EQ(doc.error().code(), ErrorCode::kXmlInvalidSchema);
  } else {
    EXPECT_TRUE(doc.has_value()) << path << ": " << doc.error().Text();
  }
}

TEST(SchemaVectors, ConformanceDataIsPresent) {
  // Without the shared data the suites above would be empty; say so loudly instead.
  EXPECT_GE(test::VectorFiles("checkpoint-xml2xml").size(), 13u) << test::ConformanceDir();
  EXPECT_GE(test::VectorFiles("backup-xml2xml").size(), 20u) << test::ConformanceDir();
}

INSTANTIATE_TEST_SUITE_P(Files, SchemaVectors, testing::ValuesIn(Cases()),
                         [](const auto& info) {
                           return test::TestName(info.param.suite + "_" + info.param.file);
                         });

}  // namespace
}  // namespace cairn::conf
