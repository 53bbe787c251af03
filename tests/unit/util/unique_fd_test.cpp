#include "util/unique_fd.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace cairn::util {
namespace {

bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

int OpenDevNull() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

TEST(UniqueFd, DestructorClosesTheDescriptor) {
  int raw = OpenDevNull();
  ASSERT_GE(raw, 0);

  { UniqueFd fd(raw); }

  EXPECT_FALSE(IsOpen(raw));
}

TEST(UniqueFd, DefaultConstructedIsEmptyAndFalse) {
  UniqueFd fd;

  EXPECT_EQ(fd.get(), -1);
  EXPECT_FALSE(fd);
}

TEST(UniqueFd, ReleaseHandsOverOwnershipWithoutClosing) {
  int raw = OpenDevNull();
  ASSERT_GE(raw, 0);
  int released = -1;

  {
    UniqueFd fd(raw);
    released = fd.release();
    EXPECT_FALSE(fd);
  }

  EXPECT_EQ(released, raw);
  EXPECT_TRUE(IsOpen(raw));
  ::close(raw);
}

TEST(UniqueFd, ResetClosesTheOldDescriptorAndOwnsTheNewOne) {
  int first = OpenDevNull();
  int second = OpenDevNull();
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  UniqueFd fd(first);

  fd.reset(second);

  EXPECT_FALSE(IsOpen(first));
  EXPECT_TRUE(IsOpen(second));
  EXPECT_EQ(fd.get(), second);
}

TEST(UniqueFd, MoveTransfersOwnershipAndEmptiesTheSource) {
  int raw = OpenDevNull();
  ASSERT_GE(raw, 0);
  UniqueFd source(raw);

  UniqueFd target(std::move(source));

  EXPECT_FALSE(source);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  EXPECT_EQ(target.get(), raw);
  EXPECT_TRUE(IsOpen(raw));
}

TEST(UniqueFd, MoveAssignmentClosesTheDescriptorItReplaces) {
  int old_raw = OpenDevNull();
  int new_raw = OpenDevNull();
  ASSERT_GE(old_raw, 0);
  ASSERT_GE(new_raw, 0);
  UniqueFd target(old_raw);
  UniqueFd source(new_raw);

  target = std::move(source);

  EXPECT_FALSE(IsOpen(old_raw));
  EXPECT_EQ(target.get(), new_raw);
}

}  // namespace
}  // namespace cairn::util
