#include "conf/xml_element.hpp"

#include <gtest/gtest.h>

namespace cairn::conf {
namespace {

TEST(XmlElement, WritesLibvirtLayoutWithSingleQuotes) {
  Result<XmlElement> e = ParseXml("<a x=\"1\"><b>t</b><c y='2'/></a>", "t");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->ToString(), "<a x='1'>\n  <b>t</b>\n  <c y='2'/>\n</a>\n");
}

TEST(XmlElement, EscapesSpecialCharactersInTextAndAttributes) {
  Result<XmlElement> e = ParseXml("<a v=\"it's &lt;&amp;&gt;\">&quot;x&quot; &amp; y</a>", "t");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->ToString(), "<a v='it&apos;s &lt;&amp;&gt;'>&quot;x&quot; &amp; y</a>\n");
}

TEST(XmlElement, DropsCommentsAndIndentationWhitespace) {
  Result<XmlElement> e = ParseXml("<a>\n  <!-- note -->\n  <b/>\n</a>", "t");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->ToString(), "<a>\n  <b/>\n</a>\n");
}

TEST(XmlElement, ExternalEntitiesAreNotFetched) {
  Result<XmlElement> e = ParseXml(
      "<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>", "t");
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code(), ErrorCode::kXmlError);
  EXPECT_EQ(e.error().detail().find("root"), std::string::npos);
}

TEST(XmlElement, UnknownSchemaIsInternalError) {
  Result<XmlElement> e = ParseXml("<a/>", "t", "nosuch.rng");
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code(), ErrorCode::kInternalError);
}

TEST(XmlElement, SchemaViolationNamesTheSchemaAndTheReason) {
  Result<XmlElement> e = ParseXml("<domaincheckpoint><bogus/></domaincheckpoint>", "t",
                                  "domaincheckpoint.rng");
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code(), ErrorCode::kXmlInvalidSchema);
  EXPECT_NE(e.error().Text().find("XML document failed to validate against schema: Unable to "
                                  "validate doc against domaincheckpoint.rng"),
            std::string::npos);
}

}  // namespace
}  // namespace cairn::conf
