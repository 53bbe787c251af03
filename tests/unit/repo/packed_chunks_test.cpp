// PackedChunks: chunks written into packs read back after a fresh load, a killed run's packs
// collected, a rewrite keeps exactly the named chunks, an encrypted pack refuses a chunk
// moved to another offset or pack, and a format-1 repository's chunk objects still read.
#include "repo/packed_chunks.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "repo/directory_store.hpp"
#include "repo/repository.hpp"
#include "support/repository_keys.hpp"
#include "util/temp_dir.hpp"

namespace cairn::repo {
namespace {

using cairn::testing::TestKey;

std::string ReadWhole(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteWhole(const std::filesystem::path& p, const std::string& bytes) {
  std::filesystem::remove(p);
  std::ofstream(p, std::ios::binary) << bytes;
}

// `n` distinct, incompressible chunks of `size` bytes (equal sizes make equal frame sizes).
std::vector<std::string> RandomChunks(int n, std::size_t size, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> out(n, std::string(size, '\0'));
  for (std::string& c : out) {
    for (char& b : c) b = static_cast<char>(rng());
  }
  return out;
}

class PackedChunksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = util::TempDir::Create("cairn-packs-test");
    ASSERT_TRUE(dir);
    dir_.emplace(std::move(*dir));
    std::filesystem::create_directory(Root());
    auto store = DirectoryStore::Open(Root());
    ASSERT_TRUE(store);
    store_ = std::move(*store);
  }
  std::filesystem::path Root() const { return dir_->path() / "repo"; }
  std::vector<std::string> PackFiles() const {
    std::vector<std::string> out = *store_->List("packs");
    return out;
  }

  std::optional<util::TempDir> dir_;
  std::unique_ptr<DirectoryStore> store_;
};

TEST_F(PackedChunksTest, ChunksWrittenIntoSeveralPacksReadBackAfterAFreshLoad) {
  const ObjectCodec codec(std::nullopt, 1);
  const std::vector<std::string> chunks = RandomChunks(40, 4096, 1);
  std::vector<Key256> ids;
  {
    PackedChunks packs(*store_, codec, false, 32 * 1024);  // ~8 chunks a pack
    for (const std::string& c : chunks) {
      Result<StoredChunk> stored = packs.Put(codec.ChunkId(c), c);
      ASSERT_TRUE(stored) << stored.error().Text();
      EXPECT_TRUE(stored->created);
      EXPECT_GT(stored->stored_bytes, c.size());
      ids.push_back(stored->id);
    }
    EXPECT_FALSE(packs.Put(ids[3], chunks[3])->created);  // stored once
    ASSERT_TRUE(packs.WriteOpenPacks());
  }
  EXPECT_GE(PackFiles().size(), 5u);
  EXPECT_TRUE(store_->List("chunks")->empty());  // no object per chunk any more
  PackedChunks reread(*store_, codec, false);
  EXPECT_TRUE(reread.CheckPackTables()->empty());
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    Result<std::string> got = reread.Get(ids[i]);
    ASSERT_TRUE(got) << got.error().Text();
    EXPECT_EQ(*got, chunks[i]);
  }
  std::vector<Key256> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(*reread.List(), sorted);
  EXPECT_TRUE(reread.DamagedPacks()->empty());
  EXPECT_FALSE(*reread.Has(codec.ChunkId("never stored")));
}

TEST_F(PackedChunksTest, AKilledRunsPacksAreCollectedAndCommittedChunksStay) {
  InitOptions options;
  options.chunk_size = 4096;
  const std::vector<std::string> kept = RandomChunks(3, 4096, 2);
  const std::vector<std::string> orphaned = RandomChunks(3, 4096, 3);
  std::vector<Key256> named;
  {
    Result<Repository> repo = Repository::InitDirectory(Root() / "r", options);
    ASSERT_TRUE(repo);
    DiskIndex index(3 * 4096, 4096);
    for (int i = 0; i < 3; ++i) {
      index.set_slot(i, repo->PutChunk(kept[i])->id);
      named.push_back(*index.slot(i));
    }
    const std::string id = Repository::NewBackupId(1'765'000'000'000);
    BackupManifest m;
    m.id = id;
    m.domain_name = "vm";
    m.domain_uuid = "6695eb01-f6a4-8304-79aa-97f2502e193f";
    DiskRecord disk;
    disk.name = "vda";
    disk.index = *repo->PutIndex(id, "vda", index);
    m.disks.push_back(disk);
    ASSERT_TRUE(repo->Commit(m));
    // A second run: its chunks reach a pack, durably, and then it dies before its manifest.
    for (const std::string& c : orphaned) ASSERT_TRUE(repo->PutChunk(c));
    ASSERT_TRUE(repo->WriteOpenPacks());
    ASSERT_TRUE(repo->Flush());
  }
  ASSERT_EQ(store_->List("r/packs")->size(), 2u);
  Result<Repository> repo = Repository::OpenDirectory(Root() / "r", std::nullopt);
  ASSERT_TRUE(repo);
  EXPECT_EQ(repo->ListChunks()->size(), 6u);
  std::sort(named.begin(), named.end());
  Result<ChunkGcReport> gc = repo->CollectChunks(named);
  ASSERT_TRUE(gc) << gc.error().Text();
  EXPECT_EQ(gc->packs_deleted, 1u);
  EXPECT_EQ(gc->chunks_deleted, 3u);
  EXPECT_EQ(gc->chunks_kept, 3u);
  EXPECT_EQ(store_->List("r/packs")->size(), 1u);
  Result<Repository> again = Repository::OpenDirectory(Root() / "r", std::nullopt);
  EXPECT_EQ(*again->ListChunks(), named);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*again->GetChunk(again->ChunkIdOf(kept[i])), kept[i]);
}

TEST_F(PackedChunksTest, AMostlyUnnamedPackIsRewrittenWithExactlyItsNamedChunks) {
  const ObjectCodec codec(TestKey(5), 1);
  const std::vector<std::string> chunks = RandomChunks(10, 4096, 4);
  std::vector<Key256> ids;
  {
    PackedChunks packs(*store_, codec, false);
    for (const std::string& c : chunks) ids.push_back(packs.Put(codec.ChunkId(c), c)->id);
    ASSERT_TRUE(packs.WriteOpenPacks());
  }
  const std::vector<std::string> before = PackFiles();
  ASSERT_EQ(before.size(), 1u);
  // Nine of ten named: 10% unnamed stays where it is.
  std::vector<Key256> named(ids.begin(), ids.begin() + 9);
  std::sort(named.begin(), named.end());
  {
    PackedChunks packs(*store_, codec, false);
    Result<ChunkGcReport> gc = packs.Collect(named);
    ASSERT_TRUE(gc) << gc.error().Text();
    EXPECT_EQ(gc->packs_rewritten + gc->packs_deleted, 0u);
    EXPECT_EQ(PackFiles(), before);
  }
  // Four of ten named: the pack is rewritten with those four only.
  named.assign(ids.begin() + 2, ids.begin() + 6);
  std::sort(named.begin(), named.end());
  {
    PackedChunks packs(*store_, codec, false);
    Result<ChunkGcReport> gc = packs.Collect(named);
    ASSERT_TRUE(gc) << gc.error().Text();
    EXPECT_EQ(gc->packs_rewritten, 1u);
    EXPECT_EQ(gc->chunks_deleted, 6u);
    EXPECT_EQ(gc->chunks_kept, 4u);
    EXPECT_GT(gc->bytes_freed, 6u * 4096);
  }
  const std::vector<std::string> after = PackFiles();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after, before);
  PackedChunks reread(*store_, codec, false);
  EXPECT_EQ(*reread.List(), named);
  for (int i = 2; i < 6; ++i) EXPECT_EQ(*reread.Get(ids[i]), chunks[i]);
  EXPECT_FALSE(reread.Get(ids[0]));
}

// Each run that writes a few chunks leaves one small pack; gc merges two or more of them
// into full packs, keeping every chunk, and leaves a lone small pack alone.
TEST_F(PackedChunksTest, GcMergesSmallPacksAndLeavesALoneOneAlone) {
  const ObjectCodec codec(std::nullopt, 1);
  const std::vector<std::string> chunks = RandomChunks(9, 4096, 7);
  constexpr std::size_t kPack = 64 * 1024;  // small: under 16 KiB named
  std::vector<Key256> ids;
  auto run = [&](int from, int to) {
    PackedChunks packs(*store_, codec, false, kPack);
    for (int i = from; i < to; ++i) {
      ids.push_back(packs.Put(codec.ChunkId(chunks[i]), chunks[i])->id);
    }
    ASSERT_TRUE(packs.WriteOpenPacks());
  };
  run(0, 3);
  std::vector<Key256> named = ids;
  std::sort(named.begin(), named.end());
  {
    PackedChunks packs(*store_, codec, false, kPack);
    Result<ChunkGcReport> gc = packs.Collect(named);
    ASSERT_TRUE(gc) << gc.error().Text();
    EXPECT_EQ(gc->packs_rewritten, 0u);  // one small pack: nothing to merge it with
  }
  run(3, 6);
  run(6, 9);
  ASSERT_EQ(PackFiles().size(), 3u);
  named = ids;
  std::sort(named.begin(), named.end());
  {
    PackedChunks packs(*store_, codec, false, kPack);
    Result<ChunkGcReport> gc = packs.Collect(named);
    ASSERT_TRUE(gc) << gc.error().Text();
    EXPECT_EQ(gc->packs_rewritten, 3u);
    EXPECT_EQ(gc->chunks_kept, 9u);
    EXPECT_EQ(gc->chunks_deleted, 0u);
  }
  EXPECT_EQ(PackFiles().size(), 1u);
  PackedChunks reread(*store_, codec, false, kPack);
  EXPECT_TRUE(reread.CheckPackTables()->empty());
  EXPECT_EQ(*reread.List(), named);
  for (std::size_t i = 0; i < chunks.size(); ++i) EXPECT_EQ(*reread.Get(ids[i]), chunks[i]);
}

TEST_F(PackedChunksTest, AnEncryptedPackRefusesAChunkMovedToAnotherOffsetOrPack) {
  const ObjectCodec codec(TestKey(6), 1);
  const std::vector<std::string> chunks = RandomChunks(3, 4096, 5);
  std::vector<Key256> ids;
  {
    PackedChunks packs(*store_, codec, false);  // one writer: frames in order of the puts
    for (const std::string& c : chunks) ids.push_back(packs.Put(codec.ChunkId(c), c)->id);
    ASSERT_TRUE(packs.WriteOpenPacks());
  }
  const std::string name = PackFiles().front();
  const std::filesystem::path file = Root() / name;
  std::string bytes = ReadWhole(file);
  const std::size_t len = 5 + 12 + 4096 + 16;  // magic and flags, nonce, body, tag
  ASSERT_GT(bytes.size(), 3 * len);
  // The frames of chunks 0 and 1 swapped: each now lies where the table names the other.
  std::string swapped = bytes;
  std::copy_n(bytes.begin() + len, len, swapped.begin());
  std::copy_n(bytes.begin(), len, swapped.begin() + len);
  WriteWhole(file, swapped);
  {
    PackedChunks packs(*store_, codec, false);
    Result<std::string> moved = packs.Get(ids[0]);
    ASSERT_FALSE(moved);
    EXPECT_EQ(moved.error().code(), ErrorCode::kOperationFailed);
    EXPECT_NE(moved.error().detail().find("damaged"), std::string::npos) << moved.error().Text();
    EXPECT_FALSE(packs.Get(ids[1]));
    EXPECT_EQ(*packs.Get(ids[2]), chunks[2]);
  }
  // The intact pack copied under another name: its table does not open there.
  WriteWhole(file, bytes);
  const std::string other = "packs/00/00000000000000000000000000000000";
  ASSERT_TRUE(store_->Put(other, bytes));
  PackedChunks packs(*store_, codec, false);
  Result<std::vector<std::string>> damaged = packs.DamagedPacks();
  ASSERT_TRUE(damaged);
  ASSERT_EQ(damaged->size(), 1u);
  EXPECT_EQ(damaged->front().rfind(other, 0), 0u) << damaged->front();
  EXPECT_EQ(*packs.Get(ids[0]), chunks[0]);  // from the pack it was written in
}

TEST_F(PackedChunksTest, PackIndexesServeTheLoadAndGcLeavesOneNamingEveryPackLeft) {
  const ObjectCodec codec(TestKey(7), 1);
  const std::vector<std::string> chunks = RandomChunks(12, 4096, 6);
  std::vector<Key256> ids;
  std::vector<std::string> last_runs_packs;
  for (int run = 0; run < 3; ++run) {  // three runs, three indexes
    const std::vector<std::string> before = PackFiles();
    PackedChunks packs(*store_, codec, false, 16 * 1024);
    for (int i = run * 4; i < run * 4 + 4; ++i) {
      ids.push_back(packs.Put(codec.ChunkId(chunks[i]), chunks[i])->id);
    }
    ASSERT_TRUE(packs.WriteOpenPacks());
    ASSERT_TRUE(packs.WriteIndex());
    last_runs_packs.clear();
    for (const std::string& p : PackFiles()) {
      if (std::find(before.begin(), before.end(), p) == before.end()) last_runs_packs.push_back(p);
    }
  }
  EXPECT_EQ(store_->List("packindex")->size(), 3u);
  // The last run's pack's own table damaged: its index still says where its chunks lie.
  ASSERT_EQ(last_runs_packs.size(), 1u);
  const std::filesystem::path last = Root() / last_runs_packs.front();
  std::string bytes = ReadWhole(last);
  bytes[bytes.size() - 1] ^= 1;
  WriteWhole(last, bytes);
  {
    PackedChunks packs(*store_, codec, false);
    EXPECT_TRUE(packs.DamagedPacks()->empty());
    for (std::size_t i = 0; i < chunks.size(); ++i) EXPECT_EQ(*packs.Get(ids[i]), chunks[i]);
    // ... and the check of every pack's own table finds it.
    Result<std::vector<std::string>> problems = packs.CheckPackTables();
    ASSERT_TRUE(problems);
    ASSERT_EQ(problems->size(), 1u);
    EXPECT_EQ(problems->front().rfind(last_runs_packs.front(), 0), 0u) << problems->front();
  }
  // gc: half the chunks named (none of the last run's, whose pack goes); one index is left,
  // naming exactly the packs left.
  std::vector<Key256> named(ids.begin(), ids.begin() + 6);
  std::sort(named.begin(), named.end());
  {
    PackedChunks packs(*store_, codec, false, 16 * 1024);
    ASSERT_TRUE(packs.Collect(named));
  }
  ASSERT_EQ(store_->List("packindex")->size(), 1u);
  PackedChunks packs(*store_, codec, false);
  EXPECT_EQ(*packs.List(), named);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(*packs.Get(ids[i]), chunks[i]);
  // Without any index, every pack's own table is read instead.
  std::filesystem::remove_all(Root() / "packindex");
  PackedChunks unindexed(*store_, codec, false);
  EXPECT_EQ(*unindexed.List(), named);
}

TEST_F(PackedChunksTest, AFormat1RepositorysChunkObjectsStillReadAndAreCollected) {
  const ObjectCodec codec(std::nullopt, 1);
  ASSERT_TRUE(store_->Put("config", R"({"format": 1, "id": "0123456789abcdef0123456789abcdef",
    "chunk_size": 4096, "zstd_level": 1, "encryption": "none", "key_check": ""})"));
  const std::string old_data = "a chunk stored by format 1";
  const std::string gone_data = "a chunk no backup names";
  const Key256 old_id = codec.ChunkId(old_data);
  for (const std::string& d : {old_data, gone_data}) {
    ASSERT_TRUE(store_->Put(ChunkObjectName(codec.ChunkId(d)),
                            *codec.Seal(ChunkObjectName(codec.ChunkId(d)), d)));
  }
  Result<Repository> repo = Repository::OpenDirectory(Root(), std::nullopt);
  ASSERT_TRUE(repo) << repo.error().Text();
  EXPECT_EQ(repo->format(), 1);
  EXPECT_EQ(*repo->GetChunk(old_id), old_data);
  EXPECT_FALSE(repo->PutChunk(old_data)->created);  // not stored again in a pack
  Result<StoredChunk> fresh = repo->PutChunk("new data");
  ASSERT_TRUE(fresh && fresh->created);
  ASSERT_TRUE(repo->WriteOpenPacks());
  EXPECT_EQ(*repo->GetChunk(fresh->id), "new data");
  EXPECT_EQ(repo->ListChunks()->size(), 3u);
  std::vector<Key256> named = {old_id, fresh->id};
  std::sort(named.begin(), named.end());
  Result<ChunkGcReport> gc = repo->CollectChunks(named);
  ASSERT_TRUE(gc) << gc.error().Text();
  EXPECT_EQ(gc->chunks_deleted, 1u);
  EXPECT_EQ(*repo->ListChunks(), named);
}

TEST_F(PackedChunksTest, AFormatThisVersionDoesNotKnowIsRefusedByName) {
  ASSERT_TRUE(store_->Put("config", R"({"format": 3, "id": "0123456789abcdef0123456789abcdef",
    "chunk_size": 4096, "zstd_level": 1, "encryption": "none", "key_check": ""})"));
  Result<Repository> repo = Repository::OpenDirectory(Root(), std::nullopt);
  ASSERT_FALSE(repo);
  EXPECT_NE(repo.error().detail().find("format 3"), std::string::npos) << repo.error().Text();
}

}  // namespace
}  // namespace cairn::repo
