// The contract checks of src/api in isolation. (Read-only refusal of delete and of SECURE
// XML is proven through the public API: checkpoint_contract_test.cpp.)
#include "api/entry_checks.hpp"

#include <gtest/gtest.h>

namespace cairn::api {
namespace {

constexpr ErrorDomain kD = ErrorDomain::kDomainCheckpoint;

TEST(EntryChecks, ReadOnlyConnectionIsOperationDeniedNamingTheFunction) {
  Status s = RequireWritable(true, "virDomainCheckpointDelete", kD);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kOperationDenied);
  EXPECT_EQ(s.error().Text(),
            "operation forbidden: read only access prevents virDomainCheckpointDelete");
  EXPECT_TRUE(RequireWritable(false, "virDomainCheckpointDelete", kD));
}

TEST(EntryChecks, NullArgumentIsInvalidArg) {
  Status s = RequireNonNull(std::string_view(), "name", "virDomainCheckpointLookupByName", kD);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArg);
  // libvirt's virReportInvalidArg raises the bare text, without "invalid argument: ".
  EXPECT_EQ(s.error().Text(), "name in virDomainCheckpointLookupByName must not be NULL");
  EXPECT_TRUE(RequireNonNull("", "name", "f", kD));
}

TEST(EntryChecks, ExclusiveFlagsRefuseOnlyBothTogether) {
  FlagName a{1, "A"}, b{4, "B"};
  EXPECT_TRUE(RequireExclusive(1, a, b, kD));
  EXPECT_TRUE(RequireExclusive(4, a, b, kD));
  Status s = RequireExclusive(5, a, b, kD);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().Text(), "Flags 'A' and 'B' are mutually exclusive");
}

TEST(EntryChecks, RequiredFlagIsNeededOnlyWhenTheRequiringFlagIsSet) {
  FlagName needed{1, "REDEFINE"}, by{4, "VALIDATE"};
  EXPECT_TRUE(RequireFlagFor(0, needed, by, kD));
  EXPECT_TRUE(RequireFlagFor(5, needed, by, kD));
  EXPECT_FALSE(RequireFlagFor(4, needed, by, kD));
}

TEST(EntryChecks, UnknownBitsAreNamedInHex) {
  Status s = RequireKnownFlags(0x13, 0x3, "virDomainCheckpointDelete", kD);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().Text(), "unsupported flags (0x10) in function virDomainCheckpointDelete");
}

}  // namespace
}  // namespace cairn::api
