// daemon/rpc_server.hpp — RpcServer: cairnd's listening sockets and its clients.
//
// It opens the one connection to the driver that every client shares (as libvirtd's one
// qemu driver: one QMP monitor per running domain, one job-event source; each client gets a
// client connection of it, read-only for the read-only socket), listens on a read-write and
// a read-only unix socket (libvirtd's libvirt-sock and libvirt-sock-ro), accepts clients until
// Stop(), starts a ClientSession for each and reaps finished ones. A
// socket path that exists is replaced only if it is a socket nobody listens on (a crashed
// daemon's); the sockets go when the server does. Run() blocks on the calling thread; Stop()
// and IdleSince() may be called from any thread.
// Socket activation: Adopt() serves sockets someone else bound (systemd's, see
// socket_activation.hpp) and leaves their files alone.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/connection.hpp"
#include "cairn/error.hpp"
#include "daemon/client_session.hpp"
#include "util/unique_fd.hpp"

namespace cairn::daemon {

struct ServerOptions {
  std::string uri;                     // the driver every client shares (qemu:///embed?root=)
  std::filesystem::path socket;        // read-write
  std::filesystem::path socket_ro;     // read-only
  unsigned socket_mode = 0700;         // of the read-write socket
  unsigned socket_ro_mode = 0777;
};

class RpcServer {
 public:
  static Result<std::unique_ptr<RpcServer>> Listen(ServerOptions options);
  // Serves the listening sockets `rw` and `ro` (options_.socket* only name them in logs).
  static Result<std::unique_ptr<RpcServer>> Adopt(ServerOptions options, util::UniqueFd rw,
                                                  util::UniqueFd ro);
  ~RpcServer();
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // Serves until Stop(); returns once every client is gone.
  Status Run();
  void Stop();
  // When the last client left (or the server started, if none came since); now while a
  // client is connected. For an idle timeout (idle_shutdown.hpp).
  std::chrono::steady_clock::time_point IdleSince() const;

 private:
  explicit RpcServer(ServerOptions options) : options_(std::move(options)) {}
  Status MakeWakePipe();
  void NoteClients();

  ServerOptions options_;
  std::optional<Connection> shared_;  // opened by Listen, before any client
  util::UniqueFd rw_, ro_;
  util::UniqueFd wake_read_, wake_write_;  // a pipe that interrupts poll() for Stop()
  std::atomic<bool> stopping_{false};
  bool owns_socket_files_ = true;  // false for sockets systemd bound
  std::atomic<bool> has_clients_{false};
  std::atomic<std::chrono::steady_clock::rep> last_client_{
      std::chrono::steady_clock::now().time_since_epoch().count()};
  std::vector<std::unique_ptr<ClientSession>> clients_;
  std::uint64_t clients_accepted_ = 0;  // numbers clients in the log
};

}  // namespace cairn::daemon
