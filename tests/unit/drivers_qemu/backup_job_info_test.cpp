// Domain::GetBackupJobInfo and Domain::WaitForJob on real QEMU: a running job described per
// disk (stores, exports, NBD URIs, bytes done of bytes to copy from QEMU's per-disk jobs),
// the wait that ends with the job's outcome, and the abort a waiter asks for.
#include <gtest/gtest.h>

#include "backup_fixture.hpp"

namespace cairn::test {
namespace {

class BackupJobInfoTest : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    if (HasFatalFailure()) return;
    WriteOffline("vda", 0xab, 0, 2 << 20);
    WriteOffline("vdb", 0x5a, 8 << 20, 2 << 20);
    StartVm();
  }

  std::string PushBoth() const {
    return "<domainbackup><disks>" + PushDisk("vda", Path("vda.full"), "qcow2") +
           PushDisk("vdb", Path("vdb.full"), "qcow2") + "</disks></domainbackup>";
  }
};

TEST_F(BackupJobInfoTest, NoJobIsNoDomainBackup) {
  Result<BackupJobInfo> info = dom_->GetBackupJobInfo();
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code(), ErrorCode::kNoDomainBackup);
}

TEST_F(BackupJobInfoTest, PushJobDescribesEachDiskWithItsTargetAndProgress) {
  SlowBackups slow;
  ASSERT_TRUE(dom_->BackupBegin(PushBoth()));
  Result<BackupJobInfo> info = dom_->GetBackupJobInfo();
  ASSERT_TRUE(info) << info.error().Text();
  EXPECT_EQ(info->spec.mode, BackupMode::kPush);
  ASSERT_EQ(info->disks.size(), 2u);
  EXPECT_EQ(info->disks[0].name, "vda");
  EXPECT_EQ(info->disks[0].store_path, Path("vda.full"));
  EXPECT_EQ(info->disks[1].name, "vdb");
  EXPECT_EQ(info->disks[1].store_path, Path("vdb.full"));
  for (const BackupJobDisk& d : info->disks) {
    EXPECT_EQ(d.nbd_uri, "") << d.name;
    ASSERT_TRUE(d.bytes_total) << d.name;
    EXPECT_EQ(*d.bytes_total, kDiskSize) << d.name;
    ASSERT_TRUE(d.bytes_done) << d.name;
    EXPECT_LT(*d.bytes_done, *d.bytes_total) << d.name;  // crawling at 1 byte/s
  }
  // The per-disk figures add up to the job's.
  Result<JobStats> stats = dom_->GetJobStats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->disk_total, *info->disks[0].bytes_total + *info->disks[1].bytes_total);
  ASSERT_TRUE(dom_->AbortJob());
}

TEST_F(BackupJobInfoTest, PullJobNamesEachExportAndItsNbdUri) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup mode='pull'>" + UnixServer() +
                                "<disks><disk name='vda' exportname='sys'/>"
                                "<disk name='vdb'/></disks></domainbackup>"));
  Result<BackupJobInfo> info = dom_->GetBackupJobInfo();
  ASSERT_TRUE(info) << info.error().Text();
  EXPECT_EQ(info->spec.mode, BackupMode::kPull);
  ASSERT_EQ(info->disks.size(), 2u);
  EXPECT_EQ(info->disks[0].export_name, "sys");
  EXPECT_EQ(info->disks[0].nbd_uri, NbdUri("sys"));
  EXPECT_EQ(info->disks[1].export_name, "vdb");
  EXPECT_EQ(info->disks[1].nbd_uri, NbdUri("vdb"));
  // The URI is readable as it is.
  EXPECT_EQ(Compare(Expected("vdb"), Read(info->disks[1].nbd_uri, "vdb"), "raw"),
            "Images are identical.");
  ASSERT_TRUE(dom_->AbortJob());
}

TEST_F(BackupJobInfoTest, WaitForJobReturnsTheCompletedJobAndReportsProgress) {
  ASSERT_TRUE(dom_->BackupBegin(PushBoth()));
  JobWaitOptions options;
  options.poll_interval = std::chrono::milliseconds(10);
  options.on_progress = [&](const JobStats& s) { EXPECT_EQ(s.type, JobType::kUnbounded); };
  Result<JobStats> done = dom_->WaitForJob(options);
  ASSERT_TRUE(done) << done.error().Text();
  EXPECT_EQ(done->type, JobType::kCompleted);
  EXPECT_EQ(done->disk_total, 2 * kDiskSize);
  EXPECT_EQ(Compare(Expected("vda"), Path("vda.full"), "qcow2"), "Images are identical.");
  // The completed job is kept for a later look.
  Result<JobStats> again = dom_->GetJobStats(JobStatsFlags::kCompleted);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->type, JobType::kCompleted);
}

TEST_F(BackupJobInfoTest, WaitForJobAbortsWhenAskedAndWaitsForTheEnd) {
  SlowBackups slow;
  ASSERT_TRUE(dom_->BackupBegin(PushBoth()));
  int asked = 0, looks = 0;
  JobWaitOptions options;
  options.poll_interval = std::chrono::milliseconds(10);
  options.abort_requested = [&] { return ++asked >= 3; };
  options.on_progress = [&](const JobStats&) { ++looks; };
  Result<JobStats> done = dom_->WaitForJob(options);
  ASSERT_TRUE(done) << done.error().Text();
  EXPECT_GE(looks, 2);  // the crawling job was seen running before the abort
  EXPECT_EQ(done->type, JobType::kCancelled);
  EXPECT_FALSE(Exists(Path("vda.full")));  // the partial targets Cairn created are gone
}

TEST_F(BackupJobInfoTest, WaitForJobWithoutAJobReturnsNone) {
  Result<JobStats> done = dom_->WaitForJob();
  ASSERT_TRUE(done) << done.error().Text();
  EXPECT_EQ(done->type, JobType::kNone);
}

}  // namespace
}  // namespace cairn::test
