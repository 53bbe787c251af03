// The qemu driver's options from its URI, and the ledger that gives files to QEMU's user.
#include "drivers/qemu/qemu_driver_options.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "drivers/qemu/file_ownership.hpp"
#include "util/temp_dir.hpp"

namespace cairn::drivers::qemu {
namespace {

using Query = std::map<std::string, std::string, std::less<>>;

TEST(QemuDriverOptions, DefaultsAreLibvirts) {
  auto o = QemuDriverOptionsFromQuery(Query{{"root", "/r"}});
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->run_as);
  EXPECT_TRUE(o->seccomp_sandbox);
  EXPECT_TRUE(o->tls_x509_verify);
  EXPECT_EQ(o->tls_x509_cert_dir, "");
}

TEST(QemuDriverOptions, UserAloneRunsInItsPrimaryGroup) {
  auto o = QemuDriverOptionsFromQuery(Query{{"user", "nobody"}});
  ASSERT_TRUE(o) << o.error().Text();
  ASSERT_TRUE(o->run_as);
  EXPECT_EQ(o->run_as->uid, 65534u);
  EXPECT_EQ(o->run_as->gid, 65534u);
}

TEST(QemuDriverOptions, NumericIdsAreTaken) {
  auto o = QemuDriverOptionsFromQuery(Query{{"user", "+4321"}, {"group", "+8765"}});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->run_as->uid, 4321u);
  EXPECT_EQ(o->run_as->gid, 8765u);
}

TEST(QemuDriverOptions, UnknownUserIsInvalidArgNamingIt) {
  auto o = QemuDriverOptionsFromQuery(Query{{"user", "no-such-user-here"}});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code(), ErrorCode::kInvalidArg);
  EXPECT_EQ(o.error().detail(), "qemu driver option user='no-such-user-here': no such user");
}

TEST(QemuDriverOptions, BooleansAreZeroOrOne) {
  auto o = QemuDriverOptionsFromQuery(Query{{"seccomp_sandbox", "0"}, {"tls_x509_verify", "0"}});
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->seccomp_sandbox);
  EXPECT_FALSE(o->tls_x509_verify);
  EXPECT_FALSE(QemuDriverOptionsFromQuery(Query{{"seccomp_sandbox", "on"}}));
}

TEST(QemuDriverOptions, RunAsAppliesOnlyToRoot) {
  QemuDriverOptions o;
  o.run_as = QemuRunAs{.uid = 65534, .gid = 65534};
  EXPECT_EQ(o.EffectiveRunAs().has_value(), ::geteuid() == 0);
}

TEST(OwnershipLedger, GrantRecordsAndRestoreGivesBack) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
  auto dir = util::TempDir::Create();
  ASSERT_TRUE(dir);
  const std::string file = (dir->path() / "disk.img").string();
  std::ofstream(file) << "x";
  ASSERT_EQ(::chown(file.c_str(), 1234, 5678), 0);
  const OwnershipLedger ledger(dir->path() / "owners");
  ASSERT_TRUE(ledger.Grant(file, {.uid = 65534, .gid = 65534}));
  ASSERT_TRUE(ledger.Grant(file, {.uid = 65534, .gid = 65534}));  // the first owner stays
  struct stat st;
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  ASSERT_EQ(::stat((dir->path() / "owners").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ledger.RestoreAll();
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1234u);
  EXPECT_EQ(st.st_gid, 5678u);
  EXPECT_FALSE(std::filesystem::exists(dir->path() / "owners"));
}

TEST(OwnershipLedger, GrantOfAMissingFileIsSystemError) {
  auto dir = util::TempDir::Create();
  ASSERT_TRUE(dir);
  const OwnershipLedger ledger(dir->path() / "owners");
  auto r = ledger.Grant((dir->path() / "nothing").string(), {.uid = 1, .gid = 1});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kSystemError);
}

}  // namespace
}  // namespace cairn::drivers::qemu
