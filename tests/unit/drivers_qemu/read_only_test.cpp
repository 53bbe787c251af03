// Reading a qemu domain never needs write access and never changes it: a read-only
// connection over a journal a killed writer left sees the state the journal's replay will
// produce and leaves the journal in place; a user without write permission can list. And a
// domain lock held elsewhere makes a writer give up with libvirt's timeout, naming the holder.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "drivers/qemu/test_hooks.hpp"
#include "qemu_fixture.hpp"
#include "util/file_lock.hpp"

namespace cairn::test {
namespace {

namespace fs = std::filesystem;

class ReadOnly : public QemuRootTest {
 protected:
  void TearDown() override {
    drivers::qemu::InstallTestHooks({});
    QemuRootTest::TearDown();
  }

  std::string JournalPath() const { return Root() + "/checkpoints/vm1/.journal"; }

  // Creates `name` in a child that dies at `point`; the journal stays behind.
  void CreateAndCrashAt(const char* point, const std::string& name) {
    pid_t pid = fork();
    if (pid == 0) {
      drivers::qemu::InstallTestHooks({.crash_at = point});
      (void)Open().LookupDomainByName("vm1")->CheckpointCreateXml(
          "<domaincheckpoint><name>" + name + "</name></domaincheckpoint>");
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 86) << "no crash at " << point;
    ASSERT_TRUE(fs::exists(JournalPath()));
  }

  std::set<std::string> ReadOnlyNames() const {
    auto c = Connection::Open(Uri(), /*read_only=*/true);
    EXPECT_TRUE(c) << c.error().Text();
    std::set<std::string> names;
    auto list = c->LookupDomainByName("vm1")->ListAllCheckpoints();
    EXPECT_TRUE(list) << list.error().Text();
    if (list) {
      for (const auto& cp : *list) names.insert(cp.name());
    }
    return names;
  }

  void Create(const std::string& name) {
    auto cp = dom_->CheckpointCreateXml("<domaincheckpoint><name>" + name +
                                        "</name></domaincheckpoint>");
    ASSERT_TRUE(cp) << cp.error().Text();
  }
};

TEST_F(ReadOnly, ListOverACreateWhoseBitmapsExistSeesItAndLeavesTheJournal) {
  Create("c1");
  CreateAndCrashAt("checkpoint-create:bitmaps-added", "c2");

  EXPECT_EQ(ReadOnlyNames(), (std::set<std::string>{"c1", "c2"}));
  EXPECT_TRUE(fs::exists(JournalPath()));
  EXPECT_FALSE(fs::exists(Root() + "/checkpoints/vm1/c2.xml"));
  // A writable connection's look repairs, to the same state.
  EXPECT_EQ(CheckpointNames(), (std::set<std::string>{"c1", "c2"}));
  EXPECT_FALSE(fs::exists(JournalPath()));
}

TEST_F(ReadOnly, ReaderOverAJournalIsToldARepairIsPending) {
  Create("c1");
  CreateAndCrashAt("checkpoint-create:bitmaps-added", "c2");
  auto c = Connection::Open(Uri(), /*read_only=*/true);
  ASSERT_TRUE(c) << c.error().Text();

  auto pending = c->LookupDomainByName("vm1")->CheckpointRepairPending();

  ASSERT_TRUE(pending) << pending.error().Text();
  EXPECT_TRUE(*pending);
  EXPECT_TRUE(fs::exists(JournalPath()));
}

TEST_F(ReadOnly, WriterRepairsSoNoRepairIsPendingAfterwards) {
  Create("c1");
  CreateAndCrashAt("checkpoint-create:bitmaps-added", "c2");

  auto pending = Open().LookupDomainByName("vm1")->CheckpointRepairPending();

  ASSERT_TRUE(pending) << pending.error().Text();
  EXPECT_FALSE(*pending);
  EXPECT_FALSE(fs::exists(JournalPath()));
}

TEST_F(ReadOnly, ReaderWithoutAJournalIsToldNoRepairIsPending) {
  Create("c1");
  auto c = Connection::Open(Uri(), /*read_only=*/true);
  ASSERT_TRUE(c) << c.error().Text();

  auto pending = c->LookupDomainByName("vm1")->CheckpointRepairPending();

  ASSERT_TRUE(pending) << pending.error().Text();
  EXPECT_FALSE(*pending);
}

TEST_F(ReadOnly, ListOverACreateWithoutBitmapsDoesNotSeeIt) {
  Create("c1");
  CreateAndCrashAt("checkpoint-create:journal-written", "c2");

  EXPECT_EQ(ReadOnlyNames(), (std::set<std::string>{"c1"}));
  EXPECT_TRUE(fs::exists(JournalPath()));
}

TEST_F(ReadOnly, UserWithoutWritePermissionListsOverAPendingJournal) {
  Create("c1");
  CreateAndCrashAt("checkpoint-create:bitmaps-added", "c2");
  // nobody may read (and traverse) everything, and write nothing. The root is private
  // (0700, files 0600) unless its owner shares it, as here.
  const fs::perms shared = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec;
  fs::permissions(dir_->path(), shared);
  fs::permissions(Root(), shared);
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(Root())) {
    fs::permissions(e.path(), e.is_directory() ? shared : fs::perms::owner_read |
                                                          fs::perms::owner_write |
                                                          fs::perms::group_read |
                                                          fs::perms::others_read);
  }
  const auto before = fs::last_write_time(JournalPath());

  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    ::close(pipe_fds[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) _exit(3);
    auto c = Connection::Open(Uri(), /*read_only=*/true);
    if (!c) _exit(4);
    auto list = c->LookupDomainByName("vm1")->ListAllCheckpoints();
    std::string out = list ? "" : list.error().Text();
    if (list) {
      for (const auto& cp : *list) out += cp.name() + " ";
    }
    (void)!::write(pipe_fds[1], out.data(), out.size());
    _exit(0);
  }
  ::close(pipe_fds[1]);
  std::string got;
  char buf[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof(buf))) > 0;) got.append(buf, n);
  ::close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);

  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << WEXITSTATUS(status);
  EXPECT_EQ(got, "c1 c2 ");
  EXPECT_EQ(fs::last_write_time(JournalPath()), before);
}

TEST_F(ReadOnly, WriterGivesUpOnAHeldLockNamingTheHolder) {
  auto held = util::FileLock::Acquire(Root() + "/locks/vm1.lock");
  ASSERT_TRUE(held) << held.error().Text();
  drivers::qemu::InstallTestHooks({.lock_timeout = std::chrono::milliseconds(200)});

  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>");

  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().code(), ErrorCode::kOperationTimeout);
  EXPECT_EQ(cp.error().detail().rfind("cannot acquire state change lock (held by pid " +
                                          std::to_string(::getpid()) + ": ",
                                      0),
            0u)
      << cp.error().Text();
}

TEST_F(ReadOnly, ReaderDoesNotWaitForAHeldLock) {
  Create("c1");
  auto held = util::FileLock::Acquire(Root() + "/locks/vm1.lock");
  ASSERT_TRUE(held);
  drivers::qemu::InstallTestHooks({.lock_timeout = std::chrono::milliseconds(200)});

  EXPECT_EQ(ReadOnlyNames(), (std::set<std::string>{"c1"}));
  EXPECT_EQ(CheckpointNames(), (std::set<std::string>{"c1"}));
}

TEST_F(ReadOnly, WriterRemovesAKilledWritersTempFile) {
  Create("c1");
  const std::string stray = Root() + "/checkpoints/vm1/.c2.xml.tmp-AbC123";
  std::ofstream(stray) << "<domaincheckpoint>";

  Create("c2");

  EXPECT_FALSE(fs::exists(stray));
  EXPECT_TRUE(fs::exists(Root() + "/checkpoints/vm1/c2.xml"));
}

}  // namespace
}  // namespace cairn::test
