// NbdExport, ExtentCursor and ParallelReader against a real qemu-nbd serving a qcow2 image
// with a persistent dirty bitmap (what a pull backup's export offers).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "nbd/extent_cursor.hpp"
#include "nbd/nbd_export.hpp"
#include "nbd/parallel_reader.hpp"
#include "support/qemu_nbd_server.hpp"
#include "util/temp_dir.hpp"

namespace cairn::nbd {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;

// An 8 MiB qcow2: 1 MiB of 0xaa at 1 MiB; then bitmap "b0"; then 64 KiB of 0xbb at 4 MiB
// (dirty in b0); served read-only over a unix socket with b0 exported.
class NbdExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = util::TempDir::Create("cairn-nbd-test");
    ASSERT_TRUE(dir);
    dir_.emplace(std::move(*dir));
    image_ = (dir_->path() / "disk.qcow2").string();
    socket_ = (dir_->path() / "nbd.sock").string();
    using cairn::testing::RunTool;
    ASSERT_TRUE(RunTool({"qemu-img", "create", "-q", "-f", "qcow2", image_, "8M"}));
    ASSERT_TRUE(RunTool({"qemu-io", "-f", "qcow2", "-c", "write -P 0xaa 1M 1M", image_}));
    ASSERT_TRUE(RunTool({"qemu-img", "bitmap", "--add", image_, "b0"}));
    ASSERT_TRUE(RunTool({"qemu-io", "-f", "qcow2", "-c", "write -P 0xbb 4M 64k", image_}));
    server_.emplace(image_, socket_, "b0");
  }
  std::string Uri() const { return server_->Uri(); }

  std::optional<util::TempDir> dir_;
  std::string image_, socket_;
  std::optional<cairn::testing::QemuNbdServer> server_;
};

TEST_F(NbdExportTest, ConnectReportsSizeAndTheContextsTheServerAgreed) {
  auto source = NbdExport::Connect(Uri(), {std::string(kBaseAllocation), "qemu:dirty-bitmap:b0"});
  ASSERT_TRUE(source) << source.error().Text();
  EXPECT_EQ(source->size(), 8 * kMiB);
  EXPECT_TRUE(source->HasContext(kBaseAllocation));
  EXPECT_TRUE(source->HasContext("qemu:dirty-bitmap:b0"));
  EXPECT_FALSE(source->HasContext("qemu:dirty-bitmap:nope"));
  EXPECT_TRUE(source->read_only());
}

TEST_F(NbdExportTest, AFailedConnectionNamesTheUri) {
  auto source = NbdExport::Connect("nbd+unix:///?socket=" + socket_ + ".missing");
  ASSERT_FALSE(source);
  EXPECT_NE(source.error().detail().find(".missing"), std::string::npos);
}

TEST_F(NbdExportTest, AllocationExtentsShowDataAndHoles) {
  auto source = NbdExport::Connect(Uri(), {std::string(kBaseAllocation)});
  ASSERT_TRUE(source);
  ExtentCursor cursor(*source, std::string(kBaseAllocation), 2 * kMiB);  // several windows
  std::uint64_t at = 0, data = 0;
  while (true) {
    auto e = cursor.Next();
    ASSERT_TRUE(e) << e.error().Text();
    if (!*e) break;
    EXPECT_EQ((*e)->offset, at);
    at += (*e)->length;
    if (((*e)->flags & kStateHole) == 0) data += (*e)->length;
  }
  EXPECT_EQ(at, 8 * kMiB);
  EXPECT_EQ(data, kMiB + 64 * 1024);
}

TEST_F(NbdExportTest, TheDirtyBitmapShowsOnlyWritesAfterIt) {
  auto source = NbdExport::Connect(Uri(), {"qemu:dirty-bitmap:b0"});
  ASSERT_TRUE(source);
  ExtentCursor cursor(*source, "qemu:dirty-bitmap:b0");
  auto before = cursor.At(1 * kMiB);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->flags & kStateDirty, 0u);  // written before the bitmap existed
  auto dirty = cursor.At(4 * kMiB);
  ASSERT_TRUE(dirty);
  EXPECT_EQ(dirty->flags & kStateDirty, kStateDirty);
  EXPECT_EQ(dirty->length, 64 * 1024u);
}

TEST_F(NbdExportTest, ParallelReadsReturnEveryRangeWithItsBytes) {
  auto source = NbdExport::Connect(Uri());
  ASSERT_TRUE(source);
  std::uint64_t next_offset = 0;
  std::map<std::uint64_t, std::string> got;
  ParallelReader reader(*source, 16);
  Status ok = reader.Run(
      [&]() -> std::optional<ReadRequest> {
        if (next_offset >= 8 * kMiB) return std::nullopt;
        ReadRequest r{next_offset, 64 * 1024};
        next_offset += r.length;
        return r;
      },
      [&](std::uint64_t offset, std::string&& data) -> Status {
        got.emplace(offset, std::move(data));
        return {};
      });
  ASSERT_TRUE(ok) << ok.error().Text();
  ASSERT_EQ(got.size(), 128u);
  EXPECT_EQ(got[kMiB], std::string(64 * 1024, '\xaa'));
  EXPECT_EQ(got[4 * kMiB], std::string(64 * 1024, '\xbb'));
  EXPECT_EQ(got[0], std::string(64 * 1024, '\0'));
}

TEST_F(NbdExportTest, AnErrorFromTheConsumerStopsTheReader) {
  auto source = NbdExport::Connect(Uri());
  ASSERT_TRUE(source);
  std::uint64_t next_offset = 0;
  int calls = 0;
  ParallelReader reader(*source, 4);
  Status ok = reader.Run(
      [&]() -> std::optional<ReadRequest> {
        if (next_offset >= 8 * kMiB) return std::nullopt;
        ReadRequest r{next_offset, 4096};
        next_offset += r.length;
        return r;
      },
      [&](std::uint64_t, std::string&&) -> Status {
        ++calls;
        return Fail(ErrorCode::kSystemError, ErrorDomain::kNone, "disk full");
      });
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().detail(), "disk full");
  EXPECT_LT(next_offset, 8 * kMiB);  // it stopped issuing
}

}  // namespace
}  // namespace cairn::nbd
