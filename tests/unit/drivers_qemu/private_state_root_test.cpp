// The state root is private to its owner: directories 0700 (an existing wider root is made
// so when opened), stored definitions 0600, whatever the umask — a domain's secrets are read
// by nobody else.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "qemu_fixture.hpp"

namespace cairn::test {
namespace {

namespace fs = std::filesystem;

unsigned ModeOf(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

class PrivateStateRoot : public QemuRootTest {};

TEST_F(PrivateStateRoot, DirectoriesAre0700AndDefinitions0600) {
  const fs::path root = Root();
  EXPECT_EQ(ModeOf(root), 0700u);
  for (const char* sub : {"domains", "checkpoints", "run", "locks"}) {
    EXPECT_EQ(ModeOf(root / sub), 0700u) << sub;
  }
  EXPECT_EQ(ModeOf(root / "domains" / "vm1.xml"), 0600u);
}

TEST_F(PrivateStateRoot, AWiderRootIsMadePrivateWhenOpened) {
  const fs::path root = Root();
  ASSERT_EQ(::chmod(root.c_str(), 0755), 0);
  ASSERT_TRUE(Connection::Open(Uri()));
  EXPECT_EQ(ModeOf(root), 0700u);
}

}  // namespace
}  // namespace cairn::test
