#include "driver/uri.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace cairn::driver {
namespace {

TEST(ConnectUri, ParsesSchemePathAndEmptyHost) {
  Result<ConnectUri> u = ParseConnectUri("test:///default");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "test");
  EXPECT_EQ(u->host, "");
  EXPECT_EQ(u->path, "/default");
}

TEST(ConnectUri, DecodesQueryParameters) {
  Result<ConnectUri> u = ParseConnectUri("qemu:///embed?root=/var/tmp/my%20vms&x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->path, "/embed");
  EXPECT_EQ(u->query.at("root"), "/var/tmp/my vms");
  EXPECT_EQ(u->query.at("x"), "1");
}

TEST(ConnectUri, TextWithoutSchemeIsInvalidArg) {
  Result<ConnectUri> u = ParseConnectUri("default");
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().code(), ErrorCode::kInvalidArg);
}

TEST(ConnectUri, BadEscapeIsInvalidArg) {
  EXPECT_FALSE(ParseConnectUri("qemu:///embed?root=%zz"));
  EXPECT_FALSE(ParseConnectUri("qemu:///embed?root=%2"));
}

TEST(ConnectUri, DefaultUriComesFromTheEnvironment) {
  setenv("CAIRN_DEFAULT_URI", "test:///default", 1);
  EXPECT_EQ(DefaultUri(), "test:///default");
  unsetenv("CAIRN_DEFAULT_URI");
  EXPECT_EQ(DefaultUri(), "qemu:///session");
}

TEST(DriverRegistry, UnknownSchemeIsNoConnect) {
  Result<ConnectUri> u = ParseConnectUri("xen:///system");
  ASSERT_TRUE(u);
  Result<std::unique_ptr<Driver>> d = OpenDriver(*u, false);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().Text(), "no connection driver available for xen:///system");
}

}  // namespace
}  // namespace cairn::driver
