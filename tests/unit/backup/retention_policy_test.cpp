// ApplyRetention: restic's and borg's --keep-* rules.
#include "tools/cairn-backup/retention_policy.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace cairn::backup {
namespace {

constexpr std::int64_t kHour = 3600'000;
constexpr std::int64_t kDay = 24 * kHour;
// 2026-12-01 00:30 UTC, a Tuesday.
constexpr std::int64_t kStart = 1'796'085'000'000;

std::vector<repo::BackupManifest> Backups(const std::vector<std::int64_t>& offsets) {
  std::vector<repo::BackupManifest> out;
  for (std::int64_t o : offsets) {
    repo::BackupManifest m;
    m.started_ms = kStart + o;
    m.id = std::to_string(m.started_ms);
    out.push_back(m);
  }
  return out;
}

std::vector<bool> Kept(const std::vector<RetentionDecision>& d) {
  std::vector<bool> k;
  for (const RetentionDecision& x : d) k.push_back(x.keep);
  return k;
}

class RetentionPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("TZ", "UTC", 1); tzset(); }
};

TEST_F(RetentionPolicyTest, KeepLastKeepsTheNewest) {
  auto d = ApplyRetention(Backups({0, kHour, 2 * kHour, 3 * kHour}), {.last = 2});
  EXPECT_EQ(Kept(d), (std::vector<bool>{false, false, true, true}));
  EXPECT_EQ(d[3].reasons, std::vector<std::string>{"last"});
}

TEST_F(RetentionPolicyTest, KeepDailyKeepsTheNewestOfEachDay) {
  // Two backups on each of three days: the later of each day, for the 2 newest days.
  auto d = ApplyRetention(
      Backups({0, kHour, kDay, kDay + kHour, 2 * kDay, 2 * kDay + kHour}), {.daily = 2});
  EXPECT_EQ(Kept(d), (std::vector<bool>{false, false, false, true, false, true}));
  EXPECT_EQ(d[5].reasons, std::vector<std::string>{"daily 2026-12-03"});
}

TEST_F(RetentionPolicyTest, RulesAddUpAndABackupMayHaveSeveralReasons) {
  auto d = ApplyRetention(Backups({0, 8 * kDay, 9 * kDay}), {.last = 1, .weekly = 2});
  EXPECT_EQ(Kept(d), (std::vector<bool>{true, false, true}));
  EXPECT_EQ(d[2].reasons, (std::vector<std::string>{"last", "weekly 2026-W50"}));
  EXPECT_EQ(d[0].reasons, std::vector<std::string>{"weekly 2026-W49"});
}

TEST_F(RetentionPolicyTest, AnEmptyPolicyKeepsNothing) {
  EXPECT_TRUE(RetentionPolicy{}.Empty());
  EXPECT_EQ(Kept(ApplyRetention(Backups({0}), {})), std::vector<bool>{false});
}

}  // namespace
}  // namespace cairn::backup
