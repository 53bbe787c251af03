// cairn/connection.hpp — a connection to a hypervisor driver, opened by URI.
//
// A Connection is a cheap, copyable handle: copies share one underlying connection, which
// closes when the last handle (including every Domain and Checkpoint handle obtained through
// it) is gone. URIs: "test:///default" (in-memory test driver, fresh per connection),
// "qemu:///embed?root=DIR" (in-process), "qemu:///session" (the user's cairnd, started on
// demand), "qemu:///system" (the system cairnd), "qemu+unix:///system?socket=PATH" (any
// daemon speaking libvirt's protocol: cairnd or libvirtd). A read-only connection
// refuses every call that changes state, and SECURE XML, with VIR_ERR_OPERATION_DENIED.
// Thread rules: a connection may be used from several threads; drivers serialise calls.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "cairn/security.hpp"
#include "cairn/flags.hpp"

namespace cairn {

namespace api {
struct ConnectionState;
struct Handles;
}  // namespace api

class Domain;

class Connection {
 public:
  // Opens `uri` (empty: $CAIRN_DEFAULT_URI, else qemu:///session). Errors:
  // VIR_ERR_INVALID_ARG for a malformed URI, VIR_ERR_NO_CONNECT when no driver serves it,
  // or the driver's own error (e.g. an unknown test driver path).
  static Result<Connection> Open(std::string_view uri, bool read_only = false);

  // The canonical URI ("test:///default") and the driver's type name ("Test", "QEMU").
  std::string uri() const;
  std::string_view type() const;
  // virConnectGetVersion: the hypervisor's version as major * 1000000 + minor * 1000 +
  // micro (QEMU's, asked of the binary Cairn runs; libvirt's test driver reports 2).
  Result<unsigned long> HypervisorVersion() const;
  // virNodeGetSecurityModel: the security driver confining this connection's guests (model
  // empty when there is none). Errors: VIR_ERR_NO_SUPPORT from a driver that cannot tell.
  Result<SecurityModel> GetSecurityModel() const;
  bool read_only() const;

  // For a server that owns this connection's state and serves many clients with it (cairnd,
  // as libvirtd shares one driver among its clients): a connection for one client, on this
  // connection's driver and what it keeps between calls (the qemu driver: one QMP monitor per
  // running domain, one job-event source), with its own read-only bit, event registrations
  // and lifetime. Calls on this connection and its client connections may run at the same
  // time from many threads; the driver serialises those that change a domain, per domain.
  // Errors: VIR_ERR_OPERATION_DENIED for a read-write client of a read-only connection;
  // VIR_ERR_NO_SUPPORT when the driver cannot share (test, remote).
  Result<Connection> OpenClientConnection(bool read_only) const;

  // virConnectListAllDomains: every domain, filtered by `flags`.
  Result<std::vector<Domain>> ListAllDomains(
      ListDomainsFlags flags = ListDomainsFlags::kNone) const;
  // Lookups fail with VIR_ERR_NO_DOMAIN naming what was looked for.
  Result<Domain> LookupDomainByName(std::string_view name) const;
  Result<Domain> LookupDomainByUuid(std::string_view uuid) const;
  Result<Domain> LookupDomainById(int id) const;
  // virsh's rule for a DOMAIN argument: an id if it is a number, else a UUID, else a name.
  Result<Domain> LookupDomain(std::string_view id_uuid_or_name) const;
  // For a server decoding a handle a client sent (libvirt's daemon does the same,
  // virGetDomain): the domain named by `name`, `uuid` and `id`, not looked up here. Each call
  // on it finds the domain by its UUID, and fails with VIR_ERR_NO_DOMAIN if there is none.
  Domain DomainFromIdentity(std::string name, std::string uuid, int id) const;

  // virDomainDefineXML: makes the domain persistent; read-write connections only.
  Result<Domain> DefineDomainXml(std::string_view xml) const;

  const std::shared_ptr<api::ConnectionState>& state() const { return state_; }

 private:
  explicit Connection(std::shared_ptr<api::ConnectionState> state) : state_(std::move(state)) {}
  std::shared_ptr<api::ConnectionState> state_;
  friend class Domain;
};

}  // namespace cairn
