// Crash safety of checkpoint create and delete: a child process performs the change and is
// cut short at each step (TestHooks::crash_at), as if killed; the next command must see either
// the old or the new checkpoint set, with bitmaps and metadata agreeing.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "qemu_fixture.hpp"
#include "drivers/qemu/test_hooks.hpp"
#include "util/atomic_file.hpp"

namespace cairn::test {
namespace {

struct Cut {
  const char* point;  // TestHooks::crash_at
  bool live;          // the domain runs (bitmaps over QMP) or not (bitmaps via qemu-img)
};

std::string CutName(const testing::TestParamInfo<Cut>& info) {
  std::string step = info.param.point;
  step = step.substr(step.find(':') + 1);
  std::string name = info.param.live ? "Live_" : "Offline_";
  for (char c : step) name += c == '-' ? '_' : c;
  return name;
}

class CrashRecovery : public QemuRootTest, public testing::WithParamInterface<Cut> {
 protected:
  // Runs `op` in a child that dies at the cut; returns the child's exit code.
  template <typename Op>
  int RunAndCrash(Op op) {
    pid_t pid = fork();
    if (pid == 0) {
      drivers::qemu::InstallTestHooks({.crash_at = GetParam().point});
      Connection c = Open();
      op(*c.LookupDomainByName("vm1"));
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  Domain Prepare(std::initializer_list<const char*> checkpoints) {
    if (GetParam().live) {
      EXPECT_TRUE(dom_->Start());
    }
    Domain dom = *Open().LookupDomainByName("vm1");
    for (const char* n : checkpoints) {
      EXPECT_TRUE(dom.CheckpointCreateXml(std::string("<domaincheckpoint><name>") + n +
                                          "</name></domaincheckpoint>"));
    }
    return dom;
  }

  // Replays the journal (by listing), stops the domain so the images hold its bitmaps,
  // and checks that images and metadata name the same checkpoints.
  std::set<std::string> SettleAndCheck() {
    std::set<std::string> names = CheckpointNames();
    if (GetParam().live) {
      EXPECT_TRUE(Open().LookupDomainByName("vm1")->Destroy());
    }
    EXPECT_EQ(BitmapsIn("vda"), names);
    EXPECT_EQ(BitmapsIn("vdb"), names);
    return names;
  }
};

class CreateCrash : public CrashRecovery {};
class DeleteCrash : public CrashRecovery {};

TEST_P(CreateCrash, LeavesOldOrNewSetWithBitmapsAndMetadataAgreeing) {
  Prepare({"c1"});
  ASSERT_EQ(RunAndCrash([](const Domain& d) {
              (void)d.CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>");
            }),
            86)
      << "the child did not reach " << GetParam().point;
  std::set<std::string> names = SettleAndCheck();
  EXPECT_TRUE(names == (std::set<std::string>{"c1"}) ||
              names == (std::set<std::string>{"c1", "c2"}));
  // And the domain is usable: the next create works and agrees too.
  EXPECT_TRUE(Open().LookupDomainByName("vm1")->CheckpointCreateXml(
      "<domaincheckpoint><name>c3</name></domaincheckpoint>"));
  EXPECT_EQ(BitmapsIn("vda"), CheckpointNames());
}

TEST_P(DeleteCrash, LeavesOldOrNewSetWithBitmapsAndMetadataAgreeing) {
  Prepare({"c1", "c2", "c3"});
  ASSERT_EQ(RunAndCrash([](const Domain& d) { (void)d.CheckpointLookupByName("c2")->Delete(); }),
            86)
      << "the child did not reach " << GetParam().point;
  std::set<std::string> names = SettleAndCheck();
  EXPECT_TRUE(names == (std::set<std::string>{"c1", "c2", "c3"}) ||
              names == (std::set<std::string>{"c1", "c3"}));
  if (!names.count("c2")) {
    auto c3 = Open().LookupDomainByName("vm1")->CheckpointLookupByName("c3");
    EXPECT_EQ(c3->GetParent()->name(), "c1");
  }
}

TEST_P(DeleteCrash, DeletingTheCurrentOneLeavesItsParentCurrent) {
  Prepare({"c1", "c2", "c3"});
  ASSERT_EQ(RunAndCrash([](const Domain& d) { (void)d.CheckpointLookupByName("c3")->Delete(); }),
            86)
      << "the child did not reach " << GetParam().point;
  const std::set<std::string> names = CheckpointNames();
  ASSERT_TRUE(names == (std::set<std::string>{"c1", "c2", "c3"}) ||
              names == (std::set<std::string>{"c1", "c2"}));
  auto next = Open().LookupDomainByName("vm1")->CheckpointCreateXml(
      "<domaincheckpoint><name>c9</name></domaincheckpoint>");
  ASSERT_TRUE(next) << next.error().Text();
  EXPECT_EQ(next->GetParent()->name(), names.count("c3") ? "c3" : "c2");
}

// ClearJournal does not sync the unlink of the journal (checkpoint_store.hpp): after a crash
// the journal of a completed change may come back. Replaying it again must change nothing.
class JournalComesBack : public CrashRecovery {
 protected:
  std::string JournalPath() const { return Root() + "/checkpoints/vm1/.journal"; }
};

TEST_P(JournalComesBack, ReplayingACompletedChangeAgainChangesNothing) {
  Prepare({"c1", "c2", "c3"});
  const bool create = std::string(GetParam().point).starts_with("checkpoint-create");
  ASSERT_EQ(RunAndCrash([create](const Domain& d) {
              if (create) {
                (void)d.CheckpointCreateXml("<domaincheckpoint><name>c4</name></domaincheckpoint>");
              } else {
                (void)d.CheckpointLookupByName("c2")->Delete();
              }
            }),
            86);
  auto journal = util::ReadFile(JournalPath());
  ASSERT_TRUE(journal) << journal.error().Text();
  const std::set<std::string> names = CheckpointNames();  // replays and clears the journal
  ASSERT_FALSE(std::filesystem::exists(JournalPath()));
  const std::set<std::string> expected =
      create ? std::set<std::string>{"c1", "c2", "c3", "c4"} : std::set<std::string>{"c1", "c3"};
  EXPECT_EQ(names, expected);

  ASSERT_TRUE(util::WriteFileAtomically(JournalPath(), *journal));  // "lost" unlink
  EXPECT_EQ(CheckpointNames(), names);
  EXPECT_FALSE(std::filesystem::exists(JournalPath()));
  auto c3 = Open().LookupDomainByName("vm1")->CheckpointLookupByName("c3");
  ASSERT_TRUE(c3);
  EXPECT_EQ(c3->GetParent()->name(), create ? "c2" : "c1");
  // The current checkpoint (parent of the next) is what the completed change left.
  auto next = Open().LookupDomainByName("vm1")->CheckpointCreateXml(
      "<domaincheckpoint><name>c9</name></domaincheckpoint>");
  ASSERT_TRUE(next) << next.error().Text();
  EXPECT_EQ(next->GetParent()->name(), create ? "c4" : "c3");
  std::set<std::string> with_next = names;
  with_next.insert("c9");
  EXPECT_EQ(SettleAndCheck(), with_next);
}

INSTANTIATE_TEST_SUITE_P(AfterMetadata, JournalComesBack,
                         testing::Values(Cut{"checkpoint-create:metadata-saved", false},
                                         Cut{"checkpoint-delete:metadata-removed", false},
                                         Cut{"checkpoint-create:metadata-saved", true},
                                         Cut{"checkpoint-delete:metadata-removed", true}),
                         CutName);

INSTANTIATE_TEST_SUITE_P(EveryStep, CreateCrash,
                         testing::Values(Cut{"checkpoint-create:journal-written", false},
                                         Cut{"checkpoint-create:bitmaps-added", false},
                                         Cut{"checkpoint-create:metadata-saved", false},
                                         Cut{"checkpoint-create:journal-written", true},
                                         Cut{"checkpoint-create:bitmaps-added", true},
                                         Cut{"checkpoint-create:metadata-saved", true}),
                         CutName);

INSTANTIATE_TEST_SUITE_P(EveryStep, DeleteCrash,
                         testing::Values(Cut{"checkpoint-delete:journal-written", false},
                                         Cut{"checkpoint-delete:bitmaps-removed", false},
                                         Cut{"checkpoint-delete:metadata-removed", false},
                                         Cut{"checkpoint-delete:journal-written", true},
                                         Cut{"checkpoint-delete:bitmaps-removed", true},
                                         Cut{"checkpoint-delete:metadata-removed", true}),
                         CutName);

}  // namespace
}  // namespace cairn::test
