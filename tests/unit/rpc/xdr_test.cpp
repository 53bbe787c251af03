// XDR as libvirt's RPC uses it: the reference's observed bytes, round trips, and bounded
// decoding of hostile input.
#include "rpc/xdr.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "hex.hpp"

namespace cairn::test {
namespace {

using rpc::XdrReader;
using rpc::XdrWriter;

TEST(Xdr, StringIsLengthBytesAndPaddingAsObserved) {
  XdrWriter w;
  w.PutString("qemu:///system");
  EXPECT_EQ(ToHex(w.bytes()), "0000000e 71656d75 3a2f2f2f 73797374 656d0000");
}

TEST(Xdr, ScalarsAreBigEndianWords) {
  XdrWriter w;
  w.PutInt32(-1);
  w.PutUint32(0x20008086);
  w.PutUint64(62);
  w.PutBool(true);
  EXPECT_EQ(ToHex(w.bytes()), "ffffffff 20008086 00000000 0000003e 00000001");
}

TEST(Xdr, EverythingWrittenReadsBack) {
  XdrWriter w;
  w.PutInt32(std::numeric_limits<std::int32_t>::min());
  w.PutInt64(-5);
  w.PutUint64(std::numeric_limits<std::uint64_t>::max());
  w.PutDouble(2.5);
  w.PutString("");
  w.PutString("abcde");
  w.PutFixedOpaque(std::string("\x01\x02\x03", 3));
  w.PutOptionalString(std::nullopt);
  w.PutOptionalString("x");
  XdrReader r(w.bytes());
  EXPECT_EQ(*r.GetInt32(), std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(*r.GetInt64(), -5);
  EXPECT_EQ(*r.GetUint64(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(*r.GetDouble(), 2.5);
  EXPECT_EQ(*r.GetString(), "");
  EXPECT_EQ(*r.GetString(), "abcde");
  EXPECT_EQ(*r.GetFixedOpaque(3), std::string("\x01\x02\x03", 3));
  EXPECT_EQ(*r.GetOptionalString(), std::nullopt);
  EXPECT_EQ(*r.GetOptionalString(), "x");
  EXPECT_TRUE(r.ExpectEnd());
}

TEST(Xdr, TruncatedInputIsAnRpcError) {
  const std::string r_bytes = FromHex("0000000a 6162");
  XdrReader r(r_bytes);  // a 10-byte string with 2 bytes present
  auto s = r.GetString();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kRpc);
  EXPECT_EQ(s.error().domain(), ErrorDomain::kRpc);
}

TEST(Xdr, LengthsAboveTheLimitAreRefusedBeforeReading) {
  const std::string r_bytes = FromHex("ffffffff");
  XdrReader r(r_bytes);
  auto s = r.GetString(1024);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().detail(), "XDR string of 4294967295 bytes exceeds 1024");
  const std::string c_bytes = FromHex("00004001");
  XdrReader c(c_bytes);
  auto n = c.GetCount(16384);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().detail(), "XDR array of 16385 items exceeds 16384");
}

TEST(Xdr, BooleansAreZeroOrOne) {
  const std::string r_bytes = FromHex("00000002");
  XdrReader r(r_bytes);
  EXPECT_FALSE(r.GetBool());
}

TEST(Xdr, TrailingBytesAreReported) {
  const std::string r_bytes = FromHex("00000001 00000002");
  XdrReader r(r_bytes);
  ASSERT_TRUE(r.GetInt32());
  EXPECT_FALSE(r.ExpectEnd());
}

}  // namespace
}  // namespace cairn::test
