#include "cairn/error.hpp"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(Error, TextPrefixesDetailWithTheCodesGenericText) {
  Error e(ErrorCode::kOperationFailed, ErrorDomain::kDomain, "domain moment c1 already exists");
  EXPECT_EQ(e.Text(), "operation failed: domain moment c1 already exists");
}

TEST(Error, TextWithoutDetailIsTheGenericText) {
  Error e(ErrorCode::kNoDomainCheckpoint, ErrorDomain::kDomainCheckpoint, "");
  EXPECT_EQ(e.Text(), "Domain checkpoint not found");
}

TEST(Error, CodesKeepLibvirtsNumbers) {
  EXPECT_EQ(static_cast<int>(ErrorCode::kNoDomainCheckpoint), 103);
  EXPECT_EQ(static_cast<int>(ErrorCode::kCheckpointInconsistent), 109);
  EXPECT_EQ(static_cast<int>(ErrorCode::kXmlInvalidSchema), 92);
  EXPECT_EQ(static_cast<int>(ErrorDomain::kDomainCheckpoint), 69);
}

TEST(Error, XmlErrorUsesLibvirtsShortPrefix) {
  Error e(ErrorCode::kXmlError, ErrorDomain::kDomainCheckpoint,
          "a redefined checkpoint must have a name");
  EXPECT_EQ(e.Text(), "XML error: a redefined checkpoint must have a name");
}

TEST(Error, SchemaErrorsReadAsVirshPrintsThem) {
  EXPECT_EQ(GenericText(ErrorCode::kXmlInvalidSchema),
            "XML document failed to validate against schema");
  EXPECT_EQ(GenericText(ErrorCode::kOperationUnsupported), "Operation not supported");
}

TEST(Result, CarriesAValueOrAnError) {
  Result<int> ok = 3;
  Result<int> bad = Fail(ErrorCode::kInvalidArg, ErrorDomain::kNone, "x");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 3);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArg);
}

}  // namespace
}  // namespace cairn
