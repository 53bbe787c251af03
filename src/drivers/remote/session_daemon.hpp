// session_daemon.hpp — connecting to the per-user daemon of qemu:///session, starting it on
// first use, as libvirt's client starts `libvirtd --timeout=120` for session URIs.
//
// Guarantees: at most one daemon is started for a socket however many clients connect at
// once (they serialise on the flock of SOCKET.lock, held from the first connect attempt
// until connected); the daemon started is detached (its own session, no descriptor of the
// caller but /dev/null and its log, $XDG_RUNTIME_DIR/cairn/cairnd.log) and is neither a
// child to reap nor killed when the caller exits. It exits by itself once idle
// (cairnd --timeout). CAIRN_AUTOSTART=0 turns starting off (libvirt's LIBVIRT_AUTOSTART).
// Thread rule: any thread; the lock serialises.
#pragma once

#include <string>

#include "cairn/error.hpp"
#include "util/unique_fd.hpp"

namespace cairn::drivers::remote {

// The cairnd program the library starts: $CAIRND when set; else the build tree's cairnd
// when this libcairn is the build tree's (tests run uninstalled); else the installed one.
std::string CairndProgram();

// A socket connected to the session daemon at `socket_path`, the daemon started first if
// nobody listens there. Failures: libvirt's "Failed to connect socket to 'PATH': ..."
// (VIR_ERR_SYSTEM_ERROR) when starting is off or the daemon never answered.
Result<util::UniqueFd> ConnectSessionDaemon(const std::string& socket_path);

}  // namespace cairn::drivers::remote
