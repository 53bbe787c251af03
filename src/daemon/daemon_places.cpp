// cairnd's directories per mode (daemon_places.hpp).
#include "daemon/daemon_places.hpp"

#include "util/user_dirs.hpp"

namespace cairn::daemon {

DaemonPlaces SystemPlaces() { return {"/var/lib/cairn", "/run/cairn", 0700, 0777}; }

DaemonPlaces SessionPlaces() {
  return {util::UserStateDir(), util::UserRuntimeDir(), 0700, 0700};
}

}  // namespace cairn::daemon
