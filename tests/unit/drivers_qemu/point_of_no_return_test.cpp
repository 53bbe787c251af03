// A checkpoint create that fails after its bitmaps were added (the metadata cannot be
// written) is completed by the next command; its own error must say so, not only that it
// failed.
#include <gtest/gtest.h>

#include <filesystem>

#include "qemu_fixture.hpp"

namespace cairn::test {
namespace {

namespace fs = std::filesystem;

class PointOfNoReturn : public QemuRootTest {};

TEST_F(PointOfNoReturn, CreateFailingAfterItsBitmapsSaysItWillBeCompleted) {
  ASSERT_TRUE(dom_->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  // A directory where c2's file goes: the rename of its metadata fails, after the bitmaps.
  const fs::path blocker = Root() + "/checkpoints/vm1/c2.xml";
  fs::create_directory(blocker);

  auto cp = dom_->CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>");

  ASSERT_FALSE(cp);
  EXPECT_NE(cp.error().detail().find("; creating checkpoint 'c2' is past its point of no return "
                                     "and will be completed by the next command on domain 'vm1'"),
            std::string::npos)
      << cp.error().Text();
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c1", "c2"}));
  // ... and it is: once the cause is gone, the next command finishes it.
  fs::remove(blocker);
  EXPECT_EQ(CheckpointNames(), (std::set<std::string>{"c1", "c2"}));
  EXPECT_TRUE(fs::is_regular_file(blocker));
}

}  // namespace
}  // namespace cairn::test
