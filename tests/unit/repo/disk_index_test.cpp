// DiskIndex: every slot of a disk survives encoding, zero runs stay small, damage is named.
#include "repo/disk_index.hpp"

#include <gtest/gtest.h>

namespace cairn::repo {
namespace {

Key256 Id(unsigned char b) {
  Key256 id{};
  id.fill(b);
  return id;
}

TEST(DiskIndex, SlotsCoverTheDiskAndTheLastMayBeShort) {
  DiskIndex index(3 * 65536 + 100, 65536);
  ASSERT_EQ(index.slot_count(), 4u);
  EXPECT_EQ(index.SlotBytes(0), 65536u);
  EXPECT_EQ(index.SlotBytes(3), 100u);
}

TEST(DiskIndex, EncodeDecodeRoundTrips) {
  DiskIndex index(10 * 4096, 4096);
  index.set_slot(0, Id(1));
  index.set_slot(5, Id(2));
  index.set_slot(6, Id(1));
  Result<DiskIndex> back = DiskIndex::Decode("i", index.Encode());
  ASSERT_TRUE(back) << back.error().Text();
  ASSERT_EQ(back->slot_count(), 10u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(back->slot(i), index.slot(i)) << i;
  EXPECT_EQ(back->DistinctChunks(), (std::vector<Key256>{Id(1), Id(2)}));
}

TEST(DiskIndex, AnEmptyTerabyteIsAFewBytes) {
  DiskIndex index(1ull << 40, 65536);
  EXPECT_LT(index.Encode().size(), 32u);
}

TEST(DiskIndex, TruncatedOrShortIndexesAreDamaged) {
  DiskIndex index(4 * 4096, 4096);
  index.set_slot(3, Id(9));
  std::string bytes = index.Encode();
  EXPECT_FALSE(DiskIndex::Decode("i", bytes.substr(0, bytes.size() - 1)));
  DiskIndex shorter(3 * 4096, 4096);
  std::string other = shorter.Encode();
  other.replace(4, 8, bytes.substr(4, 8));  // claims 4 slots, covers 3
  Result<DiskIndex> r = DiskIndex::Decode("indexes/b/vda", other);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail().find("indexes/b/vda"), std::string::npos);
}

TEST(DiskIndex, ChunkIdsParseFromHex) {
  EXPECT_EQ(ParseChunkId(Hex(Id(0xab))), Id(0xab));
  EXPECT_FALSE(ParseChunkId("xyz"));
}

}  // namespace
}  // namespace cairn::repo
