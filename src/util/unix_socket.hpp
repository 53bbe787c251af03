// util/unix_socket.hpp — the one place a unix stream socket's address is built and a client
// connects to it (QMP monitors, the guest agent, cairnd and libvirtd's sockets).
//
// Guarantees: the descriptor is close-on-exec and owned by the returned UniqueFd; a path that
// does not fit `sun_path` is refused before any socket is made (ENAMETOOLONG), never cut.
// Failures are the errno values themselves, so each caller words its own error (libvirt's
// texts differ per peer) and decides which ones are worth a retry. Thread rule: none needed.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <expected>
#include <optional>
#include <string_view>

#include "util/unique_fd.hpp"

namespace cairn::util {

// The address of `path`; nullopt when it is too long for a unix socket.
std::optional<sockaddr_un> UnixSocketAddress(std::string_view path);

// A stream socket connected to `path`, or the errno that stopped it (ENAMETOOLONG for a
// path that does not fit). `nonblocking`: the socket is made with SOCK_NONBLOCK.
std::expected<UniqueFd, int> ConnectUnixSocket(std::string_view path, bool nonblocking = false);

// The pid, uid and gid of the process at the other end of the connected unix socket `fd`,
// as the kernel recorded them when the connection was made (SO_PEERCRED), or the errno.
std::expected<ucred, int> PeerCredentials(int fd);

}  // namespace cairn::util
