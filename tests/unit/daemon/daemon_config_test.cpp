// cairnd.conf: the settings, libvirt's syntax, and refusals that name the line and the key.
#include "daemon/daemon_config.hpp"

#include <gtest/gtest.h>

namespace cairn::daemon {
namespace {

TEST(DaemonConfig, EverySettingIsRead) {
  auto c = ParseDaemonConfig(
      "# QEMU as libvirt's qemu.conf\n"
      "user = \"nobody\"\n"
      "group=\"nogroup\"   # trailing comment\n"
      "\n"
      "seccomp_sandbox = 0\n"
      "tls_x509_cert_dir = \"/etc/pki/qemu\"\n"
      "tls_x509_verify = 0\n"
      "unix_sock_rw_perms = \"0770\"\n"
      "unix_sock_group = \"libvirt\"\n",
      "cairnd.conf");
  ASSERT_TRUE(c) << c.error().Text();
  EXPECT_EQ(c->user, "nobody");
  EXPECT_EQ(c->group, "nogroup");
  EXPECT_EQ(c->seccomp_sandbox, false);
  EXPECT_EQ(c->tls_x509_cert_dir, "/etc/pki/qemu");
  EXPECT_EQ(c->tls_x509_verify, false);
  EXPECT_EQ(c->unix_sock_rw_perms, 0770u);
  EXPECT_EQ(c->unix_sock_group, "libvirt");
}

TEST(DaemonConfig, EmptyFileSetsNothing) {
  auto c = ParseDaemonConfig("# nothing\n\n", "f");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->user || c->group || c->seccomp_sandbox || c->tls_x509_cert_dir ||
               c->tls_x509_verify || c->unix_sock_rw_perms || c->unix_sock_group);
  EXPECT_EQ(c->QemuUriParameters(), "");
}

TEST(DaemonConfig, UnknownKeyIsRefusedNamingIt) {
  auto c = ParseDaemonConfig("user = \"qemu\"\nseccomp_sandbx = 1\n", "/etc/cairn/cairnd.conf");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArg);
  EXPECT_EQ(c.error().detail(), "/etc/cairn/cairnd.conf:2: unknown setting 'seccomp_sandbx'");
}

TEST(DaemonConfig, ValueOfTheWrongKindIsRefused) {
  auto unquoted = ParseDaemonConfig("user = qemu\n", "f");
  ASSERT_FALSE(unquoted);
  EXPECT_EQ(unquoted.error().detail(), "f:1: setting 'user' wants a quoted string");
  auto boolean = ParseDaemonConfig("seccomp_sandbox = yes\n", "f");
  ASSERT_FALSE(boolean);
  EXPECT_EQ(boolean.error().detail(), "f:1: setting 'seccomp_sandbox' wants 0 or 1");
  auto mode = ParseDaemonConfig("unix_sock_rw_perms = \"0780\"\n", "f");
  ASSERT_FALSE(mode);
  auto relative = ParseDaemonConfig("tls_x509_cert_dir = \"pki\"\n", "f");
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().detail(), "f:1: setting 'tls_x509_cert_dir' wants an absolute directory");
}

TEST(DaemonConfig, KeyGivenTwiceIsRefused) {
  auto c = ParseDaemonConfig("user = \"a\"\nuser = \"b\"\n", "f");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().detail(), "f:2: setting 'user' is set twice");
}

TEST(DaemonConfig, LineWithoutEqualsIsRefused) {
  auto c = ParseDaemonConfig("user \"a\"\n", "f");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().detail(), "f:1: expected 'key = value', not 'user \"a\"'");
}

TEST(DaemonConfig, QemuSettingsBecomeUriParameters) {
  auto c = ParseDaemonConfig(
      "user = \"+107\"\ngroup = \"kvm\"\nseccomp_sandbox = 1\n"
      "tls_x509_cert_dir = \"/etc/pki/my qemu\"\ntls_x509_verify = 1\n"
      "unix_sock_group = \"wheel\"\n",
      "f");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->QemuUriParameters(),
            "&user=%2B107&group=kvm&seccomp_sandbox=1&tls_x509_cert_dir=/etc/pki/my%20qemu"
            "&tls_x509_verify=1");
}

}  // namespace
}  // namespace cairn::daemon
