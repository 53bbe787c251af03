// Unix stream sockets: address and connect (unix_socket.hpp).
#include "util/unix_socket.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace cairn::util {

std::optional<sockaddr_un> UnixSocketAddress(std::string_view path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return std::nullopt;
  std::memcpy(address.sun_path, path.data(), path.size());
  address.sun_path[path.size()] = '\0';
  return address;
}

std::expected<UniqueFd, int> ConnectUnixSocket(std::string_view path, bool nonblocking) {
  std::optional<sockaddr_un> address = UnixSocketAddress(path);
  if (!address) return std::unexpected(ENAMETOOLONG);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0),
                       0));
  if (!fd) return std::unexpected(errno);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0) {
    return std::unexpected(errno);
  }
  return fd;
}

std::expected<ucred, int> PeerCredentials(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return std::unexpected(errno);
  return cred;
}

}  // namespace cairn::util
