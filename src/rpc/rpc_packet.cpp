// Packets of libvirt's RPC protocol.
#include "rpc/rpc_packet.hpp"

#include <fmt/format.h>

#include "rpc/xdr.hpp"

namespace cairn::rpc {

std::string EncodePacket(const PacketHeader& h, std::string_view payload) {
  XdrWriter w;
  w.PutUint32(static_cast<std::uint32_t>(kLengthBytes + kHeaderBytes + payload.size()));
  w.PutUint32(h.program);
  w.PutUint32(h.version);
  w.PutInt32(h.procedure);
  w.PutUint32(static_cast<std::uint32_t>(h.type));
  w.PutUint32(h.serial);
  w.PutUint32(static_cast<std::uint32_t>(h.status));
  std::string out = w.Take();
  out.append(payload);
  return out;
}

PacketHeader ReplyTo(const PacketHeader& call, PacketStatus status) {
  PacketHeader h = call;
  h.type = PacketType::kReply;
  h.status = status;
  return h;
}

void PacketFramer::Append(std::string_view bytes) {
  if (error_) return;
  if (start_ > 0 && start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  buffer_.append(bytes);
}

Result<std::optional<Packet>> PacketFramer::Next() {
  if (error_) return std::unexpected(*error_);
  auto fail = [&](std::string what) -> Result<std::optional<Packet>> {
    error_ = Error(ErrorCode::kRpc, ErrorDomain::kRpc, std::move(what));
    buffer_.clear();
    start_ = 0;
    return std::unexpected(*error_);
  };
  if (buffered() < kLengthBytes) return std::optional<Packet>{};
  XdrReader len(std::string_view(buffer_).substr(start_, kLengthBytes));
  const std::uint32_t length = *len.GetUint32();
  if (length < kLengthBytes + kHeaderBytes || length > kMessageMax + kLengthBytes) {
    return fail(fmt::format("packet length {} out of range", length));
  }
  if (buffered() < length) return std::optional<Packet>{};
  XdrReader r(std::string_view(buffer_).substr(start_ + kLengthBytes, kHeaderBytes));
  Packet p;
  p.header.program = *r.GetUint32();
  p.header.version = *r.GetUint32();
  p.header.procedure = *r.GetInt32();
  const std::uint32_t type = *r.GetUint32();
  p.header.serial = *r.GetUint32();
  const std::uint32_t status = *r.GetUint32();
  if (type > static_cast<std::uint32_t>(PacketType::kStreamHole)) {
    return fail(fmt::format("unknown packet type {}", type));
  }
  if (status > static_cast<std::uint32_t>(PacketStatus::kContinue)) {
    return fail(fmt::format("unknown packet status {}", status));
  }
  p.header.type = static_cast<PacketType>(type);
  p.header.status = static_cast<PacketStatus>(status);
  p.payload = buffer_.substr(start_ + kLengthBytes + kHeaderBytes,
                             length - kLengthBytes - kHeaderBytes);
  start_ += length;
  // Keep the buffer from growing with consumed bytes.
  if (start_ > 1024 * 1024 && start_ * 2 > buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  return std::optional<Packet>(std::move(p));
}

}  // namespace cairn::rpc
