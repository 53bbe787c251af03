// Prune and gc: exactly the policy's backups stay, each still restores, and the data only the
// removed ones used is deleted.
#include "tools/cairn-backup/repository_cleanup.hpp"

#include <gtest/gtest.h>

#include "support/qemu_nbd_server.hpp"
#include "tools/cairn-backup/disk_backup.hpp"
#include "tools/cairn-backup/disk_restore.hpp"
#include "util/temp_dir.hpp"

namespace cairn::backup {
namespace {

using cairn::testing::QemuNbdServer;
using cairn::testing::RunTool;

class RepositoryCleanupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = util::TempDir::Create("cairn-cleanup-test");
    ASSERT_TRUE(dir);
    dir_.emplace(std::move(*dir));
    auto repo = repo::Repository::InitDirectory(Path("repo"), {});
    ASSERT_TRUE(repo);
    repo_.emplace(std::move(*repo));
    image_ = Path("disk.qcow2");
    ASSERT_TRUE(RunTool({"qemu-img", "create", "-q", "-f", "qcow2", image_, "4M"}));
  }
  std::string Path(const std::string& leaf) const { return (dir_->path() / leaf).string(); }

  // Writes fresh data, backs the disk up in full and commits backup number `n`, `n` days in.
  repo::BackupManifest BackUp(int n) {
    EXPECT_TRUE(RunTool({"qemu-io", "-f", "qcow2", "-c",
                         "write -P " + std::to_string(n + 1) + " 0 256k", image_}));
    QemuNbdServer server(image_, Path("nbd.sock"));
    auto r = BackupDisk(*repo_, DiskSource{server.Uri(), std::nullopt}, nullptr,
                        {.threads = 1});
    EXPECT_TRUE(r) << r.error().Text();
    if (!r) return {};  // the failure is recorded; the caller's checks fail on the empty one
    repo::BackupManifest m;
    m.started_ms = 1'796'085'000'000 + std::int64_t(n) * 86'400'000;
    m.completed_ms = m.started_ms + 1000;
    m.id = repo::Repository::NewBackupId(m.started_ms);
    m.domain_name = "vm";
    m.domain_uuid = "6695eb01-f6a4-8304-79aa-97f2502e193f";
    m.level = "full";
    m.checkpoint = "c" + std::to_string(n);
    repo::DiskRecord d;
    d.name = "vda";
    d.size = r->index.disk_size();
    d.index = *repo_->PutIndex(m.id, "vda", r->index);
    d.sha256 = repo::DiskDigest(r->index);
    m.disks.push_back(d);
    EXPECT_TRUE(repo_->Commit(m));
    return m;
  }

  std::optional<util::TempDir> dir_;
  std::optional<repo::Repository> repo_;
  std::string image_;
};

TEST_F(RepositoryCleanupTest, PruneKeepsThePolicysBackupsAndGcFreesTheRest) {
  std::vector<repo::BackupManifest> made;
  for (int n = 0; n < 4; ++n) made.push_back(BackUp(n));
  const std::size_t chunks_before = repo_->ListChunks()->size();

  auto dry = Prune(*repo_, std::nullopt, {.last = 2}, true);
  ASSERT_TRUE(dry) << dry.error().Text();
  EXPECT_EQ(repo_->ListBackups()->size(), 4u);  // a dry run removes nothing

  auto plan = Prune(*repo_, "vm", {.last = 2}, false);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->size(), 4u);
  auto left = repo_->ListBackups();
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ((*left)[0].id, made[2].id);
  EXPECT_EQ((*left)[1].id, made[3].id);

  auto gc = CollectGarbage(*repo_);
  ASSERT_TRUE(gc) << gc.error().Text();
  EXPECT_EQ(gc->chunks_deleted, 2u);  // the 256 KiB pattern of backups 0 and 1
  EXPECT_EQ(repo_->ListChunks()->size(), chunks_before - 2);
  for (const repo::BackupManifest& m : *left) {
    auto index = repo_->GetIndex(m.disks[0].index);
    ASSERT_TRUE(index);
    auto restored = RestoreDisk(ServedDisk{CAIRN_NBDKIT_PLUGIN, Path("repo"), "", m.disks[0]},
                                *index, Path(m.id + ".raw"), ImageFormat::kRaw);
    EXPECT_TRUE(restored) << restored.error().Text();
  }
}

TEST_F(RepositoryCleanupTest, GcRemovesTheIndexesOfAKilledRunAndKeepsEveryUsedChunk) {
  BackUp(0);
  repo::DiskIndex orphan(4096, repo_->chunk_size());
  ASSERT_TRUE(repo_->PutIndex("20261201t000000.000z-deadbeef", "vda", orphan));
  auto gc = CollectGarbage(*repo_);
  ASSERT_TRUE(gc);
  EXPECT_EQ(gc->indexes_deleted, 1u);
  EXPECT_EQ(gc->chunks_deleted, 0u);
}

TEST_F(RepositoryCleanupTest, GcKeepsTheVerificationsOfKeptBackupsOnly) {
  const repo::BackupManifest kept = BackUp(0);
  const std::string pruned = "20261201t000000.000z-deadbeef";  // a verify raced its prune
  ASSERT_TRUE(repo_->RecordVerifications({{kept.id, 1000, true, 0}, {pruned, 1000, true, 0}}));
  ASSERT_TRUE(CollectGarbage(*repo_));
  auto latest = repo_->LatestVerifications();
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->count(kept.id), 1u);
  EXPECT_EQ(latest->count(pruned), 0u);
}

TEST_F(RepositoryCleanupTest, GcWaitsWhileABackupHoldsTheRepository) {
  auto backup = repo_->Lock(repo::LockMode::kShared, true);
  ASSERT_TRUE(backup);
  auto gc_alone = repo_->Lock(repo::LockMode::kExclusive, false);
  ASSERT_FALSE(gc_alone);
  EXPECT_EQ(gc_alone.error().code(), ErrorCode::kResourceBusy);
  EXPECT_TRUE(repo_->Lock(repo::LockMode::kShared, false));  // prunes and backups share
}

TEST_F(RepositoryCleanupTest, PruneWithoutAPolicyIsRefused) {
  auto plan = Prune(*repo_, std::nullopt, {}, false);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code(), ErrorCode::kInvalidArg);
}

}  // namespace
}  // namespace cairn::backup
