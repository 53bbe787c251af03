// daemon/socket_activation.hpp — the listening sockets systemd hands cairnd (cairnd.socket,
// cairnd-ro.socket), by sd_listen_fds(3)'s documented protocol: LISTEN_PID is our pid,
// LISTEN_FDS counts descriptors from 3, LISTEN_FDNAMES names them (the socket unit's name
// unless FileDescriptorName= says otherwise).
//
// Guarantees: the variables are removed from the environment whatever happens (so no child
// inherits them, as sd_listen_fds(1) does), the descriptors taken are made close-on-exec,
// and anything that is not a listening unix stream socket is refused. Each descriptor is
// told read-write or read-only by its name ("cairnd.socket", "cairnd-ro.socket", as libvirt
// tells libvirtd.socket from libvirtd-ro.socket), or, without names, by its bound path.
// Thread rule: call once, at start-up, before any thread reads the environment.
#pragma once

#include <filesystem>
#include <optional>

#include "cairn/error.hpp"
#include "util/unique_fd.hpp"

namespace cairn::daemon {

struct ActivatedSockets {
  util::UniqueFd rw;  // read-write (cairnd.socket)
  util::UniqueFd ro;  // read-only (cairnd-ro.socket)
};

// nullopt when cairnd was not socket-activated. When it was, the read-write socket must be
// there (the read-only one may not: ro is then empty); an unknown one is an error naming it.
Result<std::optional<ActivatedSockets>> TakeActivatedSockets(
    const std::filesystem::path& rw_path, const std::filesystem::path& ro_path);

}  // namespace cairn::daemon
