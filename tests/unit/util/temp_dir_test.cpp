#include "util/temp_dir.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

namespace cairn::util {
namespace {

namespace fs = std::filesystem;

// Points $TMPDIR elsewhere for one test and puts the old value back.
class ScopedTmpdir {
 public:
  explicit ScopedTmpdir(const std::string& value) {
    if (const char* old = ::getenv("TMPDIR")) old_ = old;
    ::setenv("TMPDIR", value.c_str(), 1);
  }
  ~ScopedTmpdir() {
    if (old_) {
      ::setenv("TMPDIR", old_->c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
  }

 private:
  std::optional<std::string> old_;
};

TEST(TempDir, CreateMakesAPrivateDirectoryNamedWithThePrefix) {
  Result<TempDir> dir = TempDir::Create("cairn-test");

  ASSERT_TRUE(dir.has_value()) << dir.error().Text();
  EXPECT_TRUE(fs::is_directory(dir->path()));
  EXPECT_TRUE(dir->path().filename().string().starts_with("cairn-test-"));
  struct stat st;
  ASSERT_EQ(::stat(dir->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(TempDir, TwoDirectoriesWithTheSamePrefixAreDistinct) {
  Result<TempDir> a = TempDir::Create("same");
  Result<TempDir> b = TempDir::Create("same");

  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_NE(a->path(), b->path());
}

TEST(TempDir, DestructorRemovesTheDirectoryAndItsContents) {
  fs::path path;
  {
    Result<TempDir> dir = TempDir::Create();
    ASSERT_TRUE(dir.has_value());
    path = dir->path();
    fs::create_directories(path / "sub" / "deeper");
    std::ofstream(path / "sub" / "file") << "content";
  }

  EXPECT_FALSE(fs::exists(path));
}

TEST(TempDir, MovedFromDirectoryDoesNotRemoveWhatItGaveAway) {
  Result<TempDir> source = TempDir::Create();
  ASSERT_TRUE(source.has_value());
  fs::path path = source->path();

  std::optional<TempDir> target(std::move(*source));
  source = Fail(ErrorCode::kInternalError, ErrorDomain::kNone, "destroy the moved-from one");

  EXPECT_TRUE(fs::is_directory(path));
  target.reset();
  EXPECT_FALSE(fs::exists(path));
}

TEST(TempDir, CreateHonoursTmpdir) {
  Result<TempDir> outer = TempDir::Create("outer");
  ASSERT_TRUE(outer.has_value());
  ScopedTmpdir tmpdir(outer->path().string());

  Result<TempDir> inner = TempDir::Create("inner");

  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->path().parent_path(), outer->path());
}

TEST(TempDir, CreateUnderAMissingTmpdirIsASystemErrorNamingThePath) {
  ScopedTmpdir tmpdir("/nonexistent-cairn-dir");

  Result<TempDir> dir = TempDir::Create("x");

  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code(), ErrorCode::kSystemError);
  EXPECT_EQ(dir.error().detail(),
            "cannot create directory '/nonexistent-cairn-dir/x-XXXXXX': No such file or directory");
}

}  // namespace
}  // namespace cairn::util
