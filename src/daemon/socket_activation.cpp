// Taking systemd's listening sockets (socket_activation.hpp).
#include "daemon/socket_activation.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace cairn::daemon {
namespace {

constexpr int kFirstFd = 3;  // SD_LISTEN_FDS_START

std::unexpected<Error> Refused(std::string why) {
  return Fail(ErrorCode::kOperationInvalid, ErrorDomain::kRpc,
              fmt::format("socket activation: {}", why));
}

std::string TakeEnv(const char* name) {
  const char* v = std::getenv(name);
  std::string out = v != nullptr ? v : "";
  ::unsetenv(name);
  return out;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

bool IsListeningUnixStream(int fd) {
  int type = 0, listening = 0;
  socklen_t len = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return false;
  len = sizeof listening;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) return false;
  sockaddr_storage addr{};
  len = sizeof addr;
  return ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0 && addr.ss_family == AF_UNIX;
}

std::string BoundPath(int fd) {
  sockaddr_un addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return {};
  return std::string(addr.sun_path, strnlen(addr.sun_path, sizeof addr.sun_path));
}

}  // namespace

Result<std::optional<ActivatedSockets>> TakeActivatedSockets(const std::filesystem::path& rw_path,
                                                             const std::filesystem::path& ro_path) {
  const std::string pid = TakeEnv("LISTEN_PID");
  const std::string count = TakeEnv("LISTEN_FDS");
  const std::string names = TakeEnv("LISTEN_FDNAMES");
  if (pid.empty() || count.empty()) return std::nullopt;
  // Meant for another process (our parent, say, when it exec'd us without clearing them).
  if (pid != std::to_string(::getpid())) return std::nullopt;
  char* end = nullptr;
  const long n = std::strtol(count.c_str(), &end, 10);
  if (*end != '\0' || n < 1 || n > 64) return Refused(fmt::format("LISTEN_FDS='{}'", count));
  const std::vector<std::string> name_of = names.empty() ? std::vector<std::string>() : Split(names, ':');
  ActivatedSockets out;
  for (int fd = kFirstFd; fd < kFirstFd + n; ++fd) {
    util::UniqueFd owned(fd);
    if (!IsListeningUnixStream(fd)) {
      return Refused(fmt::format("descriptor {} is not a listening unix stream socket", fd));
    }
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    const std::size_t i = static_cast<std::size_t>(fd - kFirstFd);
    const std::string name = i < name_of.size() ? name_of[i] : "";
    const std::string path = BoundPath(fd);
    bool ro = false;
    if (name == "cairnd.socket") {
    } else if (name == "cairnd-ro.socket") {
      ro = true;
    } else if (path == rw_path.string()) {
    } else if (path == ro_path.string()) {
      ro = true;
    } else {
      return Refused(fmt::format("descriptor {} ('{}', bound to '{}') is neither cairnd.socket "
                                 "nor cairnd-ro.socket",
                                 fd, name, path));
    }
    util::UniqueFd& slot = ro ? out.ro : out.rw;
    if (slot) return Refused(fmt::format("two {} sockets", ro ? "read-only" : "read-write"));
    slot = std::move(owned);
  }
  if (!out.rw) {
    return Refused(fmt::format("no read-write socket (cairnd.socket) among {}",
                               names.empty() ? count + " unnamed" : names));
  }
  return std::optional<ActivatedSockets>(std::move(out));
}

}  // namespace cairn::daemon
