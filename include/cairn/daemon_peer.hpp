// cairn/daemon_peer.hpp — who the daemon at the other end of a connection runs as (a Cairn
// extension; libvirt has no call for it). A tool that hands the daemon a path to create
// (a pull backup's NBD socket) needs it: a session daemon (cairnd or libvirtd, run by a
// user) starts its QEMU as itself, so that user must be able to write there.
// Plain values; safe from any thread.
#pragma once

#include <sys/types.h>

#include <optional>

namespace cairn {

class Connection;

struct DaemonPeer {
  uid_t uid = 0;
  gid_t gid = 0;
};

// For a connection to a daemon over a unix socket: its uid and gid as the kernel reported
// them when the socket connected (SO_PEERCRED). nullopt for an in-process driver (embed,
// test) or when the kernel would not tell.
std::optional<DaemonPeer> DaemonPeerOf(const Connection& connection);

}  // namespace cairn
