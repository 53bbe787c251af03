// Nothing half-made: a backup that fails to start leaves no job, no checkpoint, no bitmap, no
// node and no file behind — whether it fails before touching QEMU, in QEMU's transaction,
// after it, or because the cairn process starting it was killed at any step. A backup that
// fails later (a target runs out of space, QEMU goes away) ends as failed with its error.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

#include "backup_fixture.hpp"
#include "qmp/qmp_commands.hpp"

namespace cairn::test {
namespace {

class BackupFailure : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    if (HasFatalFailure()) return;
    WriteOffline("vda", 0xab, 0, 6 << 20);
    WriteOffline("vdb", 0x5a, 0, 6 << 20);
    StartVm();
    ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  }

  // Block nodes and jobs QEMU has that a backup would have made.
  std::string BackupLeftoversInQemu() {
    auto qmp = Monitor();
    EXPECT_TRUE(qmp) << qmp.error().Text();
    if (!qmp) return "no QMP";
    std::string found;
    auto nodes = qmp::QueryNamedBlockNodes(*qmp);
    auto jobs = qmp::QueryJobs(*qmp);
    if (!nodes || !jobs) return "cannot query QEMU";
    for (const auto& n : *nodes) {
      if (n.node_name.starts_with("backup-")) found += " node " + n.node_name;
      for (const auto& b : n.dirty_bitmaps) {
        if (b.name != "c1") found += " bitmap " + n.node_name + "/" + b.name;
      }
    }
    for (const auto& j : *jobs) found += " job " + j.id;
    return found;
  }

  // No record, nothing in QEMU, no stray file, only checkpoint c1 (metadata and bitmaps).
  // Looked at before anything else refreshes the job: a begin must clean up after itself.
  void ExpectNothingLeft(const std::vector<std::string>& files) {
    EXPECT_FALSE(Exists(Root() + "/run/vm1/backup.xml"));
    EXPECT_EQ(BackupLeftoversInQemu(), "");
    for (const std::string& f : files) EXPECT_FALSE(Exists(f)) << f;
    EXPECT_EQ(Vm().GetJobStats()->type, JobType::kNone);
    EXPECT_EQ(Vm().GetJobStats(JobStatsFlags::kCompleted)->type, JobType::kNone);
    EXPECT_EQ(CheckpointNames(), (std::set<std::string>{"c1"}));
    ASSERT_TRUE(Vm().Destroy());
    EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c1"}));
    EXPECT_EQ(BitmapsIn("vdb"), (std::set<std::string>{"c1"}));
  }

  std::string Targets(const std::string& vdb_target) {
    return "<disks>" + PushDisk("vda", Path("vda.t"), "qcow2") +
           PushDisk("vdb", vdb_target, "qcow2") + "</disks>";
  }
};

TEST_F(BackupFailure, UnknownIncrementalCheckpointLeavesNothing) {
  Status s = dom_->BackupBegin(
      "<domainbackup><incremental>nope</incremental>" + Targets(Path("vdb.t")) + "</domainbackup>",
      "<domaincheckpoint><name>c2</name></domaincheckpoint>");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kNoDomainCheckpoint);
  EXPECT_EQ(s.error().detail(), "Checkpoint 'nope' for incremental backup of disk 'vda' not found");
  ExpectNothingLeft({Path("vda.t"), Path("vdb.t")});
}

TEST_F(BackupFailure, MissingBitmapIsCheckpointInconsistent) {
  {
    auto qmp = Monitor();
    ASSERT_TRUE(qmp) << qmp.error().Text();
    ASSERT_TRUE(qmp->Execute("block-dirty-bitmap-remove", {{"node", "disk-vdb"}, {"name", "c1"}}));
  }
  Status s = dom_->BackupBegin("<domainbackup><incremental>c1</incremental>" +
                               Targets(Path("vdb.t")) + "</domainbackup>");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kCheckpointInconsistent);
  EXPECT_EQ(s.error().detail(),
            "missing or broken bitmap 'c1' for disk 'vdb': recover by deleting checkpoint 'c1' "
            "and taking a full backup");
  EXPECT_EQ(Vm().GetJobStats()->type, JobType::kNone);
  EXPECT_FALSE(Exists(Path("vda.t")));
}

TEST_F(BackupFailure, ImageCreationFailingHalfWayLeavesNothing) {
  Status s =
      dom_->BackupBegin("<domainbackup>" + Targets(Path("no/such/dir/vdb.t")) + "</domainbackup>",
                        "<domaincheckpoint><name>c2</name></domaincheckpoint>");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kSystemError);  // libvirt's, as its message
  EXPECT_EQ(s.error().detail(), "failed to create image file '" + Path("no/such/dir/vdb.t") +
                                    "': No such file or directory");
  ExpectNothingLeft({Path("vda.t")});
}

TEST_F(BackupFailure, TransactionRefusedByQemuLeavesNothing) {
  Run({"qemu-img", "create", "-q", "-f", "qcow2", Path("small.t"), "1M"});
  Run({"qemu-img", "create", "-q", "-f", "qcow2", Path("vda.t"), std::to_string(kDiskSize)});
  Status s = dom_->BackupBegin("<domainbackup>" + Targets(Path("small.t")) + "</domainbackup>",
                               "<domaincheckpoint><name>c2</name></domaincheckpoint>",
                               BackupBeginFlags::kReuseExternal);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().detail().find("unable to execute QEMU command 'transaction'"),
            std::string::npos)
      << s.error().Text();
  EXPECT_TRUE(Exists(Path("small.t")));  // the user's files stay
  EXPECT_TRUE(Exists(Path("vda.t")));
  ExpectNothingLeft({});
}

// The export fails after the transaction made the checkpoint's bitmaps and started the jobs.
TEST_F(BackupFailure, ExportRefusedAfterTheTransactionLeavesNothing) {
  std::string too_long(5000, 'x');
  Status s = dom_->BackupBegin("<domainbackup mode='pull'><server transport='unix' socket='" +
                                   Path("nbd.sock") + "'/><disks><disk name='vda' exportname='" +
                                   too_long + "'/></disks></domainbackup>",
                               "<domaincheckpoint><name>c2</name></domaincheckpoint>");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().detail().find("block-export-add"), std::string::npos) << s.error().Text();
  ExpectNothingLeft({Image("vda") + ".c2", Path("nbd.sock")});
}

TEST_F(BackupFailure, ATargetRunningOutOfSpaceFailsTheBackupWithQemusError) {
  const std::string small = Path("small");
  std::filesystem::create_directory(small);
  if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=1m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  }
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + Targets(small + "/vdb.t") + "</domainbackup>"));
  JobStats done = WaitForJobEnd();
  ::umount2(small.c_str(), MNT_DETACH);
  EXPECT_EQ(done.type, JobType::kFailed);
  EXPECT_EQ(done.success, false);
  EXPECT_EQ(done.errmsg, "No space left on device");
  EXPECT_FALSE(Exists(Path("vda.t")));  // a failed push keeps no partial target
  EXPECT_EQ(BackupLeftoversInQemu(), "");
}

TEST_F(BackupFailure, QemuGoingAwayFailsTheBackup) {
  {
    SlowBackups slow;
    ASSERT_TRUE(dom_->BackupBegin("<domainbackup>" + Targets(Path("vdb.t")) + "</domainbackup>"));
  }
  ASSERT_TRUE(Vm().Destroy());
  auto none = Vm().GetJobStats();  // the job ended with QEMU
  ASSERT_TRUE(none) << none.error().Text();
  EXPECT_EQ(none->type, JobType::kNone);
  auto done = Vm().GetJobStats(JobStatsFlags::kCompleted);
  ASSERT_TRUE(done) << done.error().Text();
  EXPECT_EQ(done->type, JobType::kFailed);
  EXPECT_EQ(done->errmsg,
            "domain 'vm1' stopped before the backup ended (guest shutdown or destroy)");
  EXPECT_FALSE(Exists(Path("vda.t")));
  EXPECT_FALSE(Exists(Path("vdb.t")));
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c1"}));
}

// ---- crash injection ----------------------------------------------------------------------

struct BeginCut {
  const char* point;
  bool pull;
};

std::string BeginCutName(const testing::TestParamInfo<BeginCut>& info) {
  std::string step = info.param.point;
  std::string name = info.param.pull ? "Pull_" : "Push_";
  for (char c : step.substr(step.find(':') + 1)) name += c == '-' ? '_' : c;
  return name;
}

class BeginCrash : public BackupFailure, public testing::WithParamInterface<BeginCut> {
 protected:
  std::string Xml() {
    if (GetParam().pull) {
      return "<domainbackup mode='pull'><server transport='unix' socket='" + Path("nbd.sock") +
             "'/>" + "<disks><disk name='vda' type='file'><scratch file='" + Path("vda.t") +
             "'/></disk><disk name='vdb' type='file'><scratch file='" + Path("vdb.t") +
             "'/></disk></disks></domainbackup>";
    }
    return "<domainbackup>" + Targets(Path("vdb.t")) + "</domainbackup>";
  }

  // BackupBegin in a child process that dies at the cut; returns its exit code.
  int BeginAndCrash() {
    pid_t pid = fork();
    if (pid == 0) {
      drivers::qemu::InstallTestHooks({.crash_at = GetParam().point, .backup_speed = 1});
      (void)Vm().BackupBegin(Xml(), "<domaincheckpoint><name>c2</name></domaincheckpoint>");
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

TEST_P(BeginCrash, TheNextLookRollsBackOrFindsTheJobRunning) {
  ASSERT_EQ(BeginAndCrash(), 86) << "the child did not reach " << GetParam().point;
  EXPECT_TRUE(Exists(Root() + "/run/vm1/backup.xml"));  // the dead begin's record
  auto looked = Vm().GetJobStats();                     // ... which this look settles
  ASSERT_TRUE(looked) << looked.error().Text();
  if (std::string_view(GetParam().point) != "backup-begin:running") {
    ExpectNothingLeft({Path("vda.t"), Path("vdb.t"), Path("nbd.sock")});
    // ... and nothing the dead begin left in QEMU (a node, a job) stands in the next one's way.
    ASSERT_TRUE(Vm().BackupBegin(Xml()));
    (void)Vm().AbortJob();  // a push may have finished already
    EXPECT_NE(WaitForJobEnd().type, JobType::kFailed);
    return;
  }
  // The job runs: the begin only missed making c2 current and clearing its journal.
  EXPECT_EQ(Vm().GetJobStats()->type, JobType::kUnbounded);
  EXPECT_EQ(CheckpointNames(), (std::set<std::string>{"c1", "c2"}));
  ASSERT_TRUE(Vm().AbortJob());
  EXPECT_FALSE(Exists(Path("vda.t")));
  EXPECT_FALSE(Exists(Path("vdb.t")));
  ASSERT_TRUE(Vm().Destroy());
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c1", "c2"}));
}

INSTANTIATE_TEST_SUITE_P(EveryStep, BeginCrash,
                         testing::Values(BeginCut{"backup-begin:record-written", false},
                                         BeginCut{"backup-begin:stores-being-formatted", false},
                                         BeginCut{"backup-begin:storage-created", false},
                                         BeginCut{"backup-begin:nodes-attached", false},
                                         BeginCut{"backup-begin:transaction-done", false},
                                         BeginCut{"backup-begin:checkpoint-saved", false},
                                         BeginCut{"backup-begin:running", false},
                                         BeginCut{"backup-begin:stores-being-formatted", true},
                                         BeginCut{"backup-begin:nodes-attached", true},
                                         BeginCut{"backup-begin:transaction-done", true},
                                         BeginCut{"backup-begin:checkpoint-saved", true}),
                         BeginCutName);

}  // namespace
}  // namespace cairn::test
