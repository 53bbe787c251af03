// RpcChannel: reading, keepalive, writing.
#include "rpc/rpc_channel.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "rpc/remote_protocol.hpp"

namespace cairn::rpc {

RpcChannel::RpcChannel(util::UniqueFd socket, PacketHandler on_packet, ClosedHandler on_closed)
    : socket_(std::move(socket)),
      on_packet_(std::move(on_packet)),
      on_closed_(std::move(on_closed)) {}

Result<std::unique_ptr<RpcChannel>> RpcChannel::Start(util::UniqueFd socket,
                                                      PacketHandler on_packet,
                                                      ClosedHandler on_closed) {
  if (!socket) return Fail(ErrorCode::kInvalidArg, ErrorDomain::kRpc, "no socket to talk on");
  std::unique_ptr<RpcChannel> c(
      new RpcChannel(std::move(socket), std::move(on_packet), std::move(on_closed)));
  c->reader_ = std::thread([ch = c.get()] { ch->ReadLoop(); });
  return c;
}

RpcChannel::~RpcChannel() {
  Close();
  if (reader_.joinable()) reader_.join();
}

void RpcChannel::Close() {
  if (closed_.exchange(true)) return;
  // Wakes the reader (its read returns 0) without closing the descriptor under it.
  ::shutdown(socket_.get(), SHUT_RDWR);
}

Status RpcChannel::Send(const PacketHeader& header, std::string_view payload) {
  const std::string bytes = EncodePacket(header, payload);
  std::lock_guard<std::mutex> lock(write_mutex_);
  if (closed_.load()) return Fail(ErrorCode::kRpc, ErrorDomain::kRpc, "the connection is closed");
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(socket_.get(), bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Fail(ErrorCode::kRpc, ErrorDomain::kRpc,
                  fmt::format("cannot send data: {}", std::strerror(errno)));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

void RpcChannel::ReadLoop() {
  PacketFramer framer;
  char buf[64 * 1024];
  auto end = [&](Error why) {
    const bool by_owner = closed_.exchange(true);
    ::shutdown(socket_.get(), SHUT_RDWR);
    if (!by_owner && on_closed_) on_closed_(why);
  };
  for (;;) {
    ssize_t n = ::read(socket_.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return end(Error(ErrorCode::kRpc, ErrorDomain::kRpc,
                       fmt::format("cannot recv data: {}", std::strerror(errno))));
    }
    if (n == 0) return end(Error(ErrorCode::kRpc, ErrorDomain::kRpc, "end of file from peer"));
    framer.Append(std::string_view(buf, static_cast<std::size_t>(n)));
    for (;;) {
      Result<std::optional<Packet>> p = framer.Next();
      if (!p) return end(p.error());
      if (!*p) break;
      Packet& packet = **p;
      if (packet.header.program == kKeepaliveProgram) {
        if (packet.header.procedure == static_cast<std::int32_t>(KeepaliveProc::kPing)) {
          PacketHeader pong = packet.header;
          pong.procedure = static_cast<std::int32_t>(KeepaliveProc::kPong);
          pong.type = PacketType::kMessage;
          (void)Send(pong, "");
        }
        continue;  // a PONG only proves the peer is there
      }
      if (on_packet_) on_packet_(std::move(packet));
    }
  }
}

}  // namespace cairn::rpc
