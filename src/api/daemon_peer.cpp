// DaemonPeerOf: the driver's answer; it never changes after the connection opened, so no lock.
#include "cairn/daemon_peer.hpp"

#include "api/connection_state.hpp"
#include "cairn/connection.hpp"

namespace cairn {

std::optional<DaemonPeer> DaemonPeerOf(const Connection& connection) {
  return connection.state()->driver->Peer();
}

}  // namespace cairn
