// Push-mode backups on real QEMU: full and incremental (since any checkpoint), qcow2 and
// raw targets, created or reused, a checkpoint made at the backup's instant, job statistics,
// abort. Every backup is compared byte for byte with what the disk held at its instant.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "backup_fixture.hpp"
#include "drivers/qemu/backup_job.hpp"
#include "util/file_lock.hpp"

namespace cairn::test {
namespace {

class PushBackup : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    if (HasFatalFailure()) return;
    // Several MiB of data per disk: a throttled job (SlowBackups) stops after the first MiB.
    WriteOffline("vda", 0xab, 0, 6 << 20);
    WriteOffline("vda", 0xcd, 12 << 20, 128 << 10);
    WriteOffline("vdb", 0x5a, 8 << 20, 4 << 20);
    StartVm();
  }

  std::string BothDisks(const std::string& format, const std::string& suffix) {
    return "<disks>" + PushDisk("vda", Path("vda." + suffix), format) +
           PushDisk("vdb", Path("vdb." + suffix), format) + "</disks>";
  }
};

TEST_F(PushBackup, FullBackupToQcow2EqualsTheDisks) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>"))
      << "begin";
  JobStats done = WaitForJobEnd();
  EXPECT_EQ(done.type, JobType::kCompleted);
  EXPECT_EQ(done.success, true);
  EXPECT_EQ(Compare(Expected("vda"), Path("vda.full"), "qcow2"), "Images are identical.");
  EXPECT_EQ(Compare(Expected("vdb"), Path("vdb.full"), "qcow2"), "Images are identical.");
}

TEST_F(PushBackup, FullBackupToRawEqualsTheDisks) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("raw", "raw") + "</domainbackup>"));
  EXPECT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  EXPECT_EQ(Compare(Expected("vda"), Path("vda.raw"), "raw"), "Images are identical.");
  EXPECT_EQ(Compare(Expected("vdb"), Path("vdb.raw"), "raw"), "Images are identical.");
}

TEST_F(PushBackup, GuestWritesAfterTheStartStayOutOfTheBackup) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>"));
  GuestWrite("vda", 0xee, 0, 64 << 10, false);
  GuestWrite("vdb", 0xee, 8 << 20, 64 << 10, false);
  EXPECT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  EXPECT_EQ(Compare(Expected("vda"), Path("vda.full"), "qcow2"), "Images are identical.");
  EXPECT_EQ(Compare(Expected("vdb"), Path("vdb.full"), "qcow2"), "Images are identical.");
}

TEST_F(PushBackup, DefaultDocumentBacksUpEveryDiskBesideItsImage) {
  ASSERT_TRUE(
      dom_->BackupBegin("<domainbackup/>", "<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  EXPECT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  EXPECT_EQ(Compare(Expected("vda"), Image("vda") + ".c1", "qcow2"), "Images are identical.");
  EXPECT_EQ(Compare(Expected("vdb"), Image("vdb") + ".c1", "qcow2"), "Images are identical.");
}

TEST_F(PushBackup, BackupXmlShowsWhatWasFilledIn) {
  {
    SlowBackups slow;
    ASSERT_TRUE(dom_->BackupBegin("<domainbackup/>",
                                  "<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  }
  auto xml = Vm().BackupGetXmlDesc();
  ASSERT_TRUE(xml) << xml.error().Text();
  // As libvirt: the target beside the image, named after the checkpoint; the default format.
  EXPECT_NE(xml->find("<disk name='vda' backup='yes' type='file' backupmode='full'>\n"
                      "      <driver type='qcow2'/>\n"
                      "      <target file='" +
                      Image("vda") + ".c1'/>"),
            std::string::npos)
      << *xml;
  ASSERT_TRUE(Vm().AbortJob());
}

TEST_F(PushBackup, CheckpointMadeWithTheBackupRecordsWritesAfterIt) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>",
                                "<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  WaitForJobEnd();
  auto cp = Vm().CheckpointLookupByName("c1");
  ASSERT_TRUE(cp) << cp.error().Text();
  GuestWrite("vda", 0x11, 16 << 20, 128 << 10, true);
  auto xml = cp->GetXmlDesc(CheckpointXmlFlags::kSize | CheckpointXmlFlags::kNoDomain);
  ASSERT_TRUE(xml) << xml.error().Text();
  EXPECT_NE(xml->find("<disk name='vda' checkpoint='bitmap' bitmap='c1' size='131072'/>"),
            std::string::npos)
      << *xml;
  EXPECT_NE(xml->find("<disk name='vdb' checkpoint='bitmap' bitmap='c1' size='0'/>"),
            std::string::npos)
      << *xml;
}

// full(c1) ... write A ... c2 ... write B ... incremental since c1 (and c3) ... write C.
// full + inc(c1) must be the disk at inc's instant (A and B, not C); inc(c2) holds B only.
TEST_F(PushBackup, IncrementalFromAnOlderCheckpointRestoresTheDiskOverTheFullBackup) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>",
                                "<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  ASSERT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  GuestWrite("vda", 0x21, 1 << 20, 192 << 10, true);
  ASSERT_TRUE(Vm().CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>"));
  GuestWrite("vda", 0x22, 32 << 20, 64 << 10, true);
  GuestWrite("vdb", 0x22, 0, 64 << 10, true);

  ASSERT_TRUE(Vm().BackupBegin("<domainbackup><incremental>c1</incremental>" +
                                   BothDisks("qcow2", "inc1") + "</domainbackup>",
                               "<domaincheckpoint><name>c3</name></domaincheckpoint>"));
  GuestWrite("vda", 0x23, 1 << 20, 64 << 10, false);
  JobStats done = WaitForJobEnd();
  ASSERT_EQ(done.type, JobType::kCompleted);
  EXPECT_EQ(done.disk_total, (192u + 64u + 64u) << 10);  // only the changed clusters

  for (const char* disk : {"vda", "vdb"}) {
    std::string inc = Path(std::string(disk) + ".inc1");
    Run({"qemu-img", "rebase", "-u", "-f", "qcow2", "-b", Path(std::string(disk) + ".full"), "-F",
         "qcow2", inc});
    EXPECT_EQ(Compare(Expected(disk), inc, "qcow2"), "Images are identical.") << disk;
  }
  ASSERT_TRUE(Vm().BackupBegin("<domainbackup><incremental>c2</incremental>" +
                               BothDisks("qcow2", "inc2") + "</domainbackup>"));
  EXPECT_EQ(WaitForJobEnd().disk_total, (64u + 64u + 64u) << 10);  // B, and C on vda
  EXPECT_EQ(Vm().CheckpointLookupByName("c3")->GetParent()->name(), "c2");
}

// A full backup into a raw file skips what reads as zeros: the file has holes where the
// disk was never written, so a 64 MiB disk holding ~10 MiB takes ~10 MiB.
TEST_F(PushBackup, FullBackupToRawIsSparse) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("raw", "raw") + "</domainbackup>"));
  EXPECT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  for (const char* disk : {"vda", "vdb"}) {
    struct stat st;
    ASSERT_EQ(::stat(Path(std::string(disk) + ".raw").c_str(), &st), 0);
    EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), kDiskSize) << disk;
    EXPECT_LT(static_cast<std::uint64_t>(st.st_blocks) * 512, 8ull << 20) << disk;
  }
  EXPECT_EQ(Compare(Expected("vda"), Path("vda.raw"), "raw"), "Images are identical.");
}

TEST_F(PushBackup, IncrementalOverADiskTheCheckpointExcludedSaysSo) {
  ASSERT_TRUE(
      dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name><disks><disk name='vda'/>"
                                "<disk name='vdb' checkpoint='no'/></disks></domaincheckpoint>"));
  Status s = Vm().BackupBegin("<domainbackup><incremental>c1</incremental>" +
                              BothDisks("qcow2", "inc") + "</domainbackup>");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kCheckpointInconsistent);
  EXPECT_EQ(s.error().detail(),
            "checkpoint 'c1' excludes disk 'vdb' (checkpoint='no'): no incremental backup of it "
            "can start there");
  EXPECT_FALSE(Exists(Path("vda.inc")));
  EXPECT_FALSE(Exists(Path("vdb.inc")));
}

TEST_F(PushBackup, ReuseExternalWritesIntoExistingFilesAndKeepsThem) {
  Run({"qemu-img", "create", "-q", "-f", "qcow2", Path("vda.mine"), std::to_string(kDiskSize)});
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup><disks>" +
                                    PushDisk("vda", Path("vda.mine"), "qcow2") +
                                    "<disk name='vdb' backup='no'/></disks></domainbackup>",
                                {}, BackupBeginFlags::kReuseExternal));
  EXPECT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  EXPECT_EQ(Compare(Expected("vda"), Path("vda.mine"), "qcow2"), "Images are identical.");
}

TEST_F(PushBackup, ReuseExternalWithoutTheFileIsRefused) {
  Status s = dom_->BackupBegin(
      "<domainbackup><disks>" + PushDisk("vda", Path("nope"), "qcow2") + "</disks></domainbackup>",
      {}, BackupBeginFlags::kReuseExternal);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArg);
  EXPECT_EQ(s.error().detail(), "store '" + Path("nope") + "' for backup of 'vda' does not exist");
}

TEST_F(PushBackup, AnExistingTargetIsNeverOverwritten) {
  Run({"qemu-img", "create", "-q", "-f", "raw", Path("taken"), "1M"});
  Status s = dom_->BackupBegin("<domainbackup><disks>" + PushDisk("vda", Path("taken"), "qcow2") +
                               "</disks></domainbackup>");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().detail(), "store '" + Path("taken") + "' for backup of 'vda' exists");
  EXPECT_EQ(std::filesystem::file_size(Path("taken")), 1u << 20);
}

TEST_F(PushBackup, StatisticsWhileRunningAndAfterwards) {
  {
    SlowBackups slow;
    ASSERT_TRUE(
        dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>"));
  }
  auto live = Vm().GetJobStats();
  ASSERT_TRUE(live) << live.error().Text();
  EXPECT_EQ(live->type, JobType::kUnbounded);
  EXPECT_EQ(live->operation, JobOperation::kBackup);
  EXPECT_EQ(live->disk_total, 2 * kDiskSize);
  EXPECT_FALSE(live->success);
  auto xml = Vm().BackupGetXmlDesc();
  ASSERT_TRUE(xml) << xml.error().Text();
  EXPECT_NE(xml->find("<disk name='vda' backup='yes' type='file' backupmode='full'>"),
            std::string::npos)
      << *xml;
  EXPECT_EQ(xml->find("state="), std::string::npos) << *xml;
  ASSERT_TRUE(Vm().AbortJob());

  auto first = Vm().GetJobStats(JobStatsFlags::kCompleted);
  ASSERT_TRUE(first) << first.error().Text();
  EXPECT_EQ(first->type, JobType::kCancelled);
  EXPECT_EQ(first->success, false);
  EXPECT_EQ(first->started_ms, live->started_ms);
  EXPECT_EQ(Vm().GetJobStats(JobStatsFlags::kCompleted)->type, JobType::kNone);  // consumed
  EXPECT_EQ(Vm().GetJobStats()->type, JobType::kNone);
}

TEST_F(PushBackup, ElapsedTimeEndsWhenTheCopyEndedNotWhenSomeoneLooked) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>"));
  std::this_thread::sleep_for(std::chrono::seconds(3));  // the copy of ~10 MiB is long over
  JobStats done = WaitForJobEnd();
  ASSERT_EQ(done.type, JobType::kCompleted);
  EXPECT_LT(done.time_elapsed_ms, 2500u);
}

// With nothing dirty, QEMU writes nothing into a reused target, so its last write (from
// before the backup) says nothing of the job: the job ended when QEMU started it, after
// Cairn's setup, not when it began (0 ms).
TEST_F(PushBackup, ElapsedTimeOfAJobThatWroteNothingIsItsSetUp) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  Run({"qemu-img", "create", "-q", "-f", "qcow2", Path("vda.mine"), std::to_string(kDiskSize)});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the file's mtime is old
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup><incremental>c1</incremental><disks>" +
                                    PushDisk("vda", Path("vda.mine"), "qcow2") +
                                    "<disk name='vdb' backup='no'/></disks></domainbackup>",
                                {}, BackupBeginFlags::kReuseExternal));
  const auto begin_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  JobStats done = WaitForJobEnd();
  ASSERT_EQ(done.type, JobType::kCompleted);
  EXPECT_EQ(done.disk_total.value_or(0), 0u);  // nothing to copy (libvirt leaves out 0 of 0)
  EXPECT_GE(done.time_elapsed_ms, 1u);
  EXPECT_LE(done.time_elapsed_ms, begin_ms + 1);
}

TEST_F(PushBackup, AbortRemovesTheTargetsCairnCreated) {
  {
    SlowBackups slow;
    ASSERT_TRUE(
        dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>"));
  }
  ASSERT_TRUE(Exists(Path("vda.full")));
  ASSERT_TRUE(Vm().AbortJob());  // its connection closes here, once the job has ended
  EXPECT_FALSE(Exists(Path("vda.full")));
  EXPECT_FALSE(Exists(Path("vdb.full")));
  auto again = Vm().AbortJob();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().Text(),
            "Requested operation is not valid: no job is active on the domain");
}

// As libvirt's, the abort is answered once QEMU's jobs are cancelled and the job ends behind
// it: the same connection's next looks see it ending or ended, never an error, until it is
// over, cancelled, its targets gone.
TEST_F(PushBackup, AbortIsAnsweredOnceCancelledAndTheJobEndsBehindIt) {
  {
    SlowBackups slow;
    ASSERT_TRUE(
        dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>"));
  }
  Connection c = Open();
  Domain vm = *c.LookupDomainByName("vm1");
  ASSERT_TRUE(vm.AbortJob());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    auto now = vm.GetJobStats();
    ASSERT_TRUE(now) << now.error().Text();
    if (now->type == JobType::kNone) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the aborted job did not end";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(vm.GetJobStats(JobStatsFlags::kCompleted)->type, JobType::kCancelled);
  EXPECT_FALSE(Exists(Path("vda.full")));
  EXPECT_FALSE(Exists(Path("vdb.full")));
}

// Nobody looks while QEMU finishes the job; then the domain is destroyed. Destroy settles
// the job first, so the backup counts as completed and keeps its targets.
TEST_F(PushBackup, AJobFinishedUnseenCountsAsCompletedWhenTheDomainIsDestroyed) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "a") + "</domainbackup>"));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_TRUE(Vm().Destroy());
  EXPECT_EQ(Vm().GetJobStats(JobStatsFlags::kCompleted)->type, JobType::kCompleted);
  EXPECT_EQ(Compare(Expected("vda"), Path("vda.a"), "qcow2"), "Images are identical.");
}

TEST_F(PushBackup, NoJobMeansNoBackupXml) {
  auto xml = dom_->BackupGetXmlDesc();
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().code(), ErrorCode::kNoDomainBackup);
  EXPECT_EQ(dom_->GetJobStats()->type, JobType::kNone);
}

TEST_F(PushBackup, ABackupOfNoDiskIsRefusedAndLeavesNoCheckpoint) {
  Status s = dom_->BackupBegin(
      "<domainbackup><disks><disk name='vda' backup='no'/><disk name='vdb' backup='no'/>"
      "</disks></domainbackup>",
      "<domaincheckpoint><name>c1</name></domaincheckpoint>");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kConfigUnsupported);
  EXPECT_EQ(s.error().detail(), "no disks selected for backup");
  EXPECT_TRUE(CheckpointNames().empty());
  EXPECT_EQ(Vm().GetJobStats()->type, JobType::kNone);
}

TEST_F(PushBackup, ACheckpointNameInUseIsRefusedAsByCheckpointCreate) {
  ASSERT_TRUE(Vm().CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  Status viaBackup =
      Vm().BackupBegin("<domainbackup>" + BothDisks("qcow2", "t") + "</domainbackup>",
                       "<domaincheckpoint><name>c1</name></domaincheckpoint>");
  auto viaCreate = Vm().CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>");
  ASSERT_FALSE(viaBackup);
  ASSERT_FALSE(viaCreate);
  EXPECT_EQ(viaBackup.error().code(), viaCreate.error().code());
  EXPECT_EQ(viaBackup.error().detail(), viaCreate.error().detail());
  EXPECT_FALSE(Exists(Path("vda.t")));
}

TEST_F(PushBackup, ABitmapNoCheckpointOwnsIsNamedAsByCheckpointCreate) {
  ASSERT_TRUE(Vm().CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  ASSERT_TRUE(Vm().CheckpointLookupByName("c1")->Delete(CheckpointDeleteFlags::kMetadataOnly));
  Status s = Vm().BackupBegin("<domainbackup>" + BothDisks("qcow2", "t") + "</domainbackup>",
                              "<domaincheckpoint><name>c1</name></domaincheckpoint>");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kOperationFailed);
  EXPECT_NE(s.error().detail().find("disk 'vda' already has a bitmap 'c1' that no checkpoint owns"),
            std::string::npos)
      << s.error().detail();
  EXPECT_TRUE(CheckpointNames().empty());
  EXPECT_FALSE(Exists(Path("vda.t")));
}

TEST_F(PushBackup, TheCompletedJobIsNotReportedWhileTheNextOneRuns) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "one") + "</domainbackup>"));
  ASSERT_EQ(WaitForJobEnd().type, JobType::kCompleted);  // keeps the completed record
  {
    SlowBackups slow;
    ASSERT_TRUE(Vm().BackupBegin("<domainbackup>" + BothDisks("qcow2", "two") + "</domainbackup>"));
  }
  auto completed = Vm().GetJobStats(JobStatsFlags::kCompleted | JobStatsFlags::kKeepCompleted);
  ASSERT_TRUE(completed) << completed.error().Text();
  EXPECT_EQ(completed->type, JobType::kNone) << "the first job's end, taken for the second's";
  ASSERT_TRUE(Vm().AbortJob());
  EXPECT_EQ(Vm().GetJobStats(JobStatsFlags::kCompleted)->type, JobType::kCancelled);
}

}  // namespace
}  // namespace cairn::test
