// Public entry points on a connection: open, list and look up domains, define.
#include "cairn/connection.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <mutex>

#include "api/connection_state.hpp"
#include "api/entry_checks.hpp"
#include "cairn/domain.hpp"
#include "driver/uri.hpp"

namespace cairn {
namespace {

constexpr ErrorDomain kDom = ErrorDomain::kDomain;  // libvirt-domain.c

bool LooksLikeUuid(std::string_view s) {
  std::size_t hex = 0;
  for (char c : s) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      ++hex;
    } else if (c != '-') {
      return false;
    }
  }
  return hex == 32;
}

}  // namespace

Result<Connection> Connection::Open(std::string_view uri, bool read_only) {
  std::string text = uri.empty() ? driver::DefaultUri() : std::string(uri);
  Result<driver::ConnectUri> parsed = driver::ParseConnectUri(text);
  if (!parsed) return std::unexpected(parsed.error());
  Result<std::unique_ptr<driver::Driver>> drv = driver::OpenDriver(*parsed, read_only);
  if (!drv) return std::unexpected(drv.error());
  auto state = std::make_shared<api::ConnectionState>();
  state->driver = std::move(*drv);
  state->read_only = read_only;
  return Connection(std::move(state));
}

std::string Connection::uri() const { return state_->driver->Uri(); }
std::string_view Connection::type() const { return state_->driver->Type(); }
Result<unsigned long> Connection::HypervisorVersion() const {
  std::lock_guard lock(state_->mutex);
  return state_->driver->HypervisorVersion();
}
Result<SecurityModel> Connection::GetSecurityModel() const {
  std::lock_guard lock(state_->mutex);
  return state_->driver->GetSecurityModel();
}

bool Connection::read_only() const { return state_->read_only; }

Result<Connection> Connection::OpenClientConnection(bool read_only) const {
  if (!read_only) {
    if (Status ok = api::RequireWritable(state_->read_only, "virConnectOpen", ErrorDomain::kNone);
        !ok) {
      return std::unexpected(ok.error());
    }
  }
  // No lock: ClientView is safe beside calls on the driver (its contract).
  Result<std::unique_ptr<driver::Driver>> view = state_->driver->ClientView(read_only);
  if (!view) return std::unexpected(view.error());
  auto state = std::make_shared<api::ConnectionState>();
  state->driver = std::move(*view);
  state->read_only = read_only;
  return Connection(std::move(state));
}

Result<std::vector<Domain>> Connection::ListAllDomains(ListDomainsFlags flags) const {
  using F = ListDomainsFlags;
  constexpr unsigned kKnown = Bits(F::kActive | F::kInactive | F::kPersistent | F::kTransient |
                                   F::kHasCheckpoint | F::kNoCheckpoint);
  if (Status ok = api::RequireKnownFlags(Bits(flags), kKnown, "virConnectListAllDomains", kDom);
      !ok) {
    return std::unexpected(ok.error());
  }
  std::lock_guard lock(state_->mutex);
  Result<std::vector<driver::DomainRef>> refs = state_->driver->ListDomains(Bits(flags));
  if (!refs) return std::unexpected(refs.error());
  std::vector<Domain> out;
  out.reserve(refs->size());
  for (driver::DomainRef& r : *refs) {
    out.push_back(Domain(state_, std::move(r.name), std::move(r.uuid), r.id));
  }
  return out;
}

Result<Domain> Connection::LookupDomainByName(std::string_view name) const {
  if (Status ok = api::RequireNonNull(name, "name", "virDomainLookupByName", kDom); !ok) {
    return std::unexpected(ok.error());
  }
  std::lock_guard lock(state_->mutex);
  Result<driver::DomainRef> r = state_->driver->LookupDomainByName(name);
  if (!r) return std::unexpected(r.error());
  return Domain(state_, std::move(r->name), std::move(r->uuid), r->id);
}

Result<Domain> Connection::LookupDomainByUuid(std::string_view uuid) const {
  if (Status ok = api::RequireNonNull(uuid, "uuidstr", "virDomainLookupByUUIDString", kDom); !ok) {
    return std::unexpected(ok.error());
  }
  std::lock_guard lock(state_->mutex);
  Result<driver::DomainRef> r = state_->driver->LookupDomainByUuid(uuid);
  if (!r) return std::unexpected(r.error());
  return Domain(state_, std::move(r->name), std::move(r->uuid), r->id);
}

Domain Connection::DomainFromIdentity(std::string name, std::string uuid, int id) const {
  return Domain(state_, std::move(name), std::move(uuid), id);
}

Result<Domain> Connection::LookupDomainById(int id) const {
  if (id < 0) {
    return Fail(ErrorCode::kInvalidArg, kDom,
                fmt::format("id in virDomainLookupByID must be non-negative, got {}", id));
  }
  std::lock_guard lock(state_->mutex);
  Result<driver::DomainRef> r = state_->driver->LookupDomainById(id);
  if (!r) return std::unexpected(r.error());
  return Domain(state_, std::move(r->name), std::move(r->uuid), r->id);
}

Result<Domain> Connection::LookupDomain(std::string_view key) const {
  int id = 0;
  auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
  if (!key.empty() && ec == std::errc() && end == key.data() + key.size() && id >= 0) {
    if (Result<Domain> d = LookupDomainById(id)) return d;
  }
  if (LooksLikeUuid(key)) {
    if (Result<Domain> d = LookupDomainByUuid(key)) return d;
  }
  return LookupDomainByName(key);
}

Result<Domain> Connection::DefineDomainXml(std::string_view xml) const {
  if (Status ok = api::RequireNonNull(xml, "xml", "virDomainDefineXML", kDom); !ok) {
    return std::unexpected(ok.error());
  }
  if (Status ok = api::RequireWritable(state_->read_only, "virDomainDefineXML", kDom); !ok) {
    return std::unexpected(ok.error());
  }
  std::lock_guard lock(state_->mutex);
  Result<driver::DomainRef> r = state_->driver->DefineDomainXml(xml, 0);
  if (!r) return std::unexpected(r.error());
  return Domain(state_, std::move(r->name), std::move(r->uuid), r->id);
}

}  // namespace cairn
