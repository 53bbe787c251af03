// cairnd's listening sockets and accept loop.
#include "daemon/rpc_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "util/unix_socket.hpp"

namespace cairn::daemon {
namespace {

std::unexpected<Error> SystemError(std::string what) {
  return Fail(ErrorCode::kSystemError, ErrorDomain::kRpc,
              fmt::format("{}: {}", what, std::strerror(errno)));
}

// Whether something accepts connections on the unix socket at `path`.
bool SomeoneListens(const std::string& path) { return util::ConnectUnixSocket(path).has_value(); }

Result<util::UniqueFd> ListenAt(const std::filesystem::path& path, unsigned mode) {
  const std::string p = path.string();
  std::optional<sockaddr_un> addr = util::UnixSocketAddress(p);
  if (!addr) {
    return Fail(ErrorCode::kInvalidArg, ErrorDomain::kRpc,
                fmt::format("socket path '{}' is too long", p));
  }
  struct stat st;
  if (::lstat(p.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return Fail(ErrorCode::kOperationInvalid, ErrorDomain::kRpc,
                  fmt::format("'{}' exists and is not a socket", p));
    }
    if (SomeoneListens(p)) {
      return Fail(ErrorCode::kOperationInvalid, ErrorDomain::kRpc,
                  fmt::format("another daemon listens on '{}'", p));
    }
    ::unlink(p.c_str());  // a crashed daemon's
  }
  util::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return SystemError("cannot create socket");
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) {
    return SystemError(fmt::format("cannot bind '{}'", p));
  }
  if (::chmod(p.c_str(), mode) != 0) return SystemError(fmt::format("cannot chmod '{}'", p));
  if (::listen(fd.get(), 64) != 0) return SystemError(fmt::format("cannot listen on '{}'", p));
  return fd;
}

}  // namespace

Result<std::unique_ptr<RpcServer>> RpcServer::Listen(ServerOptions options) {
  std::unique_ptr<RpcServer> s(new RpcServer(std::move(options)));
  // Opened once, before the sockets: a root the daemon cannot serve fails its start.
  Result<Connection> shared = Connection::Open(s->options_.uri);
  if (!shared) return std::unexpected(shared.error());
  s->shared_ = std::move(*shared);
  Result<util::UniqueFd> rw = ListenAt(s->options_.socket, s->options_.socket_mode);
  if (!rw) return std::unexpected(rw.error());
  s->rw_ = std::move(*rw);
  Result<util::UniqueFd> ro = ListenAt(s->options_.socket_ro, s->options_.socket_ro_mode);
  if (!ro) {
    ::unlink(s->options_.socket.c_str());
    return std::unexpected(ro.error());
  }
  s->ro_ = std::move(*ro);
  if (Status ok = s->MakeWakePipe(); !ok) return std::unexpected(ok.error());
  return s;
}

Result<std::unique_ptr<RpcServer>> RpcServer::Adopt(ServerOptions options, util::UniqueFd rw,
                                                    util::UniqueFd ro) {
  std::unique_ptr<RpcServer> s(new RpcServer(std::move(options)));
  s->owns_socket_files_ = false;
  s->rw_ = std::move(rw);
  s->ro_ = std::move(ro);
  if (Status ok = s->MakeWakePipe(); !ok) return std::unexpected(ok.error());
  return s;
}

Status RpcServer::MakeWakePipe() {
  int pipe[2];
  if (::pipe2(pipe, O_CLOEXEC | O_NONBLOCK) != 0) return SystemError("cannot create pipe");
  wake_read_.reset(pipe[0]);
  wake_write_.reset(pipe[1]);
  return {};
}

RpcServer::~RpcServer() {
  clients_.clear();
  if (!owns_socket_files_) return;
  ::unlink(options_.socket.c_str());
  ::unlink(options_.socket_ro.c_str());
}

std::chrono::steady_clock::time_point RpcServer::IdleSince() const {
  if (has_clients_) return std::chrono::steady_clock::now();
  return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(last_client_));
}

void RpcServer::NoteClients() {
  // Clients now, or until just now: idle starts from here. last_client_ first, so that a
  // reader that sees no client reads a time no older than the last one's leaving.
  if (has_clients_ || !clients_.empty()) {
    last_client_ = std::chrono::steady_clock::now().time_since_epoch().count();
  }
  has_clients_ = !clients_.empty();
}

void RpcServer::Stop() {
  stopping_ = true;
  const char c = 0;
  (void)!::write(wake_write_.get(), &c, 1);
}

Status RpcServer::Run() {
  while (!stopping_) {
    pollfd fds[3] = {{rw_.get(), POLLIN, 0}, {ro_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}};
    // Wake up now and then to reap finished clients.
    int n = ::poll(fds, 3, 500);
    if (n < 0 && errno != EINTR) return SystemError("poll");
    std::erase_if(clients_, [](const std::unique_ptr<ClientSession>& c) { return c->finished(); });
    NoteClients();
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      util::UniqueFd client(::accept4(fds[i].fd, nullptr, nullptr, SOCK_CLOEXEC));
      if (!client) continue;
      RemoteDispatch::Options o{.uri = options_.uri, .read_only = i == 1, .shared = shared_};
      Result<std::unique_ptr<ClientSession>> session =
          ClientSession::Start(std::move(client), o, ++clients_accepted_);
      if (session) clients_.push_back(std::move(*session));
      NoteClients();
    }
  }
  clients_.clear();
  return {};
}

}  // namespace cairn::daemon
