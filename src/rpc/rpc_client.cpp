// RpcClient: serials, waiting for replies, events.
#include "rpc/rpc_client.hpp"

#include <sys/socket.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "util/unix_socket.hpp"

namespace cairn::rpc {

std::unexpected<Error> DaemonSocketError(const std::string& path, int err) {
  return Fail(ErrorCode::kSystemError, ErrorDomain::kRpc,
              fmt::format("Failed to connect socket to '{}': {}", path, std::strerror(err)));
}

Result<util::UniqueFd> ConnectDaemonSocket(const std::string& path) {
  std::expected<util::UniqueFd, int> fd = util::ConnectUnixSocket(path);
  if (!fd && fd.error() == ENAMETOOLONG) {
    return Fail(ErrorCode::kInvalidArg, ErrorDomain::kRpc,
                fmt::format("socket path '{}' is too long", path));
  }
  if (!fd) return DaemonSocketError(path, fd.error());
  return std::move(*fd);
}

Result<std::unique_ptr<RpcClient>> RpcClient::ConnectUnix(const std::string& socket_path,
                                                          EventHandler on_event) {
  Result<util::UniqueFd> fd = ConnectDaemonSocket(socket_path);
  if (!fd) return std::unexpected(fd.error());
  return Adopt(std::move(*fd), std::move(on_event));
}

Result<std::unique_ptr<RpcClient>> RpcClient::Adopt(util::UniqueFd socket,
                                                    EventHandler on_event) {
  std::unique_ptr<RpcClient> c(new RpcClient());
  c->on_event_ = std::move(on_event);
  RpcClient* self = c.get();
  Result<std::unique_ptr<RpcChannel>> ch = RpcChannel::Start(
      std::move(socket), [self](Packet p) { self->OnPacket(std::move(p)); },
      [self](const Error& why) { self->OnClosed(why); });
  if (!ch) return std::unexpected(ch.error());
  c->channel_ = std::move(*ch);
  return c;
}

RpcClient::~RpcClient() { channel_.reset(); }

bool RpcClient::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ended_.has_value();
}

void RpcClient::OnPacket(Packet p) {
  if (p.header.program != kRemoteProgram) return;
  if (p.header.type == PacketType::kMessage) {
    if (on_event_) on_event_(p);
    return;
  }
  if (p.header.type != PacketType::kReply) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = pending_.find(p.header.serial);
  if (it == pending_.end()) return;  // a reply nobody waits for (timed out)
  it->second.done = true;
  it->second.status = p.header.status;
  it->second.payload = std::move(p.payload);
  replied_.notify_all();
}

void RpcClient::OnClosed(const Error& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  ended_ = Error(ErrorCode::kRpc, ErrorDomain::kRpc,
                 fmt::format("the connection ended: {}", why.detail()));
  replied_.notify_all();
}

Result<std::string> RpcClient::Call(std::int32_t procedure, std::string_view args,
                                    std::chrono::milliseconds timeout) {
  std::uint32_t serial;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ended_) return std::unexpected(*ended_);
    serial = next_serial_++;
    pending_.emplace(serial, Pending{});
  }
  PacketHeader h{.procedure = procedure, .type = PacketType::kCall, .serial = serial};
  if (Status sent = channel_->Send(h, args); !sent) {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.erase(serial);
    return std::unexpected(sent.error());
  }
  std::unique_lock<std::mutex> lock(mutex_);
  const bool answered = replied_.wait_for(lock, timeout, [&] {
    return pending_.at(serial).done || ended_.has_value();
  });
  Pending reply = std::move(pending_.at(serial));
  pending_.erase(serial);
  if (!reply.done) {
    if (!answered) {
      return Fail(ErrorCode::kOperationTimeout, ErrorDomain::kRpc,
                  fmt::format("no reply to procedure {} within {} ms", procedure,
                              timeout.count()));
    }
    return std::unexpected(*ended_);
  }
  if (reply.status == PacketStatus::kOk) return std::move(reply.payload);
  Result<RemoteError> e = DecodeFromBytes<RemoteError>(reply.payload);
  if (!e) return std::unexpected(e.error());
  return std::unexpected(FromRemoteError(*e));
}

}  // namespace cairn::rpc
