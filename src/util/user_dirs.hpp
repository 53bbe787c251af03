// util/user_dirs.hpp — where a user's own Cairn lives: the state root and the run directory
// of the per-user daemon that serves qemu:///session.
//
// One definition for both sides: the client library (which connects to, and starts, the
// session daemon) and cairnd --session (which listens there) must agree on every path.
// libvirt's choices, with "cairn" for "libvirt": state under $XDG_STATE_HOME (else
// ~/.local/state), sockets under $XDG_RUNTIME_DIR (else ~/.cache). Only absolute variables
// count (the XDG rule). Thread rule: none needed (reads the environment).
#pragma once

#include <filesystem>

namespace cairn::util {

// $XDG_STATE_HOME/cairn, else $HOME/.local/state/cairn: the session daemon's state root.
std::filesystem::path UserStateDir();

// $XDG_RUNTIME_DIR/cairn, else $HOME/.cache/cairn: the session daemon's sockets and the
// lock that keeps two clients from starting two daemons.
std::filesystem::path UserRuntimeDir();

}  // namespace cairn::util
