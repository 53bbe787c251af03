// A guest shutting down during a backup. The guest-initiated shutdown is real as far as QEMU
// can tell: the firmware's ACPI power-management port is written (S5 soft-off), exactly what
// a guest OS does to power off. By default QEMU exits and the backup fails with its reason,
// as libvirt's does; with PRESERVE_SHUTDOWN_DOMAIN the VM pauses, the backup finishes (push)
// or stays readable until aborted (pull), and then the domain shuts off as the guest asked.
#include <gtest/gtest.h>

#include "backup_fixture.hpp"
#include "qmp/qmp_commands.hpp"

namespace cairn::test {
namespace {

class GuestShutdown : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    if (HasFatalFailure()) return;
    WriteOffline("vda", 0xab, 0, 6 << 20);
    WriteOffline("vdb", 0x5a, 0, 6 << 20);
    StartVm();
    WaitForFirmware();
  }

  std::string Hmp(const std::string& command) {
    auto qmp = Monitor();
    EXPECT_TRUE(qmp) << qmp.error().Text();
    if (!qmp) return "";
    auto reply = qmp->Execute("human-monitor-command", {{"command-line", command}});
    EXPECT_TRUE(reply) << reply.error().Text();
    return reply ? reply->get<std::string>() : "";
  }

  // SeaBIOS maps the PIIX4 power-management block at 0x600 during POST (unmapped ports read
  // as all ones).
  void WaitForFirmware() {
    for (int i = 0; i < 400; ++i) {
      if (Hmp("i /w 0x604").find("0xffffffff") == std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "the firmware never mapped the ACPI PM block";
  }

  // PM1a_CNT = SLP_EN | SLP_TYP(0): the guest asks for soft-off.
  void GuestPowersOff() { Hmp("o /w 0x604 0x2000"); }

  std::string VmStatus() {
    auto qmp = Monitor();
    if (!qmp) return "gone";
    auto status = qmp::QueryStatus(*qmp);
    return status ? status->status : "gone";
  }

  bool ShutOffWithin(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Vm().GetInfo()->state == DomainState::kShutoff) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  void FullSpeed() {
    auto qmp = Monitor();
    ASSERT_TRUE(qmp) << qmp.error().Text();
    for (const char* job : {"backup-vda", "backup-vdb"}) {
      ASSERT_TRUE(qmp->Execute("block-job-set-speed", {{"device", job}, {"speed", 0}}));
    }
  }

  std::string Push() {
    return "<domainbackup><disks>" + PushDisk("vda", Path("vda.t"), "qcow2") +
           PushDisk("vdb", Path("vdb.t"), "qcow2") + "</disks></domainbackup>";
  }
};

TEST_F(GuestShutdown, ByDefaultTheBackupFailsWithTheReason) {
  {
    SlowBackups slow;
    ASSERT_TRUE(dom_->BackupBegin(Push()));
  }
  GuestPowersOff();
  ASSERT_TRUE(ShutOffWithin(std::chrono::seconds(10)));
  EXPECT_EQ(Vm().GetJobStats()->type, JobType::kNone);  // the job ended with QEMU
  auto done = Vm().GetJobStats(JobStatsFlags::kCompleted);
  ASSERT_TRUE(done) << done.error().Text();
  EXPECT_EQ(done->type, JobType::kFailed);
  EXPECT_EQ(done->errmsg,
            "domain 'vm1' stopped before the backup ended (guest shutdown or destroy)");
  EXPECT_FALSE(Exists(Path("vda.t")));
}

TEST_F(GuestShutdown, PreservedDomainFinishesThePushBackupThenShutsOff) {
  {
    SlowBackups slow;
    ASSERT_TRUE(dom_->BackupBegin(Push(), {}, BackupBeginFlags::kPreserveShutdownDomain));
  }
  GuestPowersOff();
  EXPECT_EQ(VmStatus(), "shutdown");                       // paused, QEMU still there
  EXPECT_EQ(Vm().GetInfo()->state, DomainState::kPaused);  // as libvirt reports it
  EXPECT_EQ(Vm().GetJobStats()->type, JobType::kUnbounded);
  FullSpeed();
  JobStats done = WaitForJobEnd();
  EXPECT_EQ(done.type, JobType::kCompleted);
  EXPECT_EQ(Compare(Expected("vda"), Path("vda.t"), "qcow2"), "Images are identical.");
  EXPECT_EQ(Compare(Expected("vdb"), Path("vdb.t"), "qcow2"), "Images are identical.");
  EXPECT_TRUE(ShutOffWithin(std::chrono::seconds(10)));
}

TEST_F(GuestShutdown, PreservedDomainKeepsThePullExportUntilAborted) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup mode='pull'><server transport='unix' socket='" +
                                    Path("nbd.sock") +
                                    "'/><disks><disk name='vda'/></disks></domainbackup>",
                                {}, BackupBeginFlags::kPreserveShutdownDomain));
  GuestPowersOff();
  EXPECT_EQ(VmStatus(), "shutdown");
  std::string read = Path("vda.read.raw");
  Run({"nbdcopy", "nbd+unix:///vda?socket=" + Path("nbd.sock"), read});
  EXPECT_EQ(Compare(Expected("vda"), read, "raw"), "Images are identical.");
  ASSERT_TRUE(Vm().AbortJob());
  EXPECT_EQ(Vm().GetJobStats(JobStatsFlags::kCompleted)->type, JobType::kCompleted);
  EXPECT_TRUE(ShutOffWithin(std::chrono::seconds(10)));
}

TEST_F(GuestShutdown, AfterAPreservedBackupShutdownsPowerOffAgain) {
  ASSERT_TRUE(dom_->BackupBegin(Push(), {}, BackupBeginFlags::kPreserveShutdownDomain));
  EXPECT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  EXPECT_EQ(Vm().GetInfo()->state, DomainState::kRunning);  // no shutdown was asked for
  GuestPowersOff();
  EXPECT_TRUE(ShutOffWithin(std::chrono::seconds(10)));
}

}  // namespace
}  // namespace cairn::test
