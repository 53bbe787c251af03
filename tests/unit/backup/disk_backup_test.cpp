// BackupDisk and RestoreDisk against real qcow2 images served by qemu-nbd: a full, then an
// incremental after data, zero and trim writes, each restoring byte for byte.
#include "tools/cairn-backup/disk_backup.hpp"

#include <stdlib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "support/qemu_nbd_server.hpp"
#include "tools/cairn-backup/disk_restore.hpp"
#include "util/temp_dir.hpp"

namespace cairn::backup {
namespace {

using cairn::testing::QemuNbdServer;
using cairn::testing::RunTool;
constexpr std::uint64_t kSlot = 64 * 1024;

std::string ReadWhole(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class DiskBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = util::TempDir::Create("cairn-disk-backup-test");
    ASSERT_TRUE(dir);
    dir_.emplace(std::move(*dir));
    auto repo = repo::Repository::InitDirectory(Path("repo"), {});
    ASSERT_TRUE(repo) << repo.error().Text();
    repo_.emplace(std::move(*repo));
    image_ = Path("disk.qcow2");
    ASSERT_TRUE(RunTool({"qemu-img", "create", "-q", "-f", "qcow2", image_, "8M"}));
    ASSERT_TRUE(Io("write -P 0xaa 1M 1M"));
    ASSERT_TRUE(Io("write -P 0xcc 6M 64k"));
  }
  std::string Path(const std::string& leaf) const { return (dir_->path() / leaf).string(); }
  ::testing::AssertionResult Io(const std::string& command) {
    return RunTool({"qemu-io", "-f", "qcow2", "-c", command, image_});
  }
  // The image's content as raw bytes.
  std::string Content(const std::string& image) {
    const std::string raw = image + ".raw";
    EXPECT_TRUE(RunTool({"qemu-img", "convert", "-O", "raw", image, raw}));
    std::string bytes = ReadWhole(raw);
    std::filesystem::remove(raw);
    return bytes;
  }
  // Restores `index` as nbdkit's plugin serves it: stored first, as a committed run stores it.
  Result<RestoreTotals> Restore(const repo::DiskIndex& index, const std::string& target,
                                ImageFormat format, std::string digest = "") {
    const std::string id = fmt::format("20261201t000000.000z-{:08x}", ++restores_);
    Result<std::string> object = repo_->PutIndex(id, "vda", index);
    if (!object) return std::unexpected(object.error());
    repo::DiskRecord disk;
    disk.name = "vda";
    disk.index = *object;
    disk.sha256 = digest.empty() ? repo::DiskDigest(index) : digest;
    return RestoreDisk(ServedDisk{CAIRN_NBDKIT_PLUGIN, Path("repo"), "", disk}, index, target,
                       format);
  }
  Result<DiskBackupResult> Backup(const repo::DiskIndex* previous, const std::string& bitmap) {
    QemuNbdServer server(image_, Path("nbd.sock"), bitmap);
    DiskSource source{server.Uri(), std::nullopt};
    if (!bitmap.empty()) source.dirty_bitmap = bitmap;
    Result<DiskBackupResult> r =
        BackupDisk(*repo_, source, previous, {.reads_in_flight = 8, .threads = 2});
    if (Status ok = repo_->WriteOpenPacks(); !ok) return std::unexpected(ok.error());
    return r;
  }

  std::optional<util::TempDir> dir_;
  std::optional<repo::Repository> repo_;
  std::string image_;
  int restores_ = 0;
};

TEST_F(DiskBackupTest, AFullBackupReadsOnlyAllocatedDataAndRestoresByteForByte) {
  const std::string before = Content(image_);
  Result<DiskBackupResult> full = Backup(nullptr, "");
  ASSERT_TRUE(full) << full.error().Text();
  EXPECT_TRUE(full->read_in_full);
  EXPECT_EQ(full->totals.bytes_read, (1 << 20) + kSlot);  // holes are never read
  EXPECT_EQ(full->index.DistinctChunks().size(), 2u);    // 16 equal 0xaa slots, one 0xcc

  const std::string raw = Path("restored.raw");
  auto restored = Restore(full->index, raw, ImageFormat::kRaw);
  ASSERT_TRUE(restored) << restored.error().Text();
  EXPECT_EQ(ReadWhole(raw), before);
  EXPECT_LT(std::filesystem::file_size(raw), 16u << 20);
}

// Slots are read in runs of up to max_read_bytes and each slot of a run is stored as its own
// chunk: runs cut mid-data, ended by a hole, and ending in the disk's short last slot.
TEST_F(DiskBackupTest, SlotsReadInRunsAreStoredOneChunkEach) {
  image_ = Path("odd.qcow2");
  ASSERT_TRUE(RunTool({"qemu-img", "create", "-q", "-f", "qcow2", image_, "1049600"}));  // 1M+1K
  ASSERT_TRUE(Io("write -P 0x11 0 320k"));    // five slots: runs of 3 + 2
  ASSERT_TRUE(Io("write -P 0x22 320k 1k"));   // the sixth slot starts with other bytes
  ASSERT_TRUE(Io("write -P 0x33 960k 65k"));  // the last full slot and the 1 KiB one
  const std::string before = Content(image_);

  QemuNbdServer server(image_, Path("odd.sock"), "");
  Result<DiskBackupResult> full = BackupDisk(
      *repo_, DiskSource{server.Uri(), std::nullopt}, nullptr,
      {.reads_in_flight = 4, .max_read_bytes = 3 * kSlot, .threads = 2});
  ASSERT_TRUE(full) << full.error().Text();
  ASSERT_TRUE(repo_->WriteOpenPacks());
  EXPECT_EQ(full->index.slot_count(), 17u);
  EXPECT_EQ(full->totals.bytes_read, 6 * kSlot + kSlot + 1024);
  // 0x11 x5 share one chunk; the sixth, the last full and the short last slot differ.
  EXPECT_EQ(full->index.DistinctChunks().size(), 4u);
  const std::string raw = Path("odd.raw");
  ASSERT_TRUE(Restore(full->index, raw, ImageFormat::kRaw));
  EXPECT_EQ(ReadWhole(raw), before);
}

TEST_F(DiskBackupTest, AnIncrementalReadsOnlyDirtySlotsAndRecordsZerosAndTrims) {
  Result<DiskBackupResult> full = Backup(nullptr, "");
  ASSERT_TRUE(full) << full.error().Text();
  const std::string at_full = Content(image_);
  ASSERT_TRUE(RunTool({"qemu-img", "bitmap", "--add", image_, "b1"}));
  ASSERT_TRUE(Io("write -P 0xdd 2M 64k"));  // new data
  ASSERT_TRUE(Io("write -z 1M 64k"));       // zeros over old data
  ASSERT_TRUE(Io("discard 6M 64k"));        // a trim
  const std::string at_inc = Content(image_);

  Result<DiskBackupResult> inc = Backup(&full->index, "b1");
  ASSERT_TRUE(inc) << inc.error().Text();
  EXPECT_FALSE(inc->read_in_full) << inc->full_read_reason;
  EXPECT_EQ(inc->totals.bytes_read, kSlot);  // only the new data; zeros and trims unread
  EXPECT_EQ(inc->totals.chunks_new, 1u);

  const std::string qcow2 = Path("inc.qcow2");
  auto restored = Restore(inc->index, qcow2, ImageFormat::kQcow2);
  ASSERT_TRUE(restored) << restored.error().Text();
  EXPECT_EQ(Content(qcow2), at_inc);
  // The full still restores to the disk as it was then.
  const std::string raw = Path("full.raw");
  ASSERT_TRUE(Restore(full->index, raw, ImageFormat::kRaw));
  EXPECT_EQ(ReadWhole(raw), at_full);
}

TEST_F(DiskBackupTest, AnIncrementalWithoutItsBitmapReadsTheDiskInFull) {
  Result<DiskBackupResult> full = Backup(nullptr, "");
  ASSERT_TRUE(full);
  Result<DiskBackupResult> inc = Backup(&full->index, "");  // no bitmap exported
  ASSERT_TRUE(inc);
  EXPECT_TRUE(inc->read_in_full);
  EXPECT_FALSE(inc->full_read_reason.empty());
  EXPECT_EQ(inc->totals.chunks_new, 0u);  // nothing changed: every chunk was already stored
  EXPECT_EQ(inc->totals.bytes_stored, 0u);
}

TEST_F(DiskBackupTest, AChangeTheBitmapMissedIsCaughtAndTheDiskReadInFull) {
  Result<DiskBackupResult> full = Backup(nullptr, "");
  ASSERT_TRUE(full);
  ASSERT_TRUE(RunTool({"qemu-img", "bitmap", "--add", image_, "b1"}));
  // Written while the bitmap is disabled: the change tracker never hears of it.
  ASSERT_TRUE(RunTool({"qemu-img", "bitmap", "--disable", image_, "b1"}));
  ASSERT_TRUE(Io("write -P 0xee 1M 1M"));
  ASSERT_TRUE(RunTool({"qemu-img", "bitmap", "--enable", image_, "b1"}));
  const std::string now = Content(image_);

  Result<DiskBackupResult> inc = Backup(&full->index, "b1");
  ASSERT_TRUE(inc) << inc.error().Text();
  EXPECT_TRUE(inc->change_tracker_failed);
  EXPECT_TRUE(inc->read_in_full);
  EXPECT_NE(inc->full_read_reason.find("CHANGE TRACKING FAILED"), std::string::npos);
  const std::string raw = Path("caught.raw");
  ASSERT_TRUE(Restore(inc->index, raw, ImageFormat::kRaw));
  EXPECT_EQ(ReadWhole(raw), now);
}

TEST_F(DiskBackupTest, AnHonestBitmapPassesTheSampleCheck) {
  Result<DiskBackupResult> full = Backup(nullptr, "");
  ASSERT_TRUE(full);
  ASSERT_TRUE(RunTool({"qemu-img", "bitmap", "--add", image_, "b1"}));
  ASSERT_TRUE(Io("write -P 0xdd 2M 64k"));
  Result<DiskBackupResult> inc = Backup(&full->index, "b1");
  ASSERT_TRUE(inc);
  EXPECT_FALSE(inc->change_tracker_failed);
  EXPECT_FALSE(inc->read_in_full);
  EXPECT_EQ(inc->clean_slots_checked, 17u);  // every clean slot with data: 16 + 1
}

// tmpfs has no O_DIRECT: qemu-img writes through the page cache there instead.
TEST_F(DiskBackupTest, ARestoreOntoTmpfsGoesThroughThePageCache) {
  char dir[] = "/dev/shm/cairn-restore-test-XXXXXX";
  if (!mkdtemp(dir)) GTEST_SKIP() << "no /dev/shm here";
  const std::string qcow2 = std::string(dir) + "/vda.qcow2";
  const std::string before = Content(image_);
  Result<DiskBackupResult> full = Backup(nullptr, "");
  ASSERT_TRUE(full);
  auto restored = Restore(full->index, qcow2, ImageFormat::kQcow2);
  const std::string after = restored ? Content(qcow2) : "";
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(restored) << restored.error().Text();
  EXPECT_EQ(restored->bytes_written, (1 << 20) + kSlot);
  EXPECT_EQ(after, before);
}

TEST_F(DiskBackupTest, RestoreRefusesAnExistingTargetAndAWrongDigest) {
  Result<DiskBackupResult> full = Backup(nullptr, "");
  ASSERT_TRUE(full);
  const std::string raw = Path("exists.raw");
  std::ofstream(raw) << "keep me";
  auto exists = Restore(full->index, raw, ImageFormat::kRaw);
  ASSERT_FALSE(exists);
  EXPECT_EQ(exists.error().code(), ErrorCode::kOperationInvalid);
  EXPECT_EQ(ReadWhole(raw), "keep me");
  // A dangling symlink is a file too: nothing is written through it.
  const std::string link = Path("link.raw");
  std::filesystem::create_symlink(Path("nowhere.raw"), link);
  auto linked = Restore(full->index, link, ImageFormat::kRaw);
  ASSERT_FALSE(linked);
  EXPECT_EQ(linked.error().code(), ErrorCode::kOperationInvalid);
  EXPECT_FALSE(std::filesystem::exists(Path("nowhere.raw")));
  auto wrong = Restore(full->index, Path("x.raw"), ImageFormat::kRaw, std::string(64, '0'));
  ASSERT_FALSE(wrong);
  EXPECT_FALSE(std::filesystem::exists(Path("x.raw")));
}

TEST_F(DiskBackupTest, ADamagedChunkFailsTheRestoreAndLeavesNoImage) {
  Result<DiskBackupResult> full = Backup(nullptr, "");
  ASSERT_TRUE(full);
  // A byte inside the first chunk's frame in the (only) pack.
  std::filesystem::path pack;
  for (const auto& e : std::filesystem::recursive_directory_iterator(Path("repo/packs"))) {
    if (e.is_regular_file()) pack = e.path();
  }
  ASSERT_FALSE(pack.empty());
  std::string bytes = ReadWhole(pack);
  bytes[10] ^= 0x55;
  std::filesystem::remove(pack);
  std::ofstream(pack, std::ios::binary) << bytes;
  auto restored = Restore(full->index, Path("bad.raw"), ImageFormat::kRaw);
  ASSERT_FALSE(restored);
  EXPECT_EQ(restored.error().code(), ErrorCode::kOperationFailed);
  // The plugin's own words, naming the chunk, not qemu-img's bare I/O error.
  EXPECT_THAT(restored.error().Text(), ::testing::ContainsRegex("chunk '[0-9a-f]{64}' .* damaged"));
  EXPECT_FALSE(std::filesystem::exists(Path("bad.raw")));
  for (const auto& e : std::filesystem::directory_iterator(dir_->path())) {
    EXPECT_EQ(e.path().filename().string().find(".partial"), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace cairn::backup
