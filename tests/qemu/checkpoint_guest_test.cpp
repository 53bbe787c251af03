// Checkpoints of a real guest writing to real disks, through Cairn's public API on
// qemu:///embed: the bitmap marks exactly the written ranges (at its granularity), SIZE
// equals the bytes written, and both hold after cairn "restarts" (a new connection) and
// after the domain is stopped and started again. QUIESCE goes through the guest's qemu-ga.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "cairn/cairn.hpp"
#include "guest_domain.hpp"
#include "util/child_process.hpp"
#include "util/temp_dir.hpp"

namespace cairn::test {
namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kGranule = 64 * 1024;  // qcow2 cluster size: QEMU's default

class GuestCheckpoints : public GuestDomainTest {
 protected:
  // size= of each disk of a checkpoint, via dumpxml --size.
  std::map<std::string, std::uint64_t> Sizes(const std::string& checkpoint) const {
    auto cp = Dom().CheckpointLookupByName(checkpoint);
    EXPECT_TRUE(cp);
    auto xml = cp->GetXmlDesc(CheckpointXmlFlags::kSize | CheckpointXmlFlags::kNoDomain);
    EXPECT_TRUE(xml) << xml.error().Text();
    std::map<std::string, std::uint64_t> out;
    std::regex disk("<disk name='(\\w+)' checkpoint='bitmap' bitmap='[^']*' size='(\\d+)'/>");
    for (std::sregex_iterator it(xml->begin(), xml->end(), disk), end; it != end; ++it) {
      out[(*it)[1]] = std::stoull((*it)[2]);
    }
    return out;
  }

  // The dirty extents of bitmap `name` in disk image `disk` of the shut-off domain, read the
  // way a backup tool reads them: an NBD export with the qemu:dirty-bitmap context.
  std::string DirtyMap(const std::string& disk, const std::string& name) const {
    fs::path sock = Path("nbd-" + disk + "-" + name + ".sock");
    fs::remove(sock);
    std::vector<std::string> argv = {
        "qemu-storage-daemon",
        "--blockdev",
        "driver=file,node-name=f,filename=" + Image(disk) + ",read-only=on",
        "--blockdev",
        "driver=qcow2,node-name=q,file=f,read-only=on",
        "--nbd-server",
        "addr.type=unix,addr.path=" + sock.string(),
        "--export",
        "type=nbd,id=e,node-name=q,name=" + disk + ",bitmaps.0=" + name};
    auto daemon = util::ChildProcess::Spawn(argv, {.in = util::Redirect::Null(),
                                                   .out = util::Redirect::Null(),
                                                   .err = util::Redirect::Null()});
    EXPECT_TRUE(daemon);
    for (int i = 0; i < 500 && !fs::exists(sock); ++i) usleep(10000);
    auto map = util::RunCommand({"nbdinfo", "--map=qemu:dirty-bitmap:" + name,
                                 "nbd+unix:///" + disk + "?socket=" + sock.string()});
    EXPECT_TRUE(map && map->status.Success()) << (map ? map->err : map.error().Text());
    return map ? map->out : "";
  }
};

TEST_F(GuestCheckpoints, BitmapMarksExactlyTheWrittenRangesAndSizeEqualsTheBytes) {
  ASSERT_TRUE(Dom().CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  EXPECT_EQ(Sizes("c1"), (std::map<std::string, std::uint64_t>{{"vda", 0}, {"vdb", 0}}));

  // Granule-aligned on vda: exactly 3 granules. Unaligned on vdb: 4 KiB touching 2 granules.
  ASSERT_TRUE(console_->WritePattern("vda", 1 * kMiB, 3 * kGranule, 1));
  ASSERT_TRUE(console_->WritePattern("vdb", 8 * kMiB + kGranule - 2048, 4096, 2));
  EXPECT_EQ(Sizes("c1"),
            (std::map<std::string, std::uint64_t>{{"vda", 3 * kGranule}, {"vdb", 2 * kGranule}}));

  // A later checkpoint sees only what comes after it; the earlier one sees everything.
  ASSERT_TRUE(Dom().CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>"));
  ASSERT_TRUE(console_->WritePattern("vda", 32 * kMiB, kGranule, 3));
  EXPECT_EQ(Sizes("c2"), (std::map<std::string, std::uint64_t>{{"vda", kGranule}, {"vdb", 0}}));
  EXPECT_EQ(Sizes("c1")["vda"], 4 * kGranule);

  // cairn "restarts": a fresh connection reads the same state from the running QEMU.
  EXPECT_EQ(Sizes("c1")["vdb"], 2 * kGranule);

  // Stopped: the bitmaps are in the images, and they mark exactly the written granules.
  ASSERT_TRUE(Dom().Destroy());
  EXPECT_EQ(Sizes("c1"),
            (std::map<std::string, std::uint64_t>{{"vda", 4 * kGranule}, {"vdb", 2 * kGranule}}));
  std::string map = DirtyMap("vda", "c1");
  EXPECT_NE(map.find("1048576      196608    1  dirty"), std::string::npos) << map;
  EXPECT_NE(map.find("33554432       65536    1  dirty"), std::string::npos) << map;
  std::string mapb = DirtyMap("vdb", "c1");
  EXPECT_NE(mapb.find("8388608      131072    1  dirty"), std::string::npos) << mapb;

  // Started again: the same sizes, and new writes keep counting.
  StartAndConnect();
  EXPECT_EQ(Sizes("c2")["vda"], kGranule);
  ASSERT_TRUE(console_->WritePattern("vdb", 16 * kMiB, kGranule, 4));
  EXPECT_EQ(Sizes("c2")["vdb"], kGranule);
  EXPECT_EQ(Sizes("c1")["vdb"], 3 * kGranule);
}

TEST_F(GuestCheckpoints, QuiesceFreezesThroughTheGuestAgentAndThaws) {
  auto cp = Dom().CheckpointCreateXml("<domaincheckpoint><name>q1</name></domaincheckpoint>",
                                      CheckpointCreateFlags::kQuiesce);
  ASSERT_TRUE(cp) << cp.error().Text();
  // The guest is thawed: writing still works and is counted.
  ASSERT_TRUE(console_->WritePattern("vda", 0, kGranule, 5));
  EXPECT_EQ(Sizes("q1")["vda"], kGranule);
}

}  // namespace
}  // namespace cairn::test

namespace cairn::test {
namespace {

// The first dirty offset nbdinfo --map reports, or -1 if none is dirty.
long long FirstDirty(const std::string& map) {
  std::istringstream in(map);
  long long offset = 0, length = 0;
  int type = 0;
  std::string word;
  while (in >> offset >> length >> type) {
    std::getline(in, word);
    if (type == 1) return offset;
  }
  return -1;
}

TEST_F(GuestCheckpoints, AllDisksShareOneInstant) {
  // The guest writes granule k of vda, then granule k of vdb, for k = 0, 1, 2, ... while the
  // checkpoint is taken. One instant for both disks means: if vda is dirty from granule a,
  // vdb is dirty from a - 1 (taken between vda_k and vdb_k) or from a (between vdb_k and
  // vda_k+1) — never anything else.
  constexpr int kGranules = 300;
  ASSERT_TRUE(
      console_->Run("(k=0; while [ $k -lt " + std::to_string(kGranules) +
                    " ]; do "
                    "dd if=/dev/zero of=/dev/vda bs=65536 seek=$k count=1 conv=fsync 2>/dev/null; "
                    "dd if=/dev/zero of=/dev/vdb bs=65536 seek=$k count=1 conv=fsync 2>/dev/null; "
                    "k=$((k+1)); done; echo finished > /tmp/loop) >/dev/null 2>&1 &"));
  // Let the loop get going, then take the checkpoint in the middle of it.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ASSERT_TRUE(Dom().CheckpointCreateXml("<domaincheckpoint><name>mid</name></domaincheckpoint>"));
  ASSERT_TRUE(
      console_->Run("while [ ! -e /tmp/loop ]; do sleep 0.2; done", std::chrono::seconds(240)));
  ASSERT_TRUE(Dom().Destroy());
  long long a = FirstDirty(DirtyMap("vda", "mid"));
  long long b = FirstDirty(DirtyMap("vdb", "mid"));
  ASSERT_GT(a, 0) << "the checkpoint came before the loop started: nothing proven";
  ASSERT_GE(b, 0);
  EXPECT_TRUE(b == a || b == a - static_cast<long long>(kGranule))
      << "vda dirty from " << a << ", vdb dirty from " << b;
}

}  // namespace
}  // namespace cairn::test
