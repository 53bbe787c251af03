// What a backup may write to and remove, on real QEMU: a type='block' store is a block device
// or the backup is refused before anything touches it; a created file store is never made over
// an existing file or through a symbolic link; a pull backup's unix socket path must be free,
// and the job's end removes only the socket QEMU made there.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <fstream>
#include <sstream>

#include "backup_fixture.hpp"

namespace cairn::test {
namespace {

class BackupStoreSafety : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    if (HasFatalFailure()) return;
    WriteOffline("vda", 0xab, 0, 1 << 20);
    StartVm();
  }

  static std::string BlockDisk(const std::string& dev, const std::string& format) {
    return "<domainbackup><disks><disk name='vda' type='block'><driver type='" + format +
           "'/><target dev='" + dev + "'/></disk><disk name='vdb' backup='no'/></disks>" +
           "</domainbackup>";
  }
  static std::string FileDisk(const std::string& file) {
    return "<domainbackup><disks>" + PushDisk("vda", file, "qcow2") +
           "<disk name='vdb' backup='no'/></disks></domainbackup>";
  }

  void WriteText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  static std::string ReadText(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  void ExpectRefused(const Status& s, const std::string& detail) {
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArg);
    EXPECT_EQ(s.error().detail(), detail);
    auto job = Vm().GetJobStats();
    ASSERT_TRUE(job) << job.error().Text();
    EXPECT_EQ(job->type, JobType::kNone);
  }

  std::string Socket() const { return Path("nbd.sock"); }
  std::string PullXml() const {
    return "<domainbackup mode='pull'><server transport='unix' socket='" + Socket() +
           "'/><disks><disk name='vda'/><disk name='vdb' backup='no'/></disks></domainbackup>";
  }
};

TEST_F(BackupStoreSafety, ABlockStoreThatIsARegularFileIsRefusedAndLeftAlone) {
  WriteText(Path("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  for (const char* format : {"qcow2", "raw"}) {
    ExpectRefused(dom_->BackupBegin(BlockDisk(Path("passwd"), format)),
                  "store '" + Path("passwd") + "' for backup of 'vda' is not a block device");
    ExpectRefused(
        dom_->BackupBegin(BlockDisk(Path("passwd"), format), {}, BackupBeginFlags::kReuseExternal),
        "store '" + Path("passwd") + "' for backup of 'vda' is not a block device");
  }
  EXPECT_EQ(ReadText(Path("passwd")), "root:x:0:0:root:/root:/bin/sh\n");
}

TEST_F(BackupStoreSafety, ABlockStoreLinkIsFollowedToWhatItNames) {
  WriteText(Path("victim"), "precious\n");
  std::filesystem::create_symlink(Path("victim"), Path("link"));
  ExpectRefused(dom_->BackupBegin(BlockDisk(Path("link"), "qcow2")),
                "store '" + Path("link") + "' for backup of 'vda' is not a block device");
  EXPECT_EQ(ReadText(Path("victim")), "precious\n");
  std::filesystem::create_symlink(Path("nowhere"), Path("dangling"));
  ExpectRefused(dom_->BackupBegin(BlockDisk(Path("dangling"), "qcow2")),
                "store '" + Path("dangling") + "' for backup of 'vda' does not exist");
  EXPECT_FALSE(std::filesystem::exists(Path("nowhere")));
}

TEST_F(BackupStoreSafety, ABlockStoreThatIsACharacterDeviceOrMissingIsRefused) {
  ExpectRefused(dom_->BackupBegin(BlockDisk("/dev/null", "raw")),
                "store '/dev/null' for backup of 'vda' is not a block device");
  ExpectRefused(dom_->BackupBegin(BlockDisk(Path("none"), "raw")),
                "store '" + Path("none") + "' for backup of 'vda' does not exist");
  EXPECT_FALSE(Exists(Path("none")));
}

TEST_F(BackupStoreSafety, ABlockDeviceStoreGetsTheBackup) {
  Run({"qemu-img", "create", "-q", "-f", "raw", Path("loop.img"), std::to_string(kDiskSize)});
  auto loop = util::RunCommand({"losetup", "--find", "--show", Path("loop.img")});
  if (!loop || !loop->status.Success()) GTEST_SKIP() << "no loop device here";
  std::string dev = loop->out.substr(0, loop->out.find('\n'));
  ASSERT_TRUE(dom_->BackupBegin(BlockDisk(dev, "raw")));
  EXPECT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  EXPECT_EQ(Compare(Expected("vda"), dev, "raw"), "Images are identical.");
  Run({"losetup", "-d", dev});
}

TEST_F(BackupStoreSafety, AFileStoreIsNeverCreatedThroughALink) {
  std::filesystem::create_symlink(Path("elsewhere"), Path("dangling"));
  ExpectRefused(dom_->BackupBegin(FileDisk(Path("dangling"))),
                "store '" + Path("dangling") + "' for backup of 'vda' is a dangling symbolic link");
  EXPECT_FALSE(std::filesystem::exists(Path("elsewhere")));
  EXPECT_TRUE(std::filesystem::is_symlink(Path("dangling")));

  WriteText(Path("victim"), "precious\n");
  std::filesystem::create_symlink(Path("victim"), Path("link"));
  ExpectRefused(dom_->BackupBegin(FileDisk(Path("link"))),
                "store '" + Path("link") + "' for backup of 'vda' exists");
  EXPECT_EQ(ReadText(Path("victim")), "precious\n");
}

TEST_F(BackupStoreSafety, APullSocketPathInUseIsRefusedAndKept) {
  WriteText(Socket(), "not a socket\n");
  ExpectRefused(dom_->BackupBegin(PullXml()),
                "NBD server socket '" + Socket() + "' already exists");
  EXPECT_EQ(ReadText(Socket()), "not a socket\n");
  std::filesystem::remove(Socket());
  std::filesystem::create_symlink(Path("elsewhere"), Socket());
  ExpectRefused(dom_->BackupBegin(PullXml()),
                "NBD server socket '" + Socket() + "' already exists");
  EXPECT_TRUE(std::filesystem::is_symlink(Socket()));
}

TEST_F(BackupStoreSafety, TheJobsEndRemovesItsSocketButNotAFilePutInItsPlace) {
  ASSERT_TRUE(dom_->BackupBegin(PullXml()));
  EXPECT_TRUE(std::filesystem::is_socket(Socket()));
  ASSERT_TRUE(Vm().AbortJob());
  EXPECT_FALSE(Exists(Socket()));

  ASSERT_TRUE(Vm().BackupBegin(PullXml()));
  std::filesystem::remove(Socket());
  WriteText(Socket(), "someone else's\n");
  ASSERT_TRUE(Vm().AbortJob());
  EXPECT_EQ(ReadText(Socket()), "someone else's\n");
}

}  // namespace
}  // namespace cairn::test
