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

struct Cut {
  const char* point;  // $CAIRN_CRASH_AT
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
      setenv("CAIRN_CRASH_AT", GetParam().point, 1);
      Connection c = Open();
      op(*c.LookupDomainByName("vm1"));
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  Domain Prepare(std::initializer_list<const char*> checkpoints) {
    if (GetParam().live) EXPECT_TRUE(dom_->Start());
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
    if (GetParam().live) EXPECT_TRUE(Open().LookupDomainByName("vm1")->Destroy());
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
  EXPECT_TRUE(names == (std::set<std::string>{"c1"}) || names == (std::set<std::string>{"c1", "c2"}));
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
