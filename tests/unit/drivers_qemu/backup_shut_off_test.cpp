// Backups of a shut-off domain, where libvirt refuses ("cannot perform disk backup for
// inactive domain"): a qemu-storage-daemon serves the images for the job's life, with the
// same XML, job statistics and end as on a running domain. Push and pull, full and
// incremental, each checked byte for byte; the checkpoint made with the backup lands in the
// images as a consistent persistent bitmap; the domain cannot start while the job reads its
// disks; a daemon that dies fails the job and frees the domain; one left without a job
// (its begin killed) is stopped at the next look.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "backup_fixture.hpp"
#include "conf/domain_def.hpp"
#include "drivers/qemu/storage_daemon.hpp"
#include "util/process_table.hpp"

namespace cairn::test {
namespace {

class ShutOffBackup : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    if (HasFatalFailure()) return;
    WriteOffline("vda", 0xab, 0, 6 << 20);
    WriteOffline("vdb", 0x5a, 8 << 20, 4 << 20);
  }

  std::string BothDisks(const std::string& format, const std::string& suffix) {
    return "<disks>" + PushDisk("vda", Path("vda." + suffix), format) +
           PushDisk("vdb", Path("vdb." + suffix), format) + "</disks>";
  }

  std::string PidFile() const { return Root() + "/run/vm1/qsd.pid"; }
  bool DaemonRuns() const {
    auto pid = util::ReadNumberFile(PidFile());
    return pid && util::ProcessExists(static_cast<pid_t>(*pid));
  }

  // qemu-img's flags of bitmap `name` in a disk's image ("auto", "in-use auto"), or "absent".
  std::string BitmapFlags(const std::string& disk, const std::string& name) {
    auto out = util::RunCommand({"qemu-img", "info", "-U", "--output=json", Image(disk)});
    if (!out || !out->status.Success()) return "qemu-img failed";
    auto info = nlohmann::json::parse(out->out);
    auto data = info.value("/format-specific/data"_json_pointer, nlohmann::json::object());
    for (const auto& b : data.value("bitmaps", nlohmann::json::array())) {
      if (b.at("name") != name) continue;
      std::string flags;
      for (const auto& f : b.at("flags")) flags += (flags.empty() ? "" : " ") + f.get<std::string>();
      return flags;
    }
    return "absent";
  }

  void Restore(const std::string& disk, const std::string& inc, const std::string& full) {
    Run({"qemu-img", "rebase", "-u", "-f", "qcow2", "-b", Path(disk + "." + full), "-F", "qcow2",
         Path(disk + "." + inc)});
  }

  static constexpr const char* kC1 = "<domaincheckpoint><name>c1</name></domaincheckpoint>";
  static constexpr const char* kC2 = "<domaincheckpoint><name>c2</name></domaincheckpoint>";
};

TEST_F(ShutOffBackup, FullPushEqualsTheDisksAndLeavesTheCheckpointInTheImages) {
  Status begun =
      dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>", kC1);
  ASSERT_TRUE(begun) << begun.error().Text();
  JobStats done = WaitForJobEnd();
  EXPECT_EQ(done.type, JobType::kCompleted);
  EXPECT_EQ(done.success, true);
  EXPECT_EQ(done.operation, JobOperation::kBackup);
  EXPECT_EQ(done.disk_total, 2 * kDiskSize);  // a full job counts every cluster
  EXPECT_EQ(Compare(Expected("vda"), Path("vda.full"), "qcow2"), "Images are identical.");
  EXPECT_EQ(Compare(Expected("vdb"), Path("vdb.full"), "qcow2"), "Images are identical.");
  EXPECT_FALSE(DaemonRuns());
  EXPECT_EQ(BitmapFlags("vda", "c1"), "auto");
  EXPECT_EQ(BitmapFlags("vdb", "c1"), "auto");
  EXPECT_EQ(CheckpointNames(), (std::set<std::string>{"c1"}));
  auto info = Vm().GetInfo();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->state, DomainState::kShutoff);
  Status started = Vm().Start();  // the daemon let go of the images
  EXPECT_TRUE(started) << started.error().Text();
}

TEST_F(ShutOffBackup, IncrementalPushHoldsWhatChangedAndRestoresOverTheFull) {
  ASSERT_TRUE(
      dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>", kC1));
  ASSERT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  WriteOffline("vda", 0x21, 1 << 20, 192 << 10);
  WriteOffline("vdb", 0x22, 0, 64 << 10);
  Status begun = Vm().BackupBegin("<domainbackup><incremental>c1</incremental>" +
                                      BothDisks("qcow2", "inc") + "</domainbackup>",
                                  kC2);
  ASSERT_TRUE(begun) << begun.error().Text();
  JobStats done = WaitForJobEnd();
  ASSERT_EQ(done.type, JobType::kCompleted);
  EXPECT_EQ(done.disk_total, 256u << 10);  // only the changed clusters
  for (const char* disk : {"vda", "vdb"}) {
    Restore(disk, "inc", "full");
    EXPECT_EQ(Compare(Expected(disk), Path(std::string(disk) + ".inc"), "qcow2"),
              "Images are identical.")
        << disk;
  }
  EXPECT_EQ(Vm().CheckpointLookupByName("c2")->GetParent()->name(), "c1");
  EXPECT_EQ(BitmapFlags("vda", "c2"), "auto");
}

// The chain crosses the domain's states: a checkpoint made by QEMU while it ran is the base
// of an incremental taken after shutdown, and the other way round.
TEST_F(ShutOffBackup, ChainsCrossStartAndShutdown) {
  StartVm();
  ASSERT_TRUE(
      dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>", kC1));
  ASSERT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  ASSERT_TRUE(Vm().Destroy());  // QEMU quits and stores c1's bitmaps
  WriteOffline("vda", 0x31, 3 << 20, 128 << 10);
  ASSERT_TRUE(Vm().BackupBegin("<domainbackup><incremental>c1</incremental>" +
                                   BothDisks("qcow2", "inc") + "</domainbackup>",
                               kC2));
  ASSERT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  for (const char* disk : {"vda", "vdb"}) {
    Restore(disk, "inc", "full");
    EXPECT_EQ(Compare(Expected(disk), Path(std::string(disk) + ".inc"), "qcow2"),
              "Images are identical.")
        << disk;
  }
  StartVm();  // c2, made by the storage daemon, now records in QEMU
  GuestWrite("vda", 0x32, 20 << 20, 64 << 10, true);
  ASSERT_TRUE(Vm().BackupBegin("<domainbackup><incremental>c2</incremental>" +
                               BothDisks("qcow2", "inc2") + "</domainbackup>"));
  JobStats done = WaitForJobEnd();
  ASSERT_EQ(done.type, JobType::kCompleted);
  EXPECT_EQ(done.disk_total, 64u << 10);
}

TEST_F(ShutOffBackup, PullExportsThePointInTimeViewAndTheDirtyBitmap) {
  ASSERT_TRUE(dom_->CheckpointCreateXml(kC1));
  WriteOffline("vda", 0x33, 4 << 20, 128 << 10);
  const std::string scratch = Path("vda.scratch");
  Status begun = Vm().BackupBegin("<domainbackup mode='pull'><incremental>c1</incremental>" +
                                  UnixServer() + "<disks><disk name='vda' type='file'><scratch file='" +
                                  scratch + "'/></disk><disk name='vdb' backup='no'/></disks>" +
                                  "</domainbackup>");
  ASSERT_TRUE(begun) << begun.error().Text();
  EXPECT_TRUE(DaemonRuns());
  EXPECT_EQ(Dirty(NbdUri("vda"), "backup-vda"), (std::vector<Extent>{{4 << 20, 128 << 10}}));
  EXPECT_EQ(Compare(Expected("vda"), Read(NbdUri("vda"), "vda"), "raw"), "Images are identical.");
  auto live = Vm().GetJobStats();
  ASSERT_TRUE(live) << live.error().Text();
  EXPECT_EQ(live->type, JobType::kUnbounded);
  EXPECT_EQ(live->disk_temp_total, kDiskSize);
  auto xml = Vm().BackupGetXmlDesc();
  ASSERT_TRUE(xml) << xml.error().Text();
  EXPECT_NE(xml->find("<domainbackup mode='pull'>"), std::string::npos) << *xml;

  ASSERT_TRUE(Vm().AbortJob());
  auto done = Vm().GetJobStats(JobStatsFlags::kCompleted);
  ASSERT_TRUE(done) << done.error().Text();
  EXPECT_EQ(done->type, JobType::kCompleted);
  EXPECT_FALSE(DaemonRuns());
  EXPECT_FALSE(Exists(scratch));
  EXPECT_FALSE(Exists(Socket()));
  EXPECT_EQ(BitmapFlags("vda", "c1"), "auto");
  EXPECT_EQ(BitmapFlags("vda", "backup-vda"), "absent");
}

TEST_F(ShutOffBackup, TheDomainCannotStartOrGoWhileTheJobReadsItsDisks) {
  {
    SlowBackups slow;
    ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>"));
  }
  const std::string why =
      " domain 'vm1' while a backup job reads its disks: wait for the job to end, or abort it "
      "with 'domjobabort vm1'";
  Status start = Vm().Start();
  ASSERT_FALSE(start);
  EXPECT_EQ(start.error().code(), ErrorCode::kOperationInvalid);
  EXPECT_EQ(start.error().detail(), "cannot start" + why);
  Status undefine = Vm().Undefine();
  ASSERT_FALSE(undefine);
  EXPECT_EQ(undefine.error().detail(), "cannot undefine" + why);
  auto again = Vm().BackupBegin("<domainbackup/>");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().detail(), "another backup job is already running");

  auto live = Vm().GetJobStats();
  ASSERT_TRUE(live) << live.error().Text();
  EXPECT_EQ(live->type, JobType::kUnbounded);
  EXPECT_EQ(live->disk_total, 2 * kDiskSize);

  ASSERT_TRUE(Vm().AbortJob());
  JobStats done = WaitForJobEnd();
  EXPECT_EQ(done.type, JobType::kCancelled);
  EXPECT_FALSE(DaemonRuns());
  EXPECT_FALSE(Exists(Path("vda.full")));  // Cairn created them: an aborted push removes them
  Status started = Vm().Start();
  EXPECT_TRUE(started) << started.error().Text();
}

// Checkpoints stay usable during the job: the daemon holds the images, so the bitmap goes
// in through its monitor, and it reaches the image when the daemon quits.
TEST_F(ShutOffBackup, ACheckpointMadeDuringTheJobGoesThroughTheDaemon) {
  {
    SlowBackups slow;
    ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>"));
  }
  auto c2 = Vm().CheckpointCreateXml(kC2);
  ASSERT_TRUE(c2) << c2.error().Text();
  EXPECT_EQ(CheckpointNames(), (std::set<std::string>{"c2"}));
  ASSERT_TRUE(Vm().AbortJob());
  EXPECT_EQ(WaitForJobEnd().type, JobType::kCancelled);
  EXPECT_EQ(BitmapFlags("vda", "c2"), "auto");
  EXPECT_EQ(BitmapFlags("vdb", "c2"), "auto");
}

TEST_F(ShutOffBackup, ADaemonThatDiesFailsTheJobAndFreesTheDomain) {
  {
    SlowBackups slow;
    ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + BothDisks("qcow2", "full") + "</domainbackup>"));
  }
  auto pid = util::ReadNumberFile(PidFile());
  ASSERT_TRUE(pid);
  ::kill(static_cast<pid_t>(*pid), SIGKILL);
  ASSERT_TRUE(util::WaitUntilGone([&] { return util::ProcessExists(static_cast<pid_t>(*pid)); },
                                  std::chrono::seconds(10)));
  JobStats done = WaitForJobEnd();
  EXPECT_EQ(done.type, JobType::kFailed);
  EXPECT_EQ(done.errmsg,
            "the storage daemon serving shut-off domain 'vm1' stopped before the backup ended");
  EXPECT_FALSE(Exists(Path("vda.full")));
  Status started = Vm().Start();
  EXPECT_TRUE(started) << started.error().Text();
}

// A begin killed between starting the daemon and writing its record leaves a daemon without
// a job: the next look at the domain's job stops it.
TEST_F(ShutOffBackup, ADaemonLeftWithoutAJobIsStoppedAtTheNextLook) {
  auto xml = dom_->GetXmlDesc();
  ASSERT_TRUE(xml);
  auto def = conf::DomainDef::Parse(*xml);
  ASSERT_TRUE(def) << def.error().Text();
  drivers::qemu::StateLayout layout(Root());
  auto pid = drivers::qemu::StartStorageDaemon(*def, layout);
  ASSERT_TRUE(pid) << pid.error().Text();
  ASSERT_TRUE(DaemonRuns());
  auto stats = Vm().GetJobStats();
  ASSERT_TRUE(stats) << stats.error().Text();
  EXPECT_EQ(stats->type, JobType::kNone);
  EXPECT_FALSE(DaemonRuns());
  Status started = Vm().Start();
  EXPECT_TRUE(started) << started.error().Text();
}

// libvirt answers "domain is not running"; a shut-off domain here can run a job, so without
// one it has none, as a running domain without one.
TEST_F(ShutOffBackup, WithoutAJobThereIsNoneToQueryOrAbort) {
  auto stats = dom_->GetJobStats();
  ASSERT_TRUE(stats) << stats.error().Text();
  EXPECT_EQ(stats->type, JobType::kNone);
  Status abort = dom_->AbortJob();
  ASSERT_FALSE(abort);
  EXPECT_EQ(abort.error().code(), ErrorCode::kOperationInvalid);
  EXPECT_EQ(abort.error().detail(), "no job is active on the domain");
}

}  // namespace
}  // namespace cairn::test
