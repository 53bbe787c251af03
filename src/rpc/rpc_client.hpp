// rpc/rpc_client.hpp — RpcClient: the calling side of one libvirt RPC connection, as
// libvirt's remote driver makes calls (to cairnd or to libvirtd).
//
// Call() sends a call with the next serial number and waits for the reply that carries it:
// its payload when the status is OK, the server's remote_error as a Cairn Error (code,
// domain and message kept) when it is ERROR. Calls may come from several threads and
// overlap; replies are matched by serial whatever their order. MESSAGE packets of the
// REMOTE program (events) go to the EventHandler, on the channel's reader thread, and must
// not call Call() from there. When the connection ends every waiting and later call fails
// with VIR_ERR_RPC naming why. Keepalive is answered by the channel.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cairn/error.hpp"
#include "rpc/remote_protocol.hpp"
#include "rpc/rpc_channel.hpp"

namespace cairn::rpc {

// libvirt's error for a failed connect to a daemon's socket `path` (errno `err`):
// kSystemError "Failed to connect socket to 'PATH': REASON".
std::unexpected<Error> DaemonSocketError(const std::string& path, int err);
// A stream connected to the daemon socket at `path`. Errors: kInvalidArg "socket path 'PATH'
// is too long" for a path no unix socket can have; else DaemonSocketError.
Result<util::UniqueFd> ConnectDaemonSocket(const std::string& path);

class RpcClient {
 public:
  using EventHandler = std::function<void(const Packet&)>;
  // How long a call waits for its reply by default (libvirt waits without limit; a daemon
  // that went silent must not hang a backup tool forever).
  static constexpr std::chrono::milliseconds kDefaultTimeout{10 * 60 * 1000};

  static Result<std::unique_ptr<RpcClient>> ConnectUnix(const std::string& socket_path,
                                                        EventHandler on_event = nullptr);
  // Over an already connected socket (tests, socket pairs).
  static Result<std::unique_ptr<RpcClient>> Adopt(util::UniqueFd socket,
                                                  EventHandler on_event = nullptr);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  // One call of the REMOTE program: the reply's payload.
  Result<std::string> Call(std::int32_t procedure, std::string_view args,
                           std::chrono::milliseconds timeout = kDefaultTimeout);

  // Typed: encodes Args, decodes Ret (a void return is an empty struct VoidRet).
  template <typename Ret, typename Args>
  Result<Ret> Call(RemoteProc procedure, const Args& args) {
    Result<std::string> out = Call(static_cast<std::int32_t>(procedure), EncodeToBytes(args));
    if (!out) return std::unexpected(out.error());
    return DecodeFromBytes<Ret>(*out);
  }

  bool closed() const;

 private:
  RpcClient() = default;
  void OnPacket(Packet p);
  void OnClosed(const Error& why);

  struct Pending {
    bool done = false;
    PacketStatus status = PacketStatus::kOk;
    std::string payload;
  };

  EventHandler on_event_;
  std::unique_ptr<RpcChannel> channel_;
  mutable std::mutex mutex_;
  std::condition_variable replied_;
  std::uint32_t next_serial_ = 0;  // libvirt 9.0's client starts at 0 too
  std::map<std::uint32_t, Pending> pending_;
  std::optional<Error> ended_;
};

// For calls whose arguments or return are void.
struct VoidArgs {
  auto Tie() { return std::tie(); }
  auto Tie() const { return std::tie(); }
};
using VoidRet = VoidArgs;

}  // namespace cairn::rpc
