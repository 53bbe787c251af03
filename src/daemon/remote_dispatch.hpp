// daemon/remote_dispatch.hpp — RemoteDispatch: libvirt's REMOTE program for one client of
// cairnd, served on Cairn's public API (as libvirtd serves it on libvirt's).
//
// It owns what the client opened: the cairn::Connection made by CONNECT_OPEN (a client
// connection of the server's one, so that every client shares one driver, its monitors and
// its job-event source, read-only for a client of the read-only socket) and the
// job-completed registrations made by the client, which go when the dispatch does (a client
// that vanishes without CONNECT_CLOSE leaves nothing behind). Handle() answers one call:
// the reply's status and XDR payload. Procedures Cairn does not serve are answered
// VIR_ERR_NO_SUPPORT, which clients skip, never VIR_ERR_RPC, which they abort on. Events are
// handed to the EventSink as MESSAGE packets, on the library's event thread.
// Thread rule: Handle() from one thread at a time (the client's worker); the sink may be
// called concurrently with it.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "cairn/cairn.hpp"
#include "rpc/remote_types.hpp"
#include "rpc/rpc_packet.hpp"

namespace cairn::daemon {

class RemoteDispatch {
 public:
  struct Options {
    std::string uri;          // what CONNECT_OPEN of qemu:///system or qemu:///session opens
    bool read_only = false;   // the client came through the read-only socket
    // The server's connection to `uri`, shared by its clients (OpenClientConnection); none:
    // each client opens `uri` itself.
    std::optional<Connection> shared = std::nullopt;
  };
  using EventSink = std::function<void(const rpc::PacketHeader&, std::string payload)>;
  struct Reply {
    rpc::PacketStatus status = rpc::PacketStatus::kOk;
    std::string payload;
    std::optional<Error> error = std::nullopt;  // what failed, when status is kError
  };

  RemoteDispatch(Options options, EventSink sink);
  ~RemoteDispatch();
  RemoteDispatch(const RemoteDispatch&) = delete;
  RemoteDispatch& operator=(const RemoteDispatch&) = delete;

  Reply Handle(const rpc::Packet& call);
  // Drops the client's event registrations: no event reaches the sink once it returns
  // (but one being delivered right now). The destructor does it too.
  void Shutdown() { DropCallbacks(); }
  // The client asked to close (CONNECT_CLOSE answered): the server ends the connection.
  bool closing() const { return closing_; }

 private:
  Result<std::string> Dispatch(std::int32_t procedure, std::string_view args);
  Result<Connection> Conn() const;
  Result<Domain> FindDomain(const std::string& raw_uuid) const;
  // The domain a client's handle names, not looked up (calls on it find it by UUID).
  Result<Domain> DomainOf(const rpc::RemoteDomain& handle) const;
  void DropCallbacks();

  Options options_;
  EventSink sink_;
  std::optional<Connection> conn_;
  std::mutex callbacks_mutex_;
  std::map<int, bool> callbacks_;  // ids of this client's job-completed registrations
  bool closing_ = false;
};

}  // namespace cairn::daemon
