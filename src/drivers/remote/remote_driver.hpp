// RemoteDriver: a connection served by a daemon over libvirt's RPC protocol — cairnd, or
// libvirt's own libvirtd — as libvirt's remote driver does it. Every Driver call is one
// REMOTE procedure (or two, where the protocol needs it); errors are the daemon's, with
// their codes, domains and messages. Cairn's own extensions (bitmap health, repair state)
// are not part of the protocol and fail with VIR_ERR_NO_SUPPORT. Who the daemon runs as
// (Peer(), for cairn/daemon_peer.hpp) is the kernel's SO_PEERCRED of the socket. Job-completed events are
// the daemon's pushed VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, delivered on the socket's reader
// thread (their statistics carry no job number: JobStats.sequence is 0).
//
// URIs: DRIVER+unix:///PATH[?socket=SOCKET] and DRIVER:///PATH?socket=SOCKET (libvirt's
// forms). Without socket= a qemu URI goes to cairnd's default: /run/cairn/cairn-sock for
// /system, $XDG_RUNTIME_DIR/cairn/cairn-sock for /session. The daemon is asked to open the
// URI without its transport and without the parameters the client consumes
// ("qemu+unix:///system?socket=X" opens "qemu:///system"), as libvirt's client does.
// Thread rule: calls may come from several threads (RpcClient matches replies by serial).
#pragma once

#include <memory>

#include "cairn/error.hpp"
#include "driver/driver.hpp"
#include "driver/uri.hpp"

namespace cairn::drivers::remote {

// Whether `uri` names a daemon (a +transport scheme or a socket= parameter).
bool IsRemoteUri(const driver::ConnectUri& uri);

Result<std::unique_ptr<driver::Driver>> OpenRemoteDriver(const driver::ConnectUri& uri,
                                                         bool read_only);

}  // namespace cairn::drivers::remote
