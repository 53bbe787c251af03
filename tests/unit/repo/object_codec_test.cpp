// ObjectCodec: sealed objects open to the same bytes, and anything altered or misplaced fails.
#include "support/repository_keys.hpp"
#include "repo/object_codec.hpp"

#include <gtest/gtest.h>

namespace cairn::repo {
namespace {

using cairn::testing::TestKey;

TEST(ObjectCodec, PlainObjectsRoundTripAndCompressWhenThatSaves) {
  ObjectCodec codec(std::nullopt, 1);
  const std::string zeros(65536, 'a');
  Result<std::string> sealed = codec.Seal("chunks/aa/x", zeros);
  ASSERT_TRUE(sealed);
  EXPECT_LT(sealed->size(), 1000u);
  EXPECT_EQ(*codec.Open("chunks/aa/x", *sealed), zeros);
}

TEST(ObjectCodec, IncompressibleDataIsStoredAsIs) {
  ObjectCodec codec(std::nullopt, 1);
  std::string noise(4096, '\0');
  std::uint32_t x = 12345;
  for (char& c : noise) c = static_cast<char>((x = x * 1103515245 + 12345) >> 24);
  Result<std::string> sealed = codec.Seal("n", noise);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->size(), noise.size() + 5);
  EXPECT_EQ(*codec.Open("n", *sealed), noise);
}

TEST(ObjectCodec, EncryptedObjectsRoundTripAndHideTheData) {
  ObjectCodec codec(TestKey(7), 1);
  const std::string text = "the guest's secret data, repeated; repeated; repeated";
  Result<std::string> sealed = codec.Seal("manifests/u/b", text);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->find("secret"), std::string::npos);
  EXPECT_EQ(*codec.Open("manifests/u/b", *sealed), text);
}

TEST(ObjectCodec, AnEncryptedObjectUnderAnotherNameFailsToOpen) {
  ObjectCodec codec(TestKey(7), 1);
  Result<std::string> sealed = codec.Seal("chunks/aa/1", "data");
  Result<std::string> moved = codec.Open("chunks/aa/2", *sealed);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code(), ErrorCode::kOperationFailed);
}

TEST(ObjectCodec, AnotherKeyOrAFlippedBitFailsToOpen) {
  ObjectCodec codec(TestKey(7), 1);
  std::string sealed = *codec.Seal("x", "data data data");
  EXPECT_FALSE(ObjectCodec(TestKey(8), 1).Open("x", sealed));
  sealed[sealed.size() / 2] ^= 1;
  EXPECT_FALSE(codec.Open("x", sealed));
}

TEST(ObjectCodec, APlainObjectInAnEncryptedRepositoryIsRefused) {
  std::string plain = *ObjectCodec(std::nullopt, 1).Seal("x", "data");
  EXPECT_FALSE(ObjectCodec(TestKey(7), 1).Open("x", plain));
}

TEST(ObjectCodec, ChunkIdsAreSha256OrKeyed) {
  ObjectCodec plain(std::nullopt, 1);
  EXPECT_EQ(Hex(plain.ChunkId("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(ObjectCodec(TestKey(7), 1).ChunkId("abc"), plain.ChunkId("abc"));
  EXPECT_NE(ObjectCodec(TestKey(7), 1).ChunkId("abc"), ObjectCodec(TestKey(8), 1).ChunkId("abc"));
}

TEST(ObjectCodec, GarbageIsReportedAsDamage) {
  ObjectCodec codec(std::nullopt, 1);
  Result<std::string> r = codec.Open("chunks/aa/b", "not a frame");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail().find("chunks/aa/b"), std::string::npos);
}

}  // namespace
}  // namespace cairn::repo
