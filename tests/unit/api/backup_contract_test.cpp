// The backup entry points' contract checks, through the public C++ API on test:///default
// (whose driver has no backup, as libvirt's test driver: VIR_ERR_NO_SUPPORT), and the typed
// parameters of job statistics.
#include <gtest/gtest.h>

#include "cairn/cairn.hpp"

namespace cairn {
namespace {

class BackupContract : public testing::Test {
 protected:
  Domain Open(bool read_only) {
    auto c = Connection::Open("test:///default", read_only);
    EXPECT_TRUE(c) << c.error().Text();
    auto d = c->LookupDomainByName("test");
    EXPECT_TRUE(d) << d.error().Text();
    return *d;
  }
};

TEST_F(BackupContract, BeginWithNullXmlIsInvalidArg) {
  Status s = Open(false).BackupBegin(std::string_view());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArg);
  EXPECT_EQ(s.error().detail(), "backupXML in virDomainBackupBegin must not be NULL");
}

TEST_F(BackupContract, BeginOnReadOnlyConnectionIsDenied) {
  Status s = Open(true).BackupBegin("<domainbackup/>");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().Text(),
            "operation forbidden: read only access prevents virDomainBackupBegin");
}

TEST_F(BackupContract, BeginWithUnknownFlagIsInvalidArg) {
  Status s = Open(false).BackupBegin("<domainbackup/>", {}, static_cast<BackupBeginFlags>(4));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().detail(), "unsupported flags (0x4) in function virDomainBackupBegin");
}

TEST_F(BackupContract, TestDriverHasNoBackup) {
  Domain d = Open(false);
  Status begin = d.BackupBegin("<domainbackup/>");
  ASSERT_FALSE(begin);
  EXPECT_EQ(begin.error().code(), ErrorCode::kNoSupport);
  EXPECT_EQ(begin.error().Text(),
            "this function is not supported by the connection driver: "
            "virDomainBackupBegin");
  EXPECT_EQ(d.BackupGetXmlDesc().error().code(), ErrorCode::kNoSupport);
  EXPECT_EQ(d.GetJobStats().error().code(), ErrorCode::kNoSupport);
  EXPECT_EQ(d.AbortJob().error().code(), ErrorCode::kNoSupport);
}

TEST_F(BackupContract, GetXmlDescFlagsMustBeZero) {
  auto xml = Open(false).BackupGetXmlDesc(1);
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().detail(), "unsupported flags (0x1) in function virDomainBackupGetXMLDesc");
}

TEST_F(BackupContract, GetJobStatsRefusesUnknownFlags) {
  auto stats = Open(true).GetJobStats(static_cast<JobStatsFlags>(4));
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().code(), ErrorCode::kInvalidArg);
}

TEST_F(BackupContract, AbortJobOnReadOnlyConnectionIsDenied) {
  Status s = Open(true).AbortJob();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().Text(), "operation forbidden: read only access prevents virDomainAbortJob");
}

TEST_F(BackupContract, JobCompletedCallbackOnTestDriverIsNotSupported) {
  Domain d = Open(false);
  auto id = RegisterJobCompletedCallback(d.connection(), &d, [](const Domain&, const JobStats&) {});
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code(), ErrorCode::kNoSupport);
}

TEST_F(BackupContract, DeregisteringAnUnknownCallbackIsInvalidArg) {
  Domain d = Open(false);
  Status s = DeregisterEventCallback(d.connection(), 42);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().detail(), "could not find event callback 42 for deletion");
}

TEST(JobStatsParams, NoJobHasNoParameters) { EXPECT_TRUE(JobStatsParams(JobStats{}).empty()); }

TEST(JobStatsParams, RunningPushJobHasLibvirtKeysInOrder) {
  JobStats s{.type = JobType::kUnbounded,
             .operation = JobOperation::kBackup,
             .time_elapsed_ms = 1500,
             .disk_total = 100,
             .disk_processed = 40};
  auto p = JobStatsParams(s);
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0].field, "operation");
  EXPECT_EQ(std::get<int>(p[0].value), 9);
  EXPECT_EQ(p[1].field, "time_elapsed");
  EXPECT_EQ(std::get<unsigned long long>(p[1].value), 1500u);
  EXPECT_EQ(p[2].field, "disk_total");
  EXPECT_EQ(p[3].field, "disk_processed");
  EXPECT_EQ(p[4].field, "disk_remaining");
  EXPECT_EQ(std::get<unsigned long long>(p[4].value), 60u);
}

TEST(JobStatsParams, FailedPullJobHasTempSuccessAndErrmsg) {
  JobStats s{.type = JobType::kFailed,
             .operation = JobOperation::kBackup,
             .time_elapsed_ms = 7,
             .disk_temp_used = 65536,
             .disk_temp_total = 1 << 20,
             .success = false,
             .errmsg = "boom"};
  auto p = JobStatsParams(s);
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[2].field, "disk_temp_used");
  EXPECT_EQ(p[3].field, "disk_temp_total");
  EXPECT_EQ(p[4].field, "success");
  EXPECT_FALSE(std::get<bool>(p[4].value));
  EXPECT_EQ(p[5].field, "errmsg");
  EXPECT_EQ(std::get<std::string>(p[5].value), "boom");
}

}  // namespace
}  // namespace cairn
