// Fuzz target: bytes a peer of Cairn's RPC server or client would send. First PacketFramer
// alone: fed whole or cut at points taken from the bytes, it must hand out the same packets
// (or the same error). Then each packet's payload is decoded as the REMOTE program's shared
// structures (an error reply, job statistics, a checkpoint handle); whatever decodes must
// encode and decode again to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rpc/remote_types.hpp"
#include "rpc/rpc_packet.hpp"
#include "rpc/xdr.hpp"

namespace {

using namespace cairn;

[[noreturn]] void Broken(const char* what) {
  std::fprintf(stderr, "rpc_packet: %s\n", what);
  std::abort();
}

struct Drained {
  std::vector<rpc::Packet> packets;
  std::optional<std::string> error;
};

void Drain(rpc::PacketFramer& f, Drained& out) {
  while (!out.error) {
    Result<std::optional<rpc::Packet>> p = f.Next();
    if (!p) {
      out.error = p.error().detail();
      return;
    }
    if (!*p) return;
    out.packets.push_back(std::move(**p));
  }
}

template <typename T, typename Get>
void RoundTrip(std::string_view payload, Get get) {
  rpc::XdrReader r(payload);
  Result<T> v = get(r);
  if (!v) return;
  rpc::XdrWriter w;
  rpc::Put(w, *v);
  rpc::XdrReader again(w.bytes());
  Result<T> back = get(again);
  if (!back || !(*back == *v) || again.remaining() != 0) Broken("re-encoded value differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  rpc::PacketFramer whole;
  whole.Append(bytes);
  Drained expected;
  Drain(whole, expected);

  rpc::PacketFramer cut;
  Drained got;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= bytes.size(); ++i) {
    if (i == bytes.size() || static_cast<unsigned char>(bytes[i]) % 7 == 0) {
      cut.Append(bytes.substr(start, i - start));
      start = i;
      Drain(cut, got);
    }
  }
  if (got.error != expected.error || got.packets.size() != expected.packets.size()) {
    Broken("cut stream framed differently");
  }
  for (std::size_t i = 0; i < got.packets.size(); ++i) {
    if (!(got.packets[i].header == expected.packets[i].header) ||
        got.packets[i].payload != expected.packets[i].payload) {
      Broken("cut stream framed differently");
    }
  }
  for (const rpc::Packet& p : expected.packets) {
    RoundTrip<rpc::RemoteError>(p.payload, [](rpc::XdrReader& r) { return rpc::GetError(r); });
    RoundTrip<rpc::RemoteCheckpoint>(p.payload,
                                     [](rpc::XdrReader& r) { return rpc::GetCheckpoint(r); });
    rpc::XdrReader r(p.payload);
    Result<std::vector<rpc::TypedParam>> params = rpc::GetTypedParams(r, rpc::kJobStatsMax);
    if (params) {
      rpc::XdrWriter w;
      w.PutUint32(static_cast<std::uint32_t>(params->size()));
      for (const rpc::TypedParam& t : *params) rpc::Put(w, t);
      rpc::XdrReader again(w.bytes());
      Result<std::vector<rpc::TypedParam>> back = rpc::GetTypedParams(again, rpc::kJobStatsMax);
      // NaN never equals itself: compare the encodings instead.
      if (!back) Broken("re-encoded typed params do not decode");
      rpc::XdrWriter w2;
      w2.PutUint32(static_cast<std::uint32_t>(back->size()));
      for (const rpc::TypedParam& t : *back) rpc::Put(w2, t);
      if (w2.bytes() != w.bytes()) Broken("typed params differ after a round trip");
    }
  }
  return 0;
}
