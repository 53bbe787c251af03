// Pull-mode backups on real QEMU, read the way third-party tools read them: nbdcopy for the
// data, nbdinfo --map for the qemu:dirty-bitmap:NAME context of an incremental backup. The
// export is the disk's point-in-time view (guest writes after the start never show), the job
// ends with AbortJob as completed, and scratch files go unless the user supplied them.
#include <gtest/gtest.h>

#include "backup_fixture.hpp"
#include "nbd/nbd_export.hpp"
#include "qmp/qmp_commands.hpp"

namespace cairn::test {
namespace {

class PullBackup : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    if (HasFatalFailure()) return;
    WriteOffline("vda", 0xab, 0, 2 << 20);
    WriteOffline("vdb", 0x5a, 8 << 20, 1 << 20);
    StartVm();
  }
  // A pull backup of both disks, their scratch files named.
  std::string BothDisksWithScratch() const {
    return "<domainbackup mode='pull'>" + UnixServer() +
           "<disks><disk name='vda' type='file'><scratch file='" + Path("vda.scratch") +
           "'/></disk><disk name='vdb' type='file'><scratch file='" + Path("vdb.scratch") +
           "'/></disk></disks></domainbackup>";
  }
};

TEST_F(PullBackup, FullExportIsThePointInTimeViewOfEachDisk) {
  ASSERT_TRUE(dom_->BackupBegin(BothDisksWithScratch()));
  GuestWrite("vda", 0xee, 0, 1 << 20, false);
  GuestWrite("vdb", 0xee, 8 << 20, 64 << 10, false);
  EXPECT_EQ(Compare(Expected("vda"), Read(NbdUri("vda"), "vda"), "raw"), "Images are identical.");
  EXPECT_EQ(Compare(Expected("vdb"), Read(NbdUri("vdb"), "vdb"), "raw"), "Images are identical.");

  auto live = Vm().GetJobStats();
  ASSERT_TRUE(live) << live.error().Text();
  EXPECT_EQ(live->type, JobType::kUnbounded);
  EXPECT_EQ(live->disk_temp_used, (1u << 20) + (64u << 10));  // what the guest overwrote
  EXPECT_EQ(live->disk_temp_total, 2 * kDiskSize);
  EXPECT_FALSE(live->disk_total);

  ASSERT_TRUE(Vm().AbortJob());
  auto done = Vm().GetJobStats(JobStatsFlags::kCompleted);
  ASSERT_TRUE(done) << done.error().Text();
  EXPECT_EQ(done->type, JobType::kCompleted);  // ending a pull backup is its success
  EXPECT_EQ(done->success, true);
  EXPECT_FALSE(Exists(Path("vda.scratch")));
  EXPECT_FALSE(Exists(Path("vdb.scratch")));
  EXPECT_FALSE(Exists(Socket()));
}

// The scratch files are formatted by QEMU (blockdev-create), which keeps nothing of it: no
// node, no job, besides the backup's own.
TEST_F(PullBackup, QemuFormatsTheScratchAndKeepsNoNodeNorJobOfIt) {
  ASSERT_TRUE(dom_->BackupBegin(BothDisksWithScratch()));
  {
    auto qmp = qmp::QmpClient::Connect(std::filesystem::path(Root()) / "run" / "vm1" / "qmp.sock");
    ASSERT_TRUE(qmp) << qmp.error().Text();
    auto nodes = qmp::QueryNamedBlockNodes(*qmp);
    ASSERT_TRUE(nodes) << nodes.error().Text();
    for (const qmp::BlockNodeInfo& n : *nodes) {
      EXPECT_FALSE(n.node_name.starts_with("cairn-fmt-")) << n.node_name;
    }
    auto jobs = qmp::QueryJobs(*qmp);
    ASSERT_TRUE(jobs) << jobs.error().Text();
    for (const qmp::JobInfo& j : *jobs) EXPECT_EQ(j.type, "backup") << j.id;
  }
  EXPECT_EQ(Compare(Expected("vda"), Read(NbdUri("vda"), "vda"), "raw"), "Images are identical.");
  EXPECT_EQ(Compare(Expected("vdb"), Read(NbdUri("vdb"), "vdb"), "raw"), "Images are identical.");
  ASSERT_TRUE(Vm().AbortJob());
}

// A pull backup's abort returns once the export is gone: a client reading then is cut off,
// and a new one cannot connect. The job ends just after.
TEST_F(PullBackup, TheExportIsGoneWhenTheAbortReturns) {
  ASSERT_TRUE(dom_->BackupBegin(BothDisksWithScratch()));
  auto reader = nbd::NbdExport::Connect(NbdUri("vda"));
  ASSERT_TRUE(reader) << reader.error().Text();
  std::string block(4096, '\0');
  ASSERT_TRUE(reader->Read(block.data(), block.size(), 0));

  ASSERT_TRUE(dom_->AbortJob());

  EXPECT_FALSE(reader->Read(block.data(), block.size(), 0));
  EXPECT_FALSE(nbd::NbdExport::Connect(NbdUri("vda")));
  EXPECT_EQ(WaitForJobEnd().type, JobType::kCompleted);
}

// c1 ... writes A, B ... pull incremental since c1 ... write C: the bitmap context names
// exactly A and B, and the data read is the disk at the backup's instant.
TEST_F(PullBackup, IncrementalExportCarriesTheChangedBlocksAsDirtyBitmap) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  GuestWrite("vda", 0x21, 1 << 20, 64 << 10, true);
  GuestWrite("vda", 0x22, 32 << 20, 128 << 10, true);
  ASSERT_TRUE(Vm().BackupBegin("<domainbackup mode='pull'><incremental>c1</incremental>" +
                                   UnixServer() +
                                   "<disks><disk name='vda' type='file'/></disks></domainbackup>",
                               "<domaincheckpoint><name>c2</name></domaincheckpoint>"));
  GuestWrite("vda", 0x23, 40 << 20, 64 << 10, false);
  GuestWrite("vda", 0x24, 1 << 20, 64 << 10, false);

  EXPECT_EQ(Dirty(NbdUri("vda"), "backup-vda"),
            (std::vector<Extent>{{1 << 20, 64 << 10}, {32 << 20, 128 << 10}}));
  EXPECT_EQ(Compare(Expected("vda"), Read(NbdUri("vda"), "vda"), "raw"), "Images are identical.");
  auto xml = Vm().BackupGetXmlDesc();
  ASSERT_TRUE(xml) << xml.error().Text();
  EXPECT_NE(xml->find("<disk name='vda' backup='yes' type='file' backupmode='incremental' "
                      "incremental='c1' exportname='vda' exportbitmap='backup-vda'>"),
            std::string::npos)
      << *xml;
  EXPECT_NE(xml->find("<scratch file='" + Image("vda") + ".c2'/>"), std::string::npos) << *xml;
  ASSERT_TRUE(Vm().AbortJob());
  EXPECT_FALSE(Exists(Image("vda") + ".c2"));
  EXPECT_EQ(Vm().CheckpointLookupByName("c2")->GetParent()->name(), "c1");
}

// libvirt 9 allows a checkpoint's deletion while a backup runs (the backup's async job
// admits VIR_JOB_MODIFY; qemuCheckpointDelete has no backup check): the backup works on a
// copy of the bitmaps it started from, so deleting the checkpoint it is incremental from
// changes nothing in the export, and the new checkpoint takes over what c1 recorded.
TEST_F(PullBackup, CheckpointsCanBeDeletedWhileABackupRunsAsInLibvirt) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  GuestWrite("vda", 0x21, 1 << 20, 64 << 10, true);
  ASSERT_TRUE(Vm().BackupBegin("<domainbackup mode='pull'><incremental>c1</incremental>" +
                                   UnixServer() +
                                   "<disks><disk name='vda' type='file'/></disks></domainbackup>",
                               "<domaincheckpoint><name>c2</name></domaincheckpoint>"));
  auto c1 = Vm().CheckpointLookupByName("c1");
  ASSERT_TRUE(c1) << c1.error().Text();
  Status deleted = c1->Delete();
  ASSERT_TRUE(deleted) << deleted.error().Text();
  EXPECT_EQ(Dirty(NbdUri("vda"), "backup-vda"), (std::vector<Extent>{{1 << 20, 64 << 10}}));
  EXPECT_EQ(Compare(Expected("vda"), Read(NbdUri("vda"), "vda"), "raw"), "Images are identical.");
  ASSERT_TRUE(Vm().AbortJob());
  auto c2 = Vm().CheckpointLookupByName("c2");
  ASSERT_TRUE(c2) << c2.error().Text();
  EXPECT_FALSE(c2->GetParent());
}

// Since an older checkpoint (c1, with c2 and c3 after it): the bitmap context holds every
// write since c1, including those before c2 and c3 were made, and nothing from before c1.
TEST_F(PullBackup, IncrementalSinceAnOlderCheckpointCarriesEveryWriteSinceIt) {
  GuestWrite("vda", 0x40, 48 << 20, 64 << 10, true);  // before c1: not in the map
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  GuestWrite("vda", 0x41, 4 << 20, 64 << 10, true);
  ASSERT_TRUE(Vm().CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>"));
  GuestWrite("vda", 0x42, 16 << 20, 192 << 10, true);
  ASSERT_TRUE(Vm().CheckpointCreateXml("<domaincheckpoint><name>c3</name></domaincheckpoint>"));
  GuestWrite("vda", 0x43, 60 << 20, 64 << 10, true);
  ASSERT_TRUE(Vm().BackupBegin("<domainbackup mode='pull'><incremental>c1</incremental>" +
                               UnixServer() +
                               "<disks><disk name='vda' type='file'/></disks></domainbackup>"));
  GuestWrite("vda", 0x44, 8 << 20, 64 << 10, false);  // after the start: in neither
  EXPECT_EQ(
      Dirty(NbdUri("vda"), "backup-vda"),
      (std::vector<Extent>{{4 << 20, 64 << 10}, {16 << 20, 192 << 10}, {60 << 20, 64 << 10}}));
  EXPECT_EQ(Compare(Expected("vda"), Read(NbdUri("vda"), "vda"), "raw"), "Images are identical.");
  ASSERT_TRUE(Vm().AbortJob());
}

TEST_F(PullBackup, ExportNameAndBitmapNameAreTheUsers) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  GuestWrite("vdb", 0x31, 0, 64 << 10, true);
  ASSERT_TRUE(Vm().BackupBegin(
      "<domainbackup mode='pull'>" + UnixServer() +
      "<disks><disk name='vdb' backupmode='incremental' incremental='c1' exportname='second' "
      "exportbitmap='changes'/></disks></domainbackup>"));
  EXPECT_EQ(Dirty(NbdUri("second"), "changes"), (std::vector<Extent>{{0, 64 << 10}}));
  ASSERT_TRUE(Vm().AbortJob());
}

TEST_F(PullBackup, LoopbackTcpGetsAFreePortWhenNoneIsGiven) {
  Status begun = dom_->BackupBegin(
      "<domainbackup mode='pull'><server name='localhost'/><disks><disk "
      "name='vda'/></disks></domainbackup>");
  ASSERT_TRUE(begun) << begun.error().Text();
  auto xml = Vm().BackupGetXmlDesc();
  ASSERT_TRUE(xml) << xml.error().Text();
  auto at = xml->find("<server transport='tcp' name='localhost' port='");
  ASSERT_NE(at, std::string::npos) << *xml;
  std::string port = xml->substr(at + 47, xml->find('\'', at + 47) - at - 47);
  EXPECT_GE(std::stoi(port), 10809);
  EXPECT_EQ(Compare(Expected("vda"), Read("nbd://localhost:" + port + "/vda", "vda"), "raw"),
            "Images are identical.");
  ASSERT_TRUE(Vm().AbortJob());
}

TEST_F(PullBackup, PullWithoutServerIsRefusedByTheSchemaAsInLibvirt) {
  Status begun = dom_->BackupBegin(
      "<domainbackup mode='pull'><disks><disk name='vda'/></disks></domainbackup>");
  ASSERT_FALSE(begun);
  EXPECT_EQ(begun.error().code(), ErrorCode::kXmlInvalidSchema);
  EXPECT_EQ(Vm().GetJobStats()->type, JobType::kNone);
}

// tls='yes' needs the daemon's x509 directory (cairnd.conf tls_x509_cert_dir; the TLS export
// itself: tests/daemon/python_sandboxed_tls_backup.py); without one, libvirt's refusal.
TEST_F(PullBackup, TlsWithoutACertificateDirectoryIsRefusedAsInLibvirt) {
  Status begun = dom_->BackupBegin(
      "<domainbackup mode='pull'><server transport='tcp' name='localhost' tls='yes'/>"
      "<disks><disk name='vda'/></disks></domainbackup>");
  ASSERT_FALSE(begun);
  EXPECT_EQ(begun.error().code(), ErrorCode::kOperationInvalid);
  EXPECT_EQ(begun.error().detail(), "backup TLS directory not configured");
  EXPECT_EQ(Vm().GetJobStats()->type, JobType::kNone);
}

TEST_F(PullBackup, OneBackupPerDomain) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup mode='pull'>" + UnixServer() +
                                "<disks><disk name='vda'/></disks></domainbackup>"));
  Status second = Vm().BackupBegin("<domainbackup/>");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().Text(),
            "Requested operation is not valid: another backup job is already running");
  ASSERT_TRUE(Vm().AbortJob());
}

TEST_F(PullBackup, ScratchTheUserSuppliedIsKept) {
  Run({"qemu-img", "create", "-q", "-f", "qcow2", Path("mine.qcow2"), std::to_string(kDiskSize)});
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup mode='pull'>" + UnixServer() +
                                    "<disks><disk name='vda' type='file'><scratch file='" +
                                    Path("mine.qcow2") + "'/></disk></disks></domainbackup>",
                                {}, BackupBeginFlags::kReuseExternal));
  EXPECT_EQ(Compare(Expected("vda"), Read(NbdUri("vda"), "vda"), "raw"), "Images are identical.");
  ASSERT_TRUE(Vm().AbortJob());
  EXPECT_TRUE(Exists(Path("mine.qcow2")));
}

TEST_F(PullBackup, AnotherProcessSeesAndEndsTheJob) {
  ASSERT_TRUE(dom_->BackupBegin("<domainbackup mode='pull'>" + UnixServer() +
                                "<disks><disk name='vda'/></disks></domainbackup>"));
  // A connection of its own, as `cairn domjobabort` in another process would open.
  auto other = Connection::Open(Uri(), true);
  ASSERT_TRUE(other);
  auto ro = other->LookupDomainByName("vm1");
  EXPECT_EQ(ro->GetJobStats()->type, JobType::kUnbounded);
  EXPECT_TRUE(ro->BackupGetXmlDesc());
  EXPECT_EQ(ro->AbortJob().error().code(), ErrorCode::kOperationDenied);
  ASSERT_TRUE(Open().LookupDomainByName("vm1")->AbortJob());
  EXPECT_EQ(ro->GetJobStats()->type, JobType::kNone);
}

}  // namespace
}  // namespace cairn::test
