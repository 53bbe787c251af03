// A domain's definition as every call sees it: parsed definitions are reused within a
// process only while the file still holds the same text, so a rewrite by another process —
// even in place, at the same size, within the file system's timestamp granularity — is what
// the next call reads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "qemu_fixture.hpp"

namespace cairn::test {
namespace {

class DomainRecordTest : public QemuRootTest {
 protected:
  std::filesystem::path DefinitionFile() const {
    return std::filesystem::path(Root()) / "domains" / "vm1.xml";
  }
};

TEST_F(DomainRecordTest, InPlaceRewriteOfTheSameSizeIsSeenAtOnce) {
  Connection c = Open();
  auto dom = c.LookupDomainByName("vm1");
  ASSERT_TRUE(dom) << dom.error().Text();
  for (const char* vcpus : {"2", "3", "1"}) {
    const std::string wanted = std::string("<vcpu>") + vcpus + "</vcpu>";
    std::string before = *dom->GetXmlDesc();  // parses (and may keep) the current text
    ASSERT_EQ(before.find(wanted), std::string::npos);
    std::ifstream in(DefinitionFile());
    ASSERT_TRUE(in);
    std::stringstream text;
    text << in.rdbuf();
    std::string xml = text.str();
    std::size_t at = xml.find("<vcpu>");
    ASSERT_NE(at, std::string::npos) << xml;
    xml.replace(at + 6, 1, vcpus);  // same length: same size, same inode
    std::ofstream(DefinitionFile(), std::ios::trunc) << xml;
    std::string after = *dom->GetXmlDesc();
    EXPECT_NE(after.find(wanted), std::string::npos) << after;
  }
}

}  // namespace
}  // namespace cairn::test
