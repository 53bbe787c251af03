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

bool NamesDaemonText(std::string_view text) {
  Result<ConnectUri> u = ParseConnectUri(text);
  return u && NamesDaemon(*u);
}

TEST(ConnectUri, SystemAndSessionAreTheDaemonsEmbedIsInProcess) {
  // libvirt's client sends qemu:///system and qemu:///session to a daemon; Cairn's too.
  EXPECT_TRUE(NamesDaemonText("qemu:///system"));
  EXPECT_TRUE(NamesDaemonText("qemu:///session"));
  EXPECT_TRUE(NamesDaemonText("qemu+unix:///system"));
  EXPECT_TRUE(NamesDaemonText("qemu:///system?socket=/tmp/s"));
  EXPECT_TRUE(NamesDaemonText("test:///default?socket=/tmp/s"));
  EXPECT_FALSE(NamesDaemonText("qemu:///embed?root=/var/tmp/x"));
  EXPECT_FALSE(NamesDaemonText("test:///default"));
  EXPECT_FALSE(NamesDaemonText("qemu://host/system"));  // a host: refused by the qemu driver
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
