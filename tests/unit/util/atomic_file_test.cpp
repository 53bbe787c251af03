#include "util/atomic_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "util/temp_dir.hpp"

namespace cairn::util {
namespace {
std::string StepName(AtomicWriteStep step);
}  // namespace

// So that a failing parameterised test names its step rather than dumping bytes.
void PrintTo(AtomicWriteStep step, std::ostream* os) { *os << StepName(step); }

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr AtomicWriteStep kAllSteps[] = {AtomicWriteStep::kTempCreated, AtomicWriteStep::kWritten,
                                         AtomicWriteStep::kSynced, AtomicWriteStep::kRenamed,
                                         AtomicWriteStep::kDirSynced};

std::string StepName(AtomicWriteStep step) {
  switch (step) {
    case AtomicWriteStep::kTempCreated:
      return "TempCreated";
    case AtomicWriteStep::kWritten:
      return "Written";
    case AtomicWriteStep::kSynced:
      return "Synced";
    case AtomicWriteStep::kRenamed:
      return "Renamed";
    case AtomicWriteStep::kDirSynced:
      return "DirSynced";
  }
  return "Unknown";
}

bool RenameHasHappenedBy(AtomicWriteStep step) { return step >= AtomicWriteStep::kRenamed; }

// A hook that fails exactly at `fail_at` with a recognisable error.
FaultHook FailAt(AtomicWriteStep fail_at) {
  return [fail_at](AtomicWriteStep step) -> Status {
    if (step != fail_at) return {};
    return Fail(ErrorCode::kSystemError, ErrorDomain::kNone, "injected at " + StepName(step));
  };
}

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<TempDir> dir = TempDir::Create("cairn-atomic");
    ASSERT_TRUE(dir.has_value()) << dir.error().Text();
    dir_.emplace(std::move(*dir));
    target_ = dir_->path() / "c1.xml";
  }

  // Names in the directory, sorted, so tests can see stray temp files.
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const fs::directory_entry& e : fs::directory_iterator(dir_->path())) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  void WriteOld() {
    Status written = WriteFileAtomically(target_, kOld);
    ASSERT_TRUE(written.has_value()) << written.error().Text();
  }

  static constexpr std::string_view kOld = "<domaincheckpoint><name>old, and longer</name>";
  static constexpr std::string_view kNew = "<domaincheckpoint><name>new</name>";

  std::optional<TempDir> dir_;
  fs::path target_;
};

TEST_F(AtomicFileTest, WriteCreatesTheFileWithTheContent) {
  Status written = WriteFileAtomically(target_, kNew);

  ASSERT_TRUE(written.has_value()) << written.error().Text();
  EXPECT_EQ(ReadFile(target_).value_or("?"), kNew);
  EXPECT_THAT(Entries(), ::testing::ElementsAre("c1.xml"));
}

TEST_F(AtomicFileTest, WriteReplacesALongerOldContentWithNoTailLeft) {
  WriteOld();

  Status written = WriteFileAtomically(target_, kNew);

  ASSERT_TRUE(written.has_value()) << written.error().Text();
  EXPECT_EQ(ReadFile(target_).value_or("?"), kNew);
  EXPECT_THAT(Entries(), ::testing::ElementsAre("c1.xml"));
}

TEST_F(AtomicFileTest, NewFileHasMode0644) {
  mode_t old_umask = ::umask(022);

  Status written = WriteFileAtomically(target_, kNew);

  ::umask(old_umask);
  ASSERT_TRUE(written.has_value());
  struct stat st;
  ASSERT_EQ(::stat(target_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(AtomicFileTest, LargeContentIsWrittenCompletely) {
  std::string content(8 << 20, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 31) % 251);

  Status written = WriteFileAtomically(target_, content);

  ASSERT_TRUE(written.has_value()) << written.error().Text();
  Result<std::string> read = ReadFile(target_);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->size(), content.size());
  EXPECT_TRUE(*read == content);  // not EXPECT_EQ: a failure would print 8 MiB twice
}

TEST_F(AtomicFileTest, HookSeesEveryStepInOrder) {
  std::vector<AtomicWriteStep> seen;
  AtomicWriteOptions options{.fault_hook = [&](AtomicWriteStep step) -> Status {
    seen.push_back(step);
    return {};
  }};

  Status written = WriteFileAtomically(target_, kNew, options);

  ASSERT_TRUE(written.has_value());
  EXPECT_THAT(seen, ::testing::ElementsAreArray(kAllSteps));
}

TEST_F(AtomicFileTest, RenameOverADirectoryFailsNamingBothPathsAndLeavesNoTempFile) {
  fs::create_directories(target_ / "occupied");

  Status written = WriteFileAtomically(target_, kNew);

  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code(), ErrorCode::kSystemError);
  EXPECT_THAT(written.error().detail(),
              StartsWith("cannot rename '" + dir_->path().string() + "/.c1.xml.tmp-"));
  EXPECT_THAT(written.error().detail(), HasSubstr("' to '" + target_.string() + "': "));
  EXPECT_TRUE(fs::is_directory(target_ / "occupied"));
  EXPECT_THAT(Entries(), ::testing::ElementsAre("c1.xml"));
}

TEST_F(AtomicFileTest, WriteIntoAMissingDirectoryIsASystemErrorNamingThePath) {
  fs::path target = dir_->path() / "missing" / "c1.xml";

  Status written = WriteFileAtomically(target, kNew);

  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code(), ErrorCode::kSystemError);
  EXPECT_THAT(
      written.error().detail(),
      StartsWith("cannot create '" + (dir_->path() / "missing").string() + "/.c1.xml.tmp-"));
  EXPECT_THAT(written.error().detail(), ::testing::EndsWith("': No such file or directory"));
}

TEST_F(AtomicFileTest, ReadFileOfAMissingFileNamesThePathAndTheReason) {
  Result<std::string> read = ReadFile(target_);

  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), ErrorCode::kSystemError);
  EXPECT_EQ(read.error().domain(), ErrorDomain::kNone);
  EXPECT_EQ(read.error().detail(),
            "cannot read '" + target_.string() + "': No such file or directory");
}

TEST_F(AtomicFileTest, ReadFileOfADirectoryIsASystemError) {
  Result<std::string> read = ReadFile(dir_->path());

  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().detail(), "cannot read '" + dir_->path().string() + "': Is a directory");
}

TEST_F(AtomicFileTest, ReadFileOfAnEmptyFileIsEmpty) {
  ASSERT_TRUE(WriteFileAtomically(target_, "").has_value());

  Result<std::string> read = ReadFile(target_);

  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, "");
}

TEST_F(AtomicFileTest, RemoveFileDurablyRemovesTheFile) {
  WriteOld();

  Status removed = RemoveFileDurably(target_);

  ASSERT_TRUE(removed.has_value()) << removed.error().Text();
  EXPECT_FALSE(fs::exists(target_));
}

TEST_F(AtomicFileTest, RemoveFileDurablyOfAMissingFileNamesThePath) {
  Status removed = RemoveFileDurably(target_);

  ASSERT_FALSE(removed.has_value());
  EXPECT_EQ(removed.error().code(), ErrorCode::kSystemError);
  EXPECT_EQ(removed.error().detail(),
            "cannot remove '" + target_.string() + "': No such file or directory");
}

TEST_F(AtomicFileTest, EnsureDirectoryCreatesMissingParentsWithTheMode) {
  fs::path nested = dir_->path() / "a" / "b" / "c";
  mode_t old_umask = ::umask(022);

  Status made = EnsureDirectory(nested, 0750);

  ::umask(old_umask);
  ASSERT_TRUE(made.has_value()) << made.error().Text();
  EXPECT_TRUE(fs::is_directory(nested));
  struct stat st;
  ASSERT_EQ(::stat((dir_->path() / "a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
}

TEST_F(AtomicFileTest, EnsureDirectoryOfAnExistingDirectorySucceeds) {
  Status made = EnsureDirectory(dir_->path().string() + "/");

  EXPECT_TRUE(made.has_value());
}

TEST_F(AtomicFileTest, EnsureDirectoryOverAFileNamesTheFile) {
  WriteOld();

  Status made = EnsureDirectory(target_ / "sub");

  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().code(), ErrorCode::kSystemError);
  EXPECT_EQ(made.error().detail(),
            "cannot create directory '" + target_.string() + "': File exists");
}

// Crash safety, proven by failing after every step in turn (STYLE.md, "Tests").
class AtomicWriteFaultTest : public AtomicFileTest,
                             public ::testing::WithParamInterface<AtomicWriteStep> {};

TEST_P(AtomicWriteFaultTest, FailureLeavesOldContentBeforeRenameNewAfterAndNoTempFile) {
  WriteOld();
  AtomicWriteStep step = GetParam();

  Status written = WriteFileAtomically(target_, kNew, {.fault_hook = FailAt(step)});

  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().detail(), "injected at " + StepName(step));
  EXPECT_EQ(ReadFile(target_).value_or("?"), RenameHasHappenedBy(step) ? kNew : kOld);
  EXPECT_THAT(Entries(), ::testing::ElementsAre("c1.xml"));
}

TEST_P(AtomicWriteFaultTest, FailureOnAFirstWriteLeavesNoFileBeforeRename) {
  AtomicWriteStep step = GetParam();

  Status written = WriteFileAtomically(target_, kNew, {.fault_hook = FailAt(step)});

  ASSERT_FALSE(written.has_value());
  if (RenameHasHappenedBy(step)) {
    EXPECT_EQ(ReadFile(target_).value_or("?"), kNew);
    EXPECT_THAT(Entries(), ::testing::ElementsAre("c1.xml"));
  } else {
    EXPECT_FALSE(fs::exists(target_));
    EXPECT_THAT(Entries(), ::testing::IsEmpty());
  }
}

TEST_P(AtomicWriteFaultTest, CrashLeavesWholeOldOrNewContentAndAtMostAHiddenTempFile) {
  WriteOld();
  AtomicWriteStep step = GetParam();

  Status written =
      WriteFileAtomically(target_, kNew, {.fault_hook = FailAt(step), .crash_on_fault = true});

  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(ReadFile(target_).value_or("?"), RenameHasHappenedBy(step) ? kNew : kOld);
  std::vector<std::string> entries = Entries();
  std::erase(entries, "c1.xml");
  if (RenameHasHappenedBy(step)) {
    EXPECT_THAT(entries, ::testing::IsEmpty());
  } else {
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_THAT(entries[0], StartsWith(".c1.xml.tmp-"));
  }
}

TEST_P(AtomicWriteFaultTest, WriteAfterACrashSucceeds) {
  WriteOld();
  ASSERT_FALSE(WriteFileAtomically(target_, "lost",
                                   {.fault_hook = FailAt(GetParam()), .crash_on_fault = true})
                   .has_value());

  Status written = WriteFileAtomically(target_, kNew);

  ASSERT_TRUE(written.has_value()) << written.error().Text();
  EXPECT_EQ(ReadFile(target_).value_or("?"), kNew);
}

INSTANTIATE_TEST_SUITE_P(EveryStep, AtomicWriteFaultTest, ::testing::ValuesIn(kAllSteps),
                         [](const ::testing::TestParamInfo<AtomicWriteStep>& info) {
                           return "After" + StepName(info.param);
                         });

TEST_F(AtomicFileTest, RemoveAbandonedTempFilesRemovesOnlyAKilledWritersTempFile) {
  WriteOld();
  AtomicWriteOptions options;
  options.fault_hook = FailAt(AtomicWriteStep::kWritten);
  options.crash_on_fault = true;
  ASSERT_FALSE(WriteFileAtomically(target_, kNew, options).has_value());
  ASSERT_EQ(Entries().size(), 2u);  // c1.xml and the abandoned ".c1.xml.tmp-XXXXXX"
  ASSERT_TRUE(WriteFileAtomically(dir_->path() / ".journal", "j").has_value());

  Result<std::size_t> removed = RemoveAbandonedTempFiles(dir_->path());

  ASSERT_TRUE(removed.has_value()) << removed.error().Text();
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(Entries(), (std::vector<std::string>{".journal", "c1.xml"}));
}

TEST_F(AtomicFileTest, RemoveAbandonedTempFilesOfAMissingDirectoryIsNone) {
  Result<std::size_t> removed = RemoveAbandonedTempFiles(dir_->path() / "nope");

  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(*removed, 0u);
}

}  // namespace
}  // namespace cairn::util
