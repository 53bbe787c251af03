// DaemonPeerOf: the driver's answer; it never changes after the connection opened, so no lock.
#include "cairn/daemon_peer.hpp"

#include "api/connection_state.hpp"
#include "cairn/connection.hpp"

namespace cairn {

std::optional<DaemonPeer> DaemonPeerOf(const Connection& connection) {
  std::optional<driver::PeerCredentials> peer = connection.state()->driver->Peer();
  if (!peer) return std::nullopt;
  return DaemonPeer{peer->uid, peer->gid};
}

}  // namespace cairn
