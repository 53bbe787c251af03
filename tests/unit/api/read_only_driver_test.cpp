// The read-only flag is honoured by the driver itself, not only by src/api: a test driver
// opened read-only refuses every change and secure XML, whoever calls it, and still reads.
#include <gtest/gtest.h>

#include "driver/uri.hpp"
#include "drivers/test/test_driver.hpp"

namespace cairn::test {
namespace {

std::unique_ptr<driver::Driver> OpenTest(bool read_only) {
  auto uri = driver::ParseConnectUri("test:///default");
  EXPECT_TRUE(uri);
  auto d = drivers::test::OpenTestDriver(*uri, read_only);
  EXPECT_TRUE(d) << d.error().Text();
  return std::move(*d);
}

TEST(ReadOnlyDriver, TestDriverOpenedReadOnlyRefusesChangesButReads) {
  auto d = OpenTest(true);
  auto dom = d->LookupDomainByName("test");
  ASSERT_TRUE(dom) << dom.error().Text();
  auto cp = d->CheckpointCreateXml(*dom, "<domaincheckpoint/>", 0);
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kOperationDenied);
  EXPECT_EQ(cp.error().Text(),
            "operation forbidden: read only access prevents virDomainCheckpointCreateXML");
  auto destroyed = d->DestroyDomain(*dom, 0);
  ASSERT_FALSE(destroyed);
  EXPECT_EQ(destroyed.error().code(), ErrorCode::kOperationDenied);
  auto secure = d->DomainGetXmlDesc(*dom, Bits(DomainXmlFlags::kSecure));
  ASSERT_FALSE(secure);
  EXPECT_EQ(secure.error().code(), ErrorCode::kOperationDenied);
  EXPECT_TRUE(d->DomainGetXmlDesc(*dom, 0));
  EXPECT_TRUE(d->ListDomains(0));
  EXPECT_TRUE(d->Close());
}

TEST(ReadOnlyDriver, TestDriverOpenedReadWriteChanges) {
  auto d = OpenTest(false);
  auto dom = d->LookupDomainByName("test");
  ASSERT_TRUE(dom) << dom.error().Text();
  auto cp = d->CheckpointCreateXml(*dom, "<domaincheckpoint><name>rw</name></domaincheckpoint>", 0);
  ASSERT_TRUE(cp) << cp.error().Text();
  EXPECT_TRUE(d->CheckpointDelete(*dom, *cp, 0));
}

}  // namespace
}  // namespace cairn::test
