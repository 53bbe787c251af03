// The REMOTE program's shared structures: the observed typed parameters of a job's
// statistics, handles, and errors both ways.
#include "rpc/remote_types.hpp"

#include <gtest/gtest.h>

#include "hex.hpp"

namespace cairn::test {
namespace {

using namespace cairn::rpc;

TEST(RemoteTypes, TypedParamsAreTheObservedJobStatsBytes) {
  XdrWriter w;
  Put(w, TypedParam{"operation", std::int32_t{9}});
  EXPECT_EQ(ToHex(w.bytes()), "00000009 6f706572 6174696f 6e000000 00000001 00000009");
  XdrWriter t;
  Put(t, TypedParam{"time_elapsed", std::uint64_t{62}});
  EXPECT_EQ(ToHex(t.bytes()),
            "0000000c 74696d65 5f656c61 70736564 00000004 00000000 0000003e");
}

TEST(RemoteTypes, EveryTypedValueReadsBack) {
  std::vector<TypedParam> params = {
      {"i", std::int32_t{-3}}, {"u", std::uint32_t{7}},  {"l", std::int64_t{-9}},
      {"ul", std::uint64_t{1} << 40}, {"d", 0.5},      {"b", true},
      {"s", std::string("Operation canceled")}};
  XdrWriter w;
  w.PutUint32(static_cast<std::uint32_t>(params.size()));
  for (const TypedParam& p : params) Put(w, p);
  XdrReader r(w.bytes());
  auto back = GetTypedParams(r, kJobStatsMax);
  ASSERT_TRUE(back) << back.error().Text();
  EXPECT_EQ(*back, params);
  EXPECT_TRUE(r.ExpectEnd());
}

TEST(RemoteTypes, AnUnknownTypedParamTypeIsRefused) {
  const std::string r_bytes = FromHex("00000001 78000000 00000008 00000000");
  XdrReader r(r_bytes);
  auto p = GetTypedParam(r);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().detail(), "typed parameter 'x' has unknown type 8");
}

TEST(RemoteTypes, CheckpointHandleReadsBack) {
  RemoteCheckpoint c{"c1", {"vm", std::string(16, '\x11'), -1}};
  XdrWriter w;
  Put(w, c);
  XdrReader r(w.bytes());
  auto back = GetCheckpoint(r);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, c);
}

// The reference's observed error: a root checkpoint's GET_PARENT on libvirtd.
TEST(RemoteTypes, ErrorCarriesLibvirtsFormatAndArgument) {
  Error e(ErrorCode::kNoDomainCheckpoint, ErrorDomain::kQemu,
          "checkpoint 'c1' does not have a parent");
  RemoteError r = ToRemoteError(e);
  EXPECT_EQ(r.code, 103);
  EXPECT_EQ(r.domain, 10);
  EXPECT_EQ(r.message, "Domain checkpoint not found: checkpoint 'c1' does not have a parent");
  EXPECT_EQ(r.level, 2);
  EXPECT_EQ(r.str1, "Domain checkpoint not found: %s");
  EXPECT_EQ(r.str2, "checkpoint 'c1' does not have a parent");
  EXPECT_EQ(r.str3, std::nullopt);
  EXPECT_EQ(r.int1, -1);
  XdrWriter w;
  Put(w, r);
  XdrReader in(w.bytes());
  auto back = GetError(in);
  ASSERT_TRUE(back) << back.error().Text();
  EXPECT_EQ(*back, r);
  EXPECT_TRUE(in.ExpectEnd());
  Error again = FromRemoteError(*back);
  EXPECT_EQ(again.code(), e.code());
  EXPECT_EQ(again.domain(), e.domain());
  EXPECT_EQ(again.Text(), e.Text());
}

}  // namespace
}  // namespace cairn::test
