// daemon/daemon_places.hpp — where cairnd keeps its state and listens, per mode: the system
// daemon of qemu:///system (/var/lib/cairn, /run/cairn, as libvirtd's /var/lib/libvirt and
// /run/libvirt) and the per-user daemon of qemu:///session (util/user_dirs.hpp: the same
// directories the client library connects to and starts the daemon for). Its sockets are
// 0700 both: a session daemon is its user's alone (libvirt's session daemon has no
// read-only socket; a read-only open there is the client's flag on the one socket).
// Thread rule: none needed.
#pragma once

#include <filesystem>

namespace cairn::daemon {

struct DaemonPlaces {
  std::filesystem::path root;    // the qemu driver's state root
  std::filesystem::path listen;  // holds cairn-sock and cairn-sock-ro
  unsigned socket_mode = 0700;
  unsigned socket_ro_mode = 0777;
};

DaemonPlaces SystemPlaces();
DaemonPlaces SessionPlaces();

}  // namespace cairn::daemon
