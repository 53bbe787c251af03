// RepositoryKey: a key file is made once, private, and read back to the same keys.
#include "repo/repository_key.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "util/temp_dir.hpp"

namespace cairn::repo {
namespace {

TEST(RepositoryKey, LoadWithCreateWritesAPrivateKeyFileOnceAndReadsItBack) {
  auto dir = util::TempDir::Create("cairn-key-test");
  ASSERT_TRUE(dir);
  const auto path = dir->path() / "key";
  Result<RepositoryKey> made = RepositoryKey::Load(path, true);
  ASSERT_TRUE(made) << made.error().Text();
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Result<RepositoryKey> again = RepositoryKey::Load(path, true);  // read, not replaced
  ASSERT_TRUE(again);
  EXPECT_EQ(again->CheckValue(), made->CheckValue());
  EXPECT_NE(made->id_key(), made->data_key());
}

TEST(RepositoryKey, AMissingOrMalformedKeyFileIsNamed) {
  auto dir = util::TempDir::Create("cairn-key-test");
  const auto path = dir->path() / "key";
  Result<RepositoryKey> missing = RepositoryKey::Load(path, false);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kSystemError);
  std::ofstream(path) << "not hex\n";
  Result<RepositoryKey> bad = RepositoryKey::Load(path, false);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArg);
  EXPECT_NE(bad.error().detail().find(path.string()), std::string::npos);
}

}  // namespace
}  // namespace cairn::repo
