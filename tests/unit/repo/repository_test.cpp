// Repository: init/open with and without a key, deduplicated chunks, and backups that exist
// only once committed.
#include "support/repository_keys.hpp"
#include "repo/repository.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "repo/directory_store.hpp"
#include "util/temp_dir.hpp"

namespace cairn::repo {
namespace {

using cairn::testing::TestKey;

class RepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = util::TempDir::Create("cairn-repo-test");
    ASSERT_TRUE(dir);
    dir_.emplace(std::move(*dir));
  }
  std::filesystem::path Root() const { return dir_->path() / "repo"; }

  BackupManifest Manifest(const std::string& id, const std::string& index) {
    BackupManifest m;
    m.id = id;
    m.domain_name = "vm1";
    m.domain_uuid = "6695eb01-f6a4-8304-79aa-97f2502e193f";
    m.level = "full";
    m.checkpoint = "c1";
    m.domain_xml = "<domain/>";
    m.checkpoint_xml = "<domaincheckpoint/>";
    DiskRecord d;
    d.name = "vda";
    d.format = "qcow2";
    d.size = 8192;
    d.index = index;
    m.disks.push_back(d);
    return m;
  }

  std::optional<util::TempDir> dir_;
};

TEST_F(RepositoryTest, InitCreatesAPrivateDirectoryAndOpenReadsItsConfig) {
  InitOptions options;
  options.chunk_size = 4096;
  ASSERT_TRUE(Repository::InitDirectory(Root(), options));
  struct stat st {};
  ASSERT_EQ(stat(Root().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  Result<Repository> repo = Repository::OpenDirectory(Root(), std::nullopt);
  ASSERT_TRUE(repo) << repo.error().Text();
  EXPECT_EQ(repo->chunk_size(), 4096u);
  EXPECT_FALSE(repo->encrypted());
}

TEST_F(RepositoryTest, InitTwiceIsRefused) {
  ASSERT_TRUE(Repository::InitDirectory(Root(), {}));
  Result<Repository> again = Repository::InitDirectory(Root(), {});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kOperationInvalid);
}

TEST_F(RepositoryTest, OpeningADirectoryWithoutARepositorySaysHowToMakeOne) {
  std::filesystem::create_directory(Root());
  Result<Repository> repo = Repository::OpenDirectory(Root(), std::nullopt);
  ASSERT_FALSE(repo);
  EXPECT_NE(repo.error().detail().find("init"), std::string::npos) << repo.error().Text();
}

TEST_F(RepositoryTest, AnEncryptedRepositoryNeedsItsOwnKey) {
  InitOptions options;
  options.key = TestKey(1);
  ASSERT_TRUE(Repository::InitDirectory(Root(), options));
  Result<Repository> none = Repository::OpenDirectory(Root(), std::nullopt);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kOperationInvalid);
  Result<Repository> wrong = Repository::OpenDirectory(Root(), TestKey(2));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), ErrorCode::kAuthFailed);
  EXPECT_TRUE(Repository::OpenDirectory(Root(), TestKey(1)));
}

TEST_F(RepositoryTest, ABadChunkSizeIsRefused) {
  InitOptions options;
  options.chunk_size = 5000;
  Result<Repository> repo = Repository::InitDirectory(Root(), options);
  ASSERT_FALSE(repo);
  EXPECT_EQ(repo.error().code(), ErrorCode::kInvalidArg);
}

TEST_F(RepositoryTest, TheSameChunkIsStoredOnce) {
  Result<Repository> repo = Repository::InitDirectory(Root(), {});
  ASSERT_TRUE(repo);
  Result<StoredChunk> first = repo->PutChunk("block of data");
  Result<StoredChunk> second = repo->PutChunk("block of data");
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first->created);
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->stored_bytes, 0u);
  EXPECT_EQ(first->id, second->id);
  ASSERT_TRUE(repo->WriteOpenPacks());
  EXPECT_EQ(*repo->GetChunk(first->id), "block of data");
  EXPECT_EQ(repo->ListChunks()->size(), 1u);
}

TEST_F(RepositoryTest, AChunkWhoseBytesChangedInItsPackIsReportedDamaged) {
  {
    Result<Repository> repo = Repository::InitDirectory(Root(), {});
    ASSERT_TRUE(repo->PutChunk("original data, original data, original data"));
    ASSERT_TRUE(repo->WriteOpenPacks());
  }
  const std::vector<std::string> packs = *DirectoryStore::Open(Root()).value()->List("packs");
  ASSERT_EQ(packs.size(), 1u);
  const std::filesystem::path file = Root() / packs.front();
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[10] ^= 0x55;  // inside the first frame
  std::filesystem::remove(file);
  std::ofstream(file, std::ios::binary) << bytes;
  Result<Repository> repo = Repository::OpenDirectory(Root(), std::nullopt);
  Result<std::string> got =
      repo->GetChunk(repo->ChunkIdOf("original data, original data, original data"));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::kOperationFailed);
  EXPECT_NE(got.error().detail().find(packs.front()), std::string::npos) << got.error().Text();
}

TEST_F(RepositoryTest, ABackupIsVisibleOnlyOnceCommitted) {
  Result<Repository> repo = Repository::InitDirectory(Root(), {});
  ASSERT_TRUE(repo);
  const std::string id = Repository::NewBackupId(1'765'000'000'000);
  DiskIndex index(8192, 4096);
  index.set_slot(0, repo->PutChunk("data")->id);
  Result<std::string> index_name = repo->PutIndex(id, "vda", index);
  ASSERT_TRUE(index_name) << index_name.error().Text();
  EXPECT_TRUE(repo->ListBackups()->empty());
  ASSERT_TRUE(repo->Commit(Manifest(id, *index_name)));
  Result<std::vector<BackupManifest>> all = repo->ListBackups("vm1");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].id, id);
  Result<DiskIndex> back = repo->GetIndex((*all)[0].disks[0].index);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->slot(0), index.slot(0));
  EXPECT_TRUE(repo->ListBackups("other-vm")->empty());
}

TEST_F(RepositoryTest, ABackupReopensUnderItsKeyAndDeletesManifestFirst) {
  InitOptions options;
  options.key = TestKey(3);
  options.chunk_size = 4096;
  {
    Result<Repository> repo = Repository::InitDirectory(Root(), options);
    const std::string id = Repository::NewBackupId(1'765'000'000'000);
    Result<std::string> index_name = repo->PutIndex(id, "vda", DiskIndex(8192, 4096));
    ASSERT_TRUE(repo->Commit(Manifest(id, *index_name)));
  }
  Result<Repository> repo = Repository::OpenDirectory(Root(), TestKey(3));
  ASSERT_TRUE(repo);
  Result<std::vector<BackupManifest>> all = repo->ListBackups();
  ASSERT_TRUE(all && all->size() == 1);
  EXPECT_EQ((*all)[0].domain_xml, "<domain/>");
  ASSERT_TRUE(repo->DeleteBackup((*all)[0]));
  EXPECT_TRUE(repo->ListBackups()->empty());
  EXPECT_FALSE(*repo->store().Exists((*all)[0].disks[0].index));
}

TEST_F(RepositoryTest, TheLatestVerificationOfEachBackupCountsAndGoesWithTheBackup) {
  InitOptions options;
  options.key = TestKey(4);
  options.chunk_size = 4096;
  Result<Repository> repo = Repository::InitDirectory(Root(), options);
  ASSERT_TRUE(repo);
  const std::string a = Repository::NewBackupId(1'765'000'000'000);
  const std::string b = Repository::NewBackupId(1'765'000'000'001);
  for (const std::string& id : {a, b}) {
    Result<std::string> index_name = repo->PutIndex(id, "vda", DiskIndex(8192, 4096));
    ASSERT_TRUE(repo->Commit(Manifest(id, *index_name)));
  }
  ASSERT_TRUE(repo->RecordVerifications({{a, 2000, true, 0}}));
  ASSERT_TRUE(repo->RecordVerifications({{a, 3000, false, 2}}));  // damaged since
  ASSERT_TRUE(repo->RecordVerifications({{b, 2500, true, 0}}));
  Result<std::map<std::string, VerificationRecord>> latest = repo->LatestVerifications();
  ASSERT_TRUE(latest) << latest.error().Text();
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_FALSE(latest->at(a).ok);
  EXPECT_EQ(latest->at(a).problems, 2u);
  EXPECT_EQ(latest->at(a).verified_ms, 3000);
  EXPECT_TRUE(latest->at(b).ok);

  Result<std::vector<BackupManifest>> all = repo->ListBackups();
  ASSERT_TRUE(repo->DeleteBackup((*all)[0]));
  latest = repo->LatestVerifications();
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->count(a), 0u);
  EXPECT_EQ(latest->count(b), 1u);
}

TEST_F(RepositoryTest, BackupIdsSortByTimeToTheMillisecond) {
  std::string a = Repository::NewBackupId(1'765'000'000'000);
  std::string b = Repository::NewBackupId(1'765'000'000'001);  // a millisecond later
  EXPECT_LT(a, b);
  EXPECT_EQ(a.substr(0, 20), "20251206t054640.000z");
}

TEST(ObjectNameComponent, KeepsSafeNamesAndEscapesTheRestInjectively) {
  EXPECT_EQ(ObjectNameComponent("vda"), "vda");
  EXPECT_EQ(ObjectNameComponent("VDA"), "_56_44_41");
  EXPECT_EQ(ObjectNameComponent("_5f"), "_5f5f");
  EXPECT_EQ(ObjectNameComponent(".x"), "_2ex");
  EXPECT_TRUE(IsValidObjectName(ObjectNameComponent("a/b c")));
}

}  // namespace
}  // namespace cairn::repo
