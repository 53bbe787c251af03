// libvirt's RPC framing: the observed AUTH_LIST exchange and keepalive PING byte for byte,
// packets cut from a stream that arrives in pieces, and lengths a hostile peer sends.
#include "rpc/rpc_packet.hpp"

#include <gtest/gtest.h>

#include "hex.hpp"
#include "rpc/xdr.hpp"

namespace cairn::test {
namespace {

using namespace cairn::rpc;

TEST(RpcPacket, AuthListCallAndReplyAreTheObservedBytes) {
  PacketHeader call{.procedure = 66, .type = PacketType::kCall, .serial = 0};
  EXPECT_EQ(ToHex(EncodePacket(call, "")),
            "0000001c 20008086 00000001 00000042 00000000 00000000 00000000");
  XdrWriter types;
  types.PutUint32(1);  // one auth type
  types.PutUint32(0);  // REMOTE_AUTH_NONE
  EXPECT_EQ(ToHex(EncodePacket(ReplyTo(call, PacketStatus::kOk), types.bytes())),
            "00000024 20008086 00000001 00000042 00000001 00000000 00000000 00000001 00000000");
}

TEST(RpcPacket, KeepalivePingIsTheObservedBytes) {
  PacketHeader ping{.program = kKeepaliveProgram, .procedure = 1, .type = PacketType::kMessage};
  EXPECT_EQ(ToHex(EncodePacket(ping, "")),
            "0000001c 6b656570 00000001 00000001 00000002 00000000 00000000");
}

TEST(RpcPacket, FramerCutsPacketsFromPiecesOfAStream) {
  PacketHeader a{.procedure = 1, .serial = 1};
  PacketHeader b{.procedure = 3, .serial = 2};
  std::string stream = EncodePacket(a, FromHex("00000000 00000000")) + EncodePacket(b, "");
  PacketFramer f;
  int packets = 0;
  for (char c : stream) {  // one byte at a time: the worst a socket can do
    f.Append(std::string_view(&c, 1));
    while (true) {
      auto p = f.Next();
      ASSERT_TRUE(p) << p.error().Text();
      if (!*p) break;
      EXPECT_EQ((*p)->header, packets == 0 ? a : b);
      EXPECT_EQ((*p)->payload.size(), packets == 0 ? 8u : 0u);
      ++packets;
    }
  }
  EXPECT_EQ(packets, 2);
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(RpcPacket, LengthsOutOfRangeBreakTheStreamForGood) {
  for (std::string hex : {"00000003", "0000001b", "01000021"}) {
    PacketFramer f;
    f.Append(FromHex(hex));
    auto p = f.Next();
    ASSERT_FALSE(p) << hex;
    EXPECT_EQ(p.error().code(), ErrorCode::kRpc);
    EXPECT_TRUE(f.broken());
    f.Append(EncodePacket(PacketHeader{}, ""));
    EXPECT_FALSE(f.Next()) << "a broken stream stays broken";
  }
}

TEST(RpcPacket, TheLargestPacketIsAccepted) {
  PacketFramer f;
  f.Append(FromHex("01000004"));  // 16 MiB + the length word
  auto p = f.Next();
  ASSERT_TRUE(p);
  EXPECT_FALSE(*p);  // waiting for the rest
}

TEST(RpcPacket, UnknownTypeOrStatusIsRefused) {
  PacketFramer f;
  f.Append(FromHex("0000001c 20008086 00000001 00000001 00000007 00000000 00000000"));
  EXPECT_FALSE(f.Next());
}

}  // namespace
}  // namespace cairn::test
