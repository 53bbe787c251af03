#include "util/file_lock.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>
#include <vector>

#include "util/temp_dir.hpp"

namespace cairn::util {
namespace {

namespace fs = std::filesystem;

enum ChildVerdict { kChildLocked = 0, kChildBusy = 1, kChildOtherError = 2 };

// What TryAcquire() says in another process: fork, try, exit with the verdict.
int TryAcquireInOtherProcess(const fs::path& path) {
  pid_t pid = ::fork();
  if (pid == 0) {
    Result<FileLock> lock = FileLock::TryAcquire(path);
    if (lock) ::_exit(kChildLocked);
    ::_exit(lock.error().code() == ErrorCode::kResourceBusy ? kChildBusy : kChildOtherError);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class FileLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<TempDir> dir = TempDir::Create("cairn-lock");
    ASSERT_TRUE(dir.has_value()) << dir.error().Text();
    dir_.emplace(std::move(*dir));
    path_ = dir_->path() / "domain.lock";
  }

  std::optional<TempDir> dir_;
  fs::path path_;
};

TEST_F(FileLockTest, AcquireCreatesAMissingLockFile) {
  Result<FileLock> lock = FileLock::Acquire(path_);

  ASSERT_TRUE(lock.has_value()) << lock.error().Text();
  EXPECT_TRUE(fs::exists(path_));
  EXPECT_EQ(lock->path(), path_);
}

TEST_F(FileLockTest, OtherProcessCannotTakeAHeldLock) {
  Result<FileLock> lock = FileLock::Acquire(path_);
  ASSERT_TRUE(lock.has_value());

  EXPECT_EQ(TryAcquireInOtherProcess(path_), kChildBusy);
}

TEST_F(FileLockTest, OtherProcessTakesTheLockAfterRelease) {
  {
    Result<FileLock> lock = FileLock::Acquire(path_);
    ASSERT_TRUE(lock.has_value());
  }

  EXPECT_EQ(TryAcquireInOtherProcess(path_), kChildLocked);
}

TEST_F(FileLockTest, SecondLockInTheSameProcessIsResourceBusyNamingThePath) {
  Result<FileLock> first = FileLock::Acquire(path_);
  ASSERT_TRUE(first.has_value());

  Result<FileLock> second = FileLock::TryAcquire(path_);

  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), ErrorCode::kResourceBusy);
  EXPECT_EQ(second.error().detail(),
            "lock file '" + path_.string() + "' is held by another operation");
}

TEST_F(FileLockTest, MovedLockStaysHeldUntilItsNewOwnerGoes) {
  Result<FileLock> lock = FileLock::Acquire(path_);
  ASSERT_TRUE(lock.has_value());

  std::optional<FileLock> moved(std::move(*lock));
  lock = Fail(ErrorCode::kInternalError, ErrorDomain::kNone, "drop the moved-from lock");

  EXPECT_EQ(TryAcquireInOtherProcess(path_), kChildBusy);
  moved.reset();
  EXPECT_EQ(TryAcquireInOtherProcess(path_), kChildLocked);
}

TEST_F(FileLockTest, AcquireWaitsForTheHolderToRelease) {
  // The holder is another process that releases only when told to through a pipe.
  int to_child[2];
  int from_child[2];
  ASSERT_EQ(::pipe(to_child), 0);
  ASSERT_EQ(::pipe(from_child), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(to_child[1]);  // so that a parent that dies early gives us end-of-file
    ::close(from_child[0]);
    Result<FileLock> held = FileLock::Acquire(path_);
    char byte = held ? 'L' : 'E';
    (void)!::write(from_child[1], &byte, 1);
    (void)!::read(to_child[0], &byte, 1);
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(from_child[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'L');
  std::atomic<bool> acquired = false;
  Result<FileLock> waited = Fail(ErrorCode::kInternalError, ErrorDomain::kNone, "not yet");
  std::thread waiter([&] {
    waited = FileLock::Acquire(path_);
    acquired = true;
  });

  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  bool acquired_while_held = acquired;
  ASSERT_EQ(::write(to_child[1], "R", 1), 1);
  waiter.join();
  ::waitpid(pid, nullptr, 0);
  for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) ::close(fd);

  EXPECT_FALSE(acquired_while_held);
  EXPECT_TRUE(waited.has_value());
}

TEST_F(FileLockTest, LockFileInAMissingDirectoryIsASystemErrorNamingThePath) {
  fs::path path = dir_->path() / "missing" / "domain.lock";

  Result<FileLock> lock = FileLock::TryAcquire(path);

  ASSERT_FALSE(lock.has_value());
  EXPECT_EQ(lock.error().code(), ErrorCode::kSystemError);
  EXPECT_EQ(lock.error().detail(),
            "cannot open lock file '" + path.string() + "': No such file or directory");
}

TEST_F(FileLockTest, AcquireWithTimeoutGivesUpNamingTheHolder) {
  Result<FileLock> held = FileLock::Acquire(path_);
  ASSERT_TRUE(held.has_value()) << held.error().Text();
  const auto start = std::chrono::steady_clock::now();

  Result<FileLock> waiter = FileLock::Acquire(path_, std::chrono::milliseconds(150));

  ASSERT_FALSE(waiter.has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  EXPECT_EQ(waiter.error().code(), ErrorCode::kOperationTimeout);
  EXPECT_EQ(waiter.error().Text().rfind(
                "Timed out during operation: cannot acquire state change lock (held by pid " +
                    std::to_string(::getpid()) + ": ",
                0),
            0u)
      << waiter.error().Text();
}

TEST_F(FileLockTest, AcquireWithTimeoutTakesALockReleasedMeanwhile) {
  std::optional<FileLock> held;
  held.emplace(*FileLock::Acquire(path_));
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    held.reset();
  });

  Result<FileLock> waiter = FileLock::Acquire(path_, std::chrono::seconds(10));
  releaser.join();

  EXPECT_TRUE(waiter.has_value()) << waiter.error().Text();
}

// A waiter of the holder's own process takes the lock when it is released, not at its next
// poll (whose pause grows to 50 ms): median of 7 rounds, each release after 200 ms of waiting.
TEST_F(FileLockTest, AWaiterInTheSameProcessTakesTheLockAsItIsReleased) {
  std::vector<double> lags_ms;
  for (int round = 0; round < 7; ++round) {
    std::optional<FileLock> held;
    held.emplace(*FileLock::Acquire(path_));
    std::atomic<std::int64_t> released_ns{0};
    std::thread releaser([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      released_ns = std::chrono::steady_clock::now().time_since_epoch().count();
      held.reset();
    });
    Result<FileLock> waiter = FileLock::Acquire(path_, std::chrono::seconds(10));
    const std::int64_t taken_ns = std::chrono::steady_clock::now().time_since_epoch().count();
    releaser.join();
    ASSERT_TRUE(waiter.has_value()) << waiter.error().Text();
    lags_ms.push_back(static_cast<double>(taken_ns - released_ns.load()) / 1e6);
  }
  std::sort(lags_ms.begin(), lags_ms.end());
  EXPECT_LT(lags_ms[3], 10.0) << "median lag between release and take, ms";
}

TEST_F(FileLockTest, HolderIsRecordedInTheLockFile) {
  Result<FileLock> held = FileLock::Acquire(path_);
  ASSERT_TRUE(held.has_value());

  std::string holder = FileLock::Holder(path_);

  EXPECT_EQ(holder.rfind("pid " + std::to_string(::getpid()) + ": ", 0), 0u) << holder;
  EXPECT_NE(holder.find("unit_util"), std::string::npos) << holder;
}

// The record is written over the previous holder's without truncating the file: a longer
// previous record's tail must not show.
TEST_F(FileLockTest, HolderOverALongerPreviousRecordIsOnlyTheNewOne) {
  std::ofstream(path_) << "pid 1: " << std::string(400, 'x') << "\n";
  Result<FileLock> held = FileLock::Acquire(path_);
  ASSERT_TRUE(held.has_value());

  std::string holder = FileLock::Holder(path_);

  EXPECT_EQ(holder.rfind("pid " + std::to_string(::getpid()) + ": ", 0), 0u) << holder;
  EXPECT_EQ(holder.find("xxx"), std::string::npos) << holder;
}

TEST_F(FileLockTest, HolderOfAnExitedRecordIsUnknown) {
  pid_t pid = ::fork();
  if (pid == 0) {
    Result<FileLock> lock = FileLock::Acquire(path_);
    ::_exit(lock ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  EXPECT_EQ(FileLock::Holder(path_), "unknown");
}

}  // namespace
}  // namespace cairn::util
