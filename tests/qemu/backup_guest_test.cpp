// Backups of a real guest writing to real disks, checked byte for byte (issue 6, item 6):
// the guest writes pattern A, a full push backup takes checkpoint c1; while a pull backup
// since c1 runs the guest overwrites part of A with B, and the export read with libnbd still
// shows A, with exactly the blocks changed before the pull as its dirty bitmap; the guest
// writes C, an incremental push since c1 takes checkpoint c2, and full + incremental rebuild
// the disk as it was at c2 (`qemu-img compare` against the guest's own disk and against the
// bytes the test knows it wrote); an incremental since c1 taken after c2 exists works too,
// and so does the chain full + since-c1 + since-c2.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "guest_domain.hpp"
#include "nbd_export.hpp"
#include "util/unique_fd.hpp"

namespace cairn::test {
namespace {

constexpr std::uint64_t kKiB = 1024;

class GuestBackups : public GuestDomainTest {
 protected:
  void SetUp() override {
    GuestDomainTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    for (const char* disk : {"vda", "vdb"}) {
      expected_[disk] = std::string(kDiskSize, '\0');
    }
  }

  // The guest writes pattern `seed` at [offset, offset + length) of `disk`; the test records
  // the same bytes in its picture of the disk.
  void Write(const std::string& disk, std::uint64_t offset, std::uint64_t length,
             std::uint32_t seed) {
    ASSERT_TRUE(console_->WritePattern(disk, offset, length, seed));
    expected_[disk].replace(offset, length, GuestPattern(seed, offset, length));
  }

  // The test's picture of `disk` now, as a raw image file named `name`.
  std::string ExpectedImage(const std::string& disk, const std::string& name) {
    std::string path = Path(name);
    util::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    EXPECT_TRUE(fd) << path;
    const std::string& bytes = expected_[disk];
    EXPECT_EQ(::pwrite(fd.get(), bytes.data(), bytes.size(), 0),
              static_cast<ssize_t>(bytes.size()));
    return path;
  }

  void Run(const std::vector<std::string>& argv) {
    auto out = util::RunCommand(argv);
    ASSERT_TRUE(out) << out.error().Text();
    ASSERT_TRUE(out->status.Success()) << argv[0] << ": " << out->err << out->out;
  }

  // qemu-img compare's verdict ("Images are identical." or what differs). -U: `b` may be the
  // running guest's disk; every guest write was fsync'ed, so QEMU has written it out.
  std::string Compare(const std::string& a, const std::string& a_format, const std::string& b,
                      const std::string& b_format) {
    auto out =
        util::RunCommand({"qemu-img", "compare", "-U", "-f", a_format, "-F", b_format, a, b});
    if (!out) return out.error().Text();
    std::string text = out->out + out->err;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  // Makes backup `name` of `disk` read through the backups it was taken on top of, oldest
  // first (`chain` = {"full", "inc1", "inc3"}: inc3 over inc1 over full), and returns it.
  std::string Rebuilt(const std::string& disk, const std::vector<std::string>& chain) {
    for (std::size_t i = 1; i < chain.size(); ++i) {
      Run({"qemu-img", "rebase", "-u", "-f", "qcow2", "-b", Target(disk, chain[i - 1]), "-F",
           "qcow2", Target(disk, chain[i])});
    }
    return Target(disk, chain.back());
  }

  std::string Target(const std::string& disk, const std::string& backup) const {
    return Path(disk + "." + backup + ".qcow2");
  }

  // A push backup of both disks to new qcow2 files `<disk>.<name>.qcow2`.
  std::string PushXml(const std::string& name, const std::string& since = {}) const {
    std::string xml = "<domainbackup>";
    if (!since.empty()) xml += "<incremental>" + since + "</incremental>";
    xml += "<disks>";
    for (const char* disk : {"vda", "vdb"}) {
      xml += fmt::format(
          "<disk name='{}' type='file'><driver type='qcow2'/><target file='{}'/></disk>", disk,
          Target(disk, name));
    }
    return xml + "</disks></domainbackup>";
  }

  // Polls the job (which is what finishes it) until there is none; returns how it ended.
  JobStats WaitForJobEnd() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      auto s = Dom().GetJobStats();
      EXPECT_TRUE(s) << s.error().Text();
      if (!s) return {};
      if (s->type == JobType::kNone) {
        auto done = Dom().GetJobStats(JobStatsFlags::kCompleted);
        EXPECT_TRUE(done) << done.error().Text();
        return done ? *done : JobStats{};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "backup job did not end in time";
    return {};
  }

  void PushBackup(const std::string& name, const std::string& since, const std::string& checkpoint,
                  std::uint64_t expected_bytes) {
    const std::string checkpoint_xml =
        "<domaincheckpoint><name>" + checkpoint + "</name></domaincheckpoint>";
    // A null checkpoint document (not an empty one) means "no checkpoint".
    auto begun = Dom().BackupBegin(PushXml(name, since), checkpoint.empty()
                                                             ? std::string_view()
                                                             : std::string_view(checkpoint_xml));
    ASSERT_TRUE(begun) << begun.error().Text();
    JobStats done = WaitForJobEnd();
    ASSERT_EQ(done.type, JobType::kCompleted) << done.errmsg.value_or("");
    EXPECT_EQ(done.disk_total, expected_bytes) << name;
  }

  std::map<std::string, std::string> expected_;  // disk -> every byte the guest should read
};

TEST_F(GuestBackups, FullPullAndIncrementalsRebuildTheDiskAtEachCheckpointByteForByte) {
  // Pattern A, then a full backup that starts checkpoint c1.
  Write("vda", 0, 512 * kKiB, 11);
  Write("vdb", 1 * kMiB, 2 * kMiB, 1);
  Write("vdb", 40 * kMiB, 512 * kKiB, 1);
  PushBackup("full", "", "c1", 2 * kDiskSize);
  for (const char* disk : {"vda", "vdb"}) {
    EXPECT_EQ(Compare(ExpectedImage(disk, std::string(disk) + ".at-c1.raw"), "raw",
                      Target(disk, "full"), "qcow2"),
              "Images are identical.")
        << disk;
  }

  // A change before the pull backup starts: the only dirty blocks its export reports.
  Write("vdb", 20 * kMiB, 256 * kKiB, 2);
  const std::string at_pull = expected_["vdb"];
  ASSERT_TRUE(Dom().BackupBegin(
      fmt::format("<domainbackup mode='pull'><incremental>c1</incremental>"
                  "<server transport='unix' socket='{}'/><disks><disk name='vda' backup='no'/>"
                  "<disk name='vdb' type='file'><scratch file='{}'/></disk></disks></domainbackup>",
                  Path("nbd.sock"), Path("vdb.scratch"))));
  {
    auto nbd = NbdExport::Connect(Path("nbd.sock"), "vdb", "backup-vdb");
    ASSERT_TRUE(nbd) << nbd.error().Text();
    ASSERT_EQ(nbd->size(), kDiskSize);
    const std::vector<NbdExport::Extent> changed = {{20 * kMiB, 256 * kKiB}};
    EXPECT_EQ(nbd->Dirty(), changed);

    // Pattern B over half of A while the export is open: the export still shows A.
    Write("vdb", 1 * kMiB, 1 * kMiB, 3);
    auto region = nbd->Read(1 * kMiB, 2 * kMiB);
    ASSERT_TRUE(region) << region.error().Text();
    EXPECT_TRUE(*region == GuestPattern(1, 1 * kMiB, 2 * kMiB)) << "the export shows B, not A";
    auto whole = nbd->Read(0, kDiskSize);
    ASSERT_TRUE(whole) << whole.error().Text();
    EXPECT_TRUE(*whole == at_pull) << "the export is not the disk at the start of the backup";
    EXPECT_EQ(nbd->Dirty(), changed) << "B leaked into the backup's dirty bitmap";
  }
  auto live = Dom().GetJobStats();
  ASSERT_TRUE(live) << live.error().Text();
  EXPECT_EQ(live->disk_temp_used, 1 * kMiB) << "scratch holds A where the guest wrote B";
  ASSERT_TRUE(Dom().AbortJob());
  EXPECT_EQ(WaitForJobEnd().type, JobType::kCompleted);
  EXPECT_FALSE(std::filesystem::exists(Path("vdb.scratch")));

  // Pattern C, then an incremental since c1 that starts checkpoint c2: it holds every
  // cluster changed since c1 (before, during and after the pull), nothing else.
  Write("vdb", 48 * kMiB, 1 * kMiB, 4);
  Write("vda", 8 * kMiB, 64 * kKiB, 12);
  PushBackup("inc1", "c1", "c2", (256 + 1024 + 1024 + 64) * kKiB);
  for (const char* disk : {"vda", "vdb"}) {
    std::string rebuilt = Rebuilt(disk, {"full", "inc1"});
    EXPECT_EQ(Compare(rebuilt, "qcow2", Image(disk), "qcow2"), "Images are identical.")
        << disk << ": full + inc1 against the guest's disk at c2";
    EXPECT_EQ(
        Compare(ExpectedImage(disk, std::string(disk) + ".at-c2.raw"), "raw", rebuilt, "qcow2"),
        "Images are identical.")
        << disk << ": full + inc1 against what the guest wrote";
  }

  // After c2: an incremental since c1 still works (and includes what came before c2), and
  // one since c2 holds only what came after it.
  Write("vdb", 60 * kMiB, 128 * kKiB, 5);
  PushBackup("inc2", "c1", "", (256 + 1024 + 1024 + 64 + 128) * kKiB);
  PushBackup("inc3", "c2", "", 128 * kKiB);
  ASSERT_TRUE(Dom().Destroy());
  for (const char* disk : {"vda", "vdb"}) {
    const std::string now = ExpectedImage(disk, std::string(disk) + ".now.raw");
    EXPECT_EQ(Compare(now, "raw", Image(disk), "qcow2"), "Images are identical.") << disk;
    EXPECT_EQ(Compare(now, "raw", Rebuilt(disk, {"full", "inc2"}), "qcow2"),
              "Images are identical.")
        << disk << ": full + incremental since c1, taken after c2";
    EXPECT_EQ(Compare(now, "raw", Rebuilt(disk, {"full", "inc1", "inc3"}), "qcow2"),
              "Images are identical.")
        << disk << ": full + since c1 + since c2";
  }
}

}  // namespace
}  // namespace cairn::test
