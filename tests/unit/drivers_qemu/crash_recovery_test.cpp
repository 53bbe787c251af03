// Crash safety of checkpoint create and delete: a child process performs the change and is
// cut short at each step ($CAIRN_CRASH_AT), as if killed; the next command must see either
// the old or the new checkpoint set, with bitmaps and metadata agreeing.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>

#include "qemu_fixture.hpp"

namespace cairn::test {
namespace {

class CrashRecovery : public QemuRootTest, public testing::WithParamInterface<const char*> {
 protected:
  // Runs `op` in a child that dies at `point`; returns the child's exit code.
  template <typename Op>
  int RunAndCrash(const char* point, Op op) {
    pid_t pid = fork();
    if (pid == 0) {
      setenv("CAIRN_CRASH_AT", point, 1);
      Connection c = Open();
      op(*c.LookupDomainByName("vm1"));
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  void ExpectBitmapsMatchMetadata() {
    std::set<std::string> names = CheckpointNames();  // replays any journal first
    EXPECT_EQ(BitmapsIn("vda"), names);
    EXPECT_EQ(BitmapsIn("vdb"), names);
  }
};

class CreateCrash : public CrashRecovery {};
class DeleteCrash : public CrashRecovery {};

TEST_P(CreateCrash, LeavesOldOrNewSetWithBitmapsAndMetadataAgreeing) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  int code = RunAndCrash(GetParam(), [](const Domain& d) {
    (void)d.CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>");
  });
  ASSERT_EQ(code, 86) << "the child did not reach " << GetParam();
  std::set<std::string> names = CheckpointNames();
  EXPECT_TRUE(names == (std::set<std::string>{"c1"}) || names == (std::set<std::string>{"c1", "c2"}));
  ExpectBitmapsMatchMetadata();
  // And the domain is usable: the next create works.
  EXPECT_TRUE(Open().LookupDomainByName("vm1")->CheckpointCreateXml(
      "<domaincheckpoint><name>c3</name></domaincheckpoint>"));
  ExpectBitmapsMatchMetadata();
}

INSTANTIATE_TEST_SUITE_P(EveryStep, CreateCrash,
                         testing::Values("checkpoint-create:journal-written",
                                         "checkpoint-create:bitmaps-added",
                                         "checkpoint-create:metadata-saved"),
                         [](const auto& info) {
                           std::string s = info.param;
                           return s.substr(s.find(':') + 1) == "journal-written" ? "JournalWritten"
                                  : s.find("bitmaps") != std::string::npos ? "BitmapsAdded"
                                                                           : "MetadataSaved";
                         });

TEST_P(DeleteCrash, LeavesOldOrNewSetWithBitmapsAndMetadataAgreeing) {
  for (const char* n : {"c1", "c2", "c3"}) {
    ASSERT_TRUE(dom_->CheckpointCreateXml(std::string("<domaincheckpoint><name>") + n +
                                          "</name></domaincheckpoint>"));
  }
  int code = RunAndCrash(GetParam(), [](const Domain& d) {
    (void)d.CheckpointLookupByName("c2")->Delete();
  });
  ASSERT_EQ(code, 86) << "the child did not reach " << GetParam();
  std::set<std::string> names = CheckpointNames();
  EXPECT_TRUE(names == (std::set<std::string>{"c1", "c2", "c3"}) ||
              names == (std::set<std::string>{"c1", "c3"}));
  ExpectBitmapsMatchMetadata();
  if (!names.count("c2")) {
    auto c3 = Open().LookupDomainByName("vm1")->CheckpointLookupByName("c3");
    EXPECT_EQ(c3->GetParent()->name(), "c1");
  }
}

INSTANTIATE_TEST_SUITE_P(EveryStep, DeleteCrash,
                         testing::Values("checkpoint-delete:journal-written",
                                         "checkpoint-delete:bitmaps-removed",
                                         "checkpoint-delete:metadata-removed"),
                         [](const auto& info) {
                           std::string s = info.param;
                           return s.find("journal") != std::string::npos   ? "JournalWritten"
                                  : s.find("bitmaps") != std::string::npos ? "BitmapsRemoved"
                                                                           : "MetadataRemoved";
                         });

}  // namespace
}  // namespace cairn::test

namespace cairn::test {
namespace {

// The same cuts while the domain runs: bitmaps change over QMP, and what the images hold
// is checked after a clean stop.
class LiveCreateCrash : public CrashRecovery {};

TEST_P(LiveCreateCrash, LeavesOldOrNewSetWithBitmapsAndMetadataAgreeing) {
  ASSERT_TRUE(dom_->Start());
  auto dom = *Open().LookupDomainByName("vm1");
  ASSERT_TRUE(dom.CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  int code = RunAndCrash(GetParam(), [](const Domain& d) {
    (void)d.CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>");
  });
  ASSERT_EQ(code, 86) << "the child did not reach " << GetParam();
  std::set<std::string> names = CheckpointNames();  // replays the journal over QMP
  EXPECT_TRUE(names == (std::set<std::string>{"c1"}) || names == (std::set<std::string>{"c1", "c2"}));
  ASSERT_TRUE(Open().LookupDomainByName("vm1")->Destroy());
  ExpectBitmapsMatchMetadata();
}

INSTANTIATE_TEST_SUITE_P(EveryStep, LiveCreateCrash,
                         testing::Values("checkpoint-create:journal-written",
                                         "checkpoint-create:bitmaps-added",
                                         "checkpoint-create:metadata-saved"),
                         [](const auto& info) {
                           std::string s = info.param;
                           return s.find("journal") != std::string::npos   ? "JournalWritten"
                                  : s.find("bitmaps") != std::string::npos ? "BitmapsAdded"
                                                                           : "MetadataSaved";
                         });

class LiveDeleteCrash : public CrashRecovery {};

TEST_P(LiveDeleteCrash, LeavesOldOrNewSetWithBitmapsAndMetadataAgreeing) {
  ASSERT_TRUE(dom_->Start());
  auto dom = *Open().LookupDomainByName("vm1");
  for (const char* n : {"c1", "c2", "c3"}) {
    ASSERT_TRUE(dom.CheckpointCreateXml(std::string("<domaincheckpoint><name>") + n +
                                        "</name></domaincheckpoint>"));
  }
  int code = RunAndCrash(GetParam(), [](const Domain& d) {
    (void)d.CheckpointLookupByName("c2")->Delete();
  });
  ASSERT_EQ(code, 86) << "the child did not reach " << GetParam();
  std::set<std::string> names = CheckpointNames();
  EXPECT_TRUE(names == (std::set<std::string>{"c1", "c2", "c3"}) ||
              names == (std::set<std::string>{"c1", "c3"}));
  ASSERT_TRUE(Open().LookupDomainByName("vm1")->Destroy());
  ExpectBitmapsMatchMetadata();
}

INSTANTIATE_TEST_SUITE_P(EveryStep, LiveDeleteCrash,
                         testing::Values("checkpoint-delete:journal-written",
                                         "checkpoint-delete:bitmaps-removed",
                                         "checkpoint-delete:metadata-removed"),
                         [](const auto& info) {
                           std::string s = info.param;
                           return s.find("journal") != std::string::npos   ? "JournalWritten"
                                  : s.find("bitmaps") != std::string::npos ? "BitmapsRemoved"
                                                                           : "MetadataRemoved";
                         });

}  // namespace
}  // namespace cairn::test
