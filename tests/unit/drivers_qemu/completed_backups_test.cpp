// The completed-jobs history of a domain (backup-completed.xml): kept in order, bounded, every
// statistic round-trips, and a file from before the history (one job as the root) still reads.
#include <gtest/gtest.h>

#include <fstream>

#include "drivers/qemu/backup_record.hpp"
#include "util/temp_dir.hpp"

namespace cairn::drivers::qemu {
namespace {

class CompletedBackupsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = util::TempDir::Create("completed-backups");
    ASSERT_TRUE(dir) << dir.error().Text();
    dir_.emplace(std::move(*dir));
    layout_.emplace(dir_->path());
    std::filesystem::create_directories(layout_->RunDir("vm1"));
  }
  static JobStats Job(std::int64_t started) {
    JobStats s;
    s.type = JobType::kCompleted;
    s.operation = JobOperation::kBackup;
    s.started_ms = started;
    s.time_elapsed_ms = 12;
    s.disk_total = 1 << 20;
    s.disk_processed = 1 << 20;
    s.success = true;
    return s;
  }
  std::optional<util::TempDir> dir_;
  std::optional<StateLayout> layout_;
};

TEST_F(CompletedBackupsFile, NoFileIsNoJob) {
  auto completed = LoadCompletedBackups(*layout_, "vm1");
  ASSERT_TRUE(completed) << completed.error().Text();
  EXPECT_TRUE(completed->jobs.empty());
  EXPECT_FALSE(completed->last_consumed);
}

TEST_F(CompletedBackupsFile, EveryStatisticRoundTrips) {
  CompletedBackups saved;
  saved.jobs.push_back(Job(1000));
  JobStats failed;
  failed.type = JobType::kFailed;
  failed.operation = JobOperation::kBackup;
  failed.started_ms = 2000;
  failed.time_elapsed_ms = 7;
  failed.disk_temp_used = 3;
  failed.disk_temp_total = 4;
  failed.success = false;
  failed.errmsg = "No space left on device <&>";
  saved.jobs.push_back(failed);
  saved.last_consumed = true;
  ASSERT_TRUE(SaveCompletedBackups(*layout_, "vm1", saved));
  auto completed = LoadCompletedBackups(*layout_, "vm1");
  ASSERT_TRUE(completed) << completed.error().Text();
  ASSERT_EQ(completed->jobs.size(), 2u);
  EXPECT_TRUE(completed->last_consumed);
  EXPECT_EQ(completed->jobs[0].started_ms, 1000);
  EXPECT_EQ(completed->jobs[0].disk_total, 1u << 20);
  EXPECT_EQ(completed->jobs[0].success, true);
  EXPECT_FALSE(completed->jobs[0].errmsg);
  const JobStats& f = completed->jobs[1];
  EXPECT_EQ(f.type, JobType::kFailed);
  EXPECT_EQ(f.time_elapsed_ms, 7u);
  EXPECT_FALSE(f.disk_total);
  EXPECT_EQ(f.disk_temp_used, 3u);
  EXPECT_EQ(f.disk_temp_total, 4u);
  EXPECT_EQ(f.success, false);
  EXPECT_EQ(f.errmsg, "No space left on device <&>");
}

TEST_F(CompletedBackupsFile, KeepsTheLastJobsInOrder) {
  CompletedBackups saved;
  for (std::int64_t i = 1; i <= 40; ++i) saved.jobs.push_back(Job(i));
  ASSERT_TRUE(SaveCompletedBackups(*layout_, "vm1", saved));
  auto completed = LoadCompletedBackups(*layout_, "vm1");
  ASSERT_TRUE(completed) << completed.error().Text();
  ASSERT_EQ(completed->jobs.size(), kCompletedBackupsKept);
  for (std::size_t i = 0; i < kCompletedBackupsKept; ++i) {
    EXPECT_EQ(completed->jobs[i].started_ms,
              static_cast<std::int64_t>(40 - kCompletedBackupsKept + 1 + i));
  }
}

TEST_F(CompletedBackupsFile, AFileOfOneJobFromBeforeTheHistoryReads) {
  std::ofstream(CompletedBackupPath(*layout_, "vm1"))
      << "<completedBackup type='3' started='5' elapsed='9' diskTotal='10' diskProcessed='10' "
         "success='yes' consumed='yes'/>\n";
  auto completed = LoadCompletedBackups(*layout_, "vm1");
  ASSERT_TRUE(completed) << completed.error().Text();
  ASSERT_EQ(completed->jobs.size(), 1u);
  EXPECT_EQ(completed->jobs[0].started_ms, 5);
  EXPECT_EQ(completed->jobs[0].time_elapsed_ms, 9u);
  EXPECT_TRUE(completed->last_consumed);
}

TEST_F(CompletedBackupsFile, JobNumbersRoundTripAndTheNextJobFollowsTheLast) {
  EXPECT_EQ(NextJobSequence(*layout_, "vm1"), 1u);  // no history: the first job
  CompletedBackups saved;
  for (std::uint64_t n : {7u, 8u}) {
    saved.jobs.push_back(Job(static_cast<std::int64_t>(n) * 1000));
    saved.jobs.back().sequence = n;
  }
  ASSERT_TRUE(SaveCompletedBackups(*layout_, "vm1", saved));
  auto completed = LoadCompletedBackups(*layout_, "vm1");
  ASSERT_TRUE(completed) << completed.error().Text();
  ASSERT_EQ(completed->jobs.size(), 2u);
  EXPECT_EQ(completed->jobs[0].sequence, 7u);
  EXPECT_EQ(completed->jobs[1].sequence, 8u);
  EXPECT_EQ(NextJobSequence(*layout_, "vm1"), 9u);
}

TEST_F(CompletedBackupsFile, AHistoryFromBeforeJobNumbersIsNumberedInOrder) {
  std::ofstream(CompletedBackupPath(*layout_, "vm1"))
      << "<completedBackups consumed='no'>"
         "<completedBackup type='3' started='5' elapsed='9' success='yes'/>"
         "<completedBackup type='4' started='6' elapsed='1' success='no'/>"
         "</completedBackups>\n";
  auto completed = LoadCompletedBackups(*layout_, "vm1");
  ASSERT_TRUE(completed) << completed.error().Text();
  ASSERT_EQ(completed->jobs.size(), 2u);
  EXPECT_EQ(completed->jobs[0].sequence, 1u);
  EXPECT_EQ(completed->jobs[1].sequence, 2u);
  EXPECT_EQ(NextJobSequence(*layout_, "vm1"), 3u);
}

TEST_F(CompletedBackupsFile, AnUnreadableFileIsAnInternalErrorNamingIt) {
  std::ofstream(CompletedBackupPath(*layout_, "vm1")) << "<completedBackups";
  auto completed = LoadCompletedBackups(*layout_, "vm1");
  ASSERT_FALSE(completed);
  EXPECT_EQ(completed.error().code(), ErrorCode::kInternalError);
  EXPECT_NE(completed.error().Text().find("backup-completed.xml"), std::string::npos);
}

}  // namespace
}  // namespace cairn::drivers::qemu
