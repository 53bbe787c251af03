// DirectoryStore: objects appear whole under their name, never replace one, and stay private.
#include "repo/directory_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include "repo/aligned_bytes.hpp"
#include "util/temp_dir.hpp"

namespace cairn::repo {
namespace {

class DirectoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = util::TempDir::Create("cairn-store-test");
    ASSERT_TRUE(dir);
    dir_.emplace(std::move(*dir));
    auto store = DirectoryStore::Open(dir_->path());
    ASSERT_TRUE(store) << store.error().Text();
    store_ = std::move(*store);
  }
  std::optional<util::TempDir> dir_;
  std::unique_ptr<DirectoryStore> store_;
};

TEST_F(DirectoryStoreTest, PutThenGetReturnsTheBytes) {
  ASSERT_TRUE(*store_->Put("chunks/ab/abc", std::string("hello\0world", 11)));
  auto got = store_->Get("chunks/ab/abc");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(**got, std::string("hello\0world", 11));
}

TEST_F(DirectoryStoreTest, ALargeAlignedObjectWithARaggedEndReadsBackWholeAndInRanges) {
  // 3 MiB and 123 bytes from page-aligned memory: the O_DIRECT path, and its buffered tail.
  AlignedBytes data;
  std::string pattern;
  for (int i = 0; i < (3 << 20) + 123; ++i) {
    pattern.push_back(static_cast<char>(i * 7 + i / 4096));
  }
  data.Append(pattern);
  ASSERT_TRUE(*store_->Put("packs/00/big", data.view()));
  EXPECT_EQ(**store_->Get("packs/00/big"), pattern);
  EXPECT_EQ(**store_->Size("packs/00/big"), pattern.size());
  EXPECT_EQ(**store_->GetRange("packs/00/big", 4000, 300), pattern.substr(4000, 300));
  EXPECT_EQ(**store_->GetRange("packs/00/big", pattern.size() - 10, 100),
            pattern.substr(pattern.size() - 10));
  EXPECT_FALSE(*store_->GetRange("packs/00/none", 0, 1));
  EXPECT_FALSE(*store_->Size("packs/00/none"));
}

// Ranged reads keep descriptors open; a deleted object must still read as gone, and more
// objects than are kept must each still read their own bytes.
TEST_F(DirectoryStoreTest, RangedReadsSeeDeletesAndEveryObjectsOwnBytes) {
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(*store_->Put(fmt::format("packs/{:02}/p", i), fmt::format("object {:02}", i)));
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 40; ++i) {
      auto got = store_->GetRange(fmt::format("packs/{:02}/p", i), 7, 2);
      ASSERT_TRUE(got && *got);
      EXPECT_EQ(**got, fmt::format("{:02}", i));
    }
  }
  // Removed and written again behind the store's back, as a repair would: the new bytes.
  std::filesystem::remove(dir_->path() / "packs/05/p");
  ASSERT_TRUE(*store_->Put("packs/05/p", "object XY"));
  EXPECT_EQ(**store_->GetRange("packs/05/p", 7, 2), "XY");
  ASSERT_TRUE(*store_->GetRange("packs/03/p", 0, 1));
  ASSERT_TRUE(store_->Delete("packs/03/p"));
  auto gone = store_->GetRange("packs/03/p", 0, 1);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(DirectoryStoreTest, PutOfAnExistingNameKeepsTheFirstObject) {
  ASSERT_TRUE(*store_->Put("a", "first"));
  Result<bool> again = store_->Put("a", "second");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  EXPECT_EQ(**store_->Get("a"), "first");
}

TEST_F(DirectoryStoreTest, GetOfAMissingObjectIsNullopt) {
  auto got = store_->Get("no/such");
  ASSERT_TRUE(got);
  EXPECT_FALSE(*got);
  EXPECT_FALSE(*store_->Exists("no/such"));
}

TEST_F(DirectoryStoreTest, ObjectsAndFoldersArePrivate) {
  ASSERT_TRUE(*store_->Put("manifests/x/y", "secret"));
  struct stat st {};
  ASSERT_EQ(stat((dir_->path() / "manifests/x/y").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir_->path() / "manifests/x").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(DirectoryStoreTest, ListReturnsEveryObjectUnderAFolderSorted) {
  ASSERT_TRUE(store_->Put("chunks/b/2", "x"));
  ASSERT_TRUE(store_->Put("chunks/a/1", "x"));
  ASSERT_TRUE(store_->Put("other", "x"));
  auto names = store_->List("chunks");
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, (std::vector<std::string>{"chunks/a/1", "chunks/b/2"}));
  EXPECT_TRUE(store_->List("none")->empty());
}

TEST_F(DirectoryStoreTest, DeleteRemovesAndAMissingObjectIsAnError) {
  ASSERT_TRUE(store_->Put("a", "x"));
  ASSERT_TRUE(store_->Delete("a"));
  EXPECT_FALSE(*store_->Exists("a"));
  Status again = store_->Delete("a");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kSystemError);
}

TEST_F(DirectoryStoreTest, NamesOutsideTheAlphabetAreRefused) {
  for (const char* bad : {"", "/a", "a/", "a//b", "../x", "a/.hidden", "A", "a b"}) {
    Result<bool> put = store_->Put(bad, "x");
    ASSERT_FALSE(put) << bad;
    EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArg);
  }
}

TEST_F(DirectoryStoreTest, FlushSucceeds) { EXPECT_TRUE(store_->Flush()); }

}  // namespace
}  // namespace cairn::repo
