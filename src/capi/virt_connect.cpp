// C API: handle plumbing, opening and closing connections, domains.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "capi/handles.hpp"
#include "capi/last_error.hpp"

namespace cairn::capi {

void RefConnect(virConnectPtr c) { c->refs.fetch_add(1); }

void UnrefConnect(virConnectPtr c) {
  if (c->refs.fetch_sub(1) == 1) {
    ForgetEntryConnection(c);
    c->magic = 0;
    delete c;
  }
}

void UnrefDomain(virDomainPtr d) {
  if (d->refs.fetch_sub(1) == 1) {
    virConnectPtr conn = d->conn;
    d->magic = 0;
    delete d;
    UnrefConnect(conn);
  }
}

virDomainPtr NewDomain(virConnectPtr conn, cairn::Domain dom) {
  RefConnect(conn);
  return new _virDomain{.conn = conn, .dom = std::move(dom)};
}

virDomainCheckpointPtr NewCheckpoint(virDomainPtr domain, cairn::Checkpoint cp) {
  domain->refs.fetch_add(1);
  return new _virDomainCheckpoint{.domain = domain, .cp = std::move(cp)};
}

char* CopyString(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out != nullptr) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

bool CheckConnect(virConnectPtr c, const char* function, int from) {
  ResetLastError();
  if (Valid(c)) {
    SetEntryConnection(c);
    return true;
  }
  SetInvalidHandle(ErrorCode::kInvalidConn, from, function);
  return false;
}

// libvirt reports a bad domain from VIR_FROM_DOM and a bad checkpoint from
// VIR_FROM_DOMAIN_CHECKPOINT, whichever file the entry point is in.
bool CheckDomain(virDomainPtr d, const char* function) {
  ResetLastError();
  if (Valid(d)) {
    SetEntryConnection(d->conn);
    return true;
  }
  SetInvalidHandle(ErrorCode::kInvalidDomain, VIR_FROM_DOM, function);
  return false;
}

bool CheckCheckpoint(virDomainCheckpointPtr c, const char* function) {
  ResetLastError();
  if (Valid(c)) {
    SetEntryConnection(c->domain->conn);
    return true;
  }
  SetInvalidHandle(ErrorCode::kInvalidDomainCheckpoint, VIR_FROM_DOMAIN_CHECKPOINT, function);
  return false;
}

namespace {

virConnectPtr Open(const char* name, bool read_only) {
  ResetLastError();
  Result<Connection> conn = Connection::Open(name != nullptr ? name : "", read_only);
  if (!conn) {
    SetLastError(conn.error());
    return nullptr;
  }
  auto* c = new _virConnect{.conn = std::move(*conn), .type = {}, .errors = {}};
  c->type = LibvirtDriverName(c->conn.type());
  return c;
}

}  // namespace

virDomainPtr WrapDomain(virConnectPtr conn, Result<Domain> dom) {
  if (!dom) {
    SetLastError(dom.error());
    return nullptr;
  }
  return NewDomain(conn, std::move(*dom));
}
}  // namespace cairn::capi

using namespace cairn::capi;  // NOLINT: the C shim is a flat list of entry points

extern "C" {

int virInitialize(void) { return 0; }

virConnectPtr virConnectOpen(const char* name) { return Open(name, false); }
virConnectPtr virConnectOpenReadOnly(const char* name) { return Open(name, true); }

virConnectAuthPtr virConnectAuthPtrDefault = [] {
  static virConnectAuth no_credentials{};
  return &no_credentials;
}();

virConnectPtr virConnectOpenAuth(const char* name, virConnectAuthPtr auth, unsigned int flags) {
  if ((flags & ~static_cast<unsigned>(VIR_CONNECT_RO)) != 0) {
    ResetLastError();
    char hex[16];
    std::snprintf(hex, sizeof(hex), "%x", flags & ~static_cast<unsigned>(VIR_CONNECT_RO));
    // Worded as libvirt's virCheckFlags: no code text before it.
    SetLastErrorRaw(VIR_ERR_INVALID_ARG, VIR_FROM_NONE,
                    std::string("unsupported flags (0x") + hex + ") in function virConnectOpenAuth",
                    "virConnectOpenAuth", "flags", 0);
    return nullptr;
  }
  return Open(name, (flags & VIR_CONNECT_RO) != 0);
}

int virConnectClose(virConnectPtr conn) {
  // In libvirt.c, whose errors come from VIR_FROM_NONE.
  if (!CheckConnect(conn, "virConnectClose", VIR_FROM_NONE)) return -1;
  int remaining = conn->refs.load() - 1;
  UnrefConnect(conn);
  return remaining;
}

int virConnectRef(virConnectPtr conn) {
  if (!CheckConnect(conn, "virConnectRef")) return -1;
  RefConnect(conn);
  return 0;
}

int virConnectListAllDomains(virConnectPtr conn, virDomainPtr** domains, unsigned int flags) {
  if (domains != nullptr) *domains = nullptr;
  if (!CheckConnect(conn, "virConnectListAllDomains")) return -1;
  auto list = conn->conn.ListAllDomains(static_cast<cairn::ListDomainsFlags>(flags));
  if (!list) {
    SetLastError(list.error());
    return -1;
  }
  if (domains != nullptr) {
    auto* arr = static_cast<virDomainPtr*>(std::calloc(list->size() + 1, sizeof(virDomainPtr)));
    for (std::size_t i = 0; i < list->size(); ++i) arr[i] = NewDomain(conn, (*list)[i]);
    *domains = arr;
  }
  return static_cast<int>(list->size());
}

virDomainPtr virDomainLookupByName(virConnectPtr conn, const char* name) {
  if (!CheckConnect(conn, "virDomainLookupByName")) return nullptr;
  return WrapDomain(conn, conn->conn.LookupDomainByName(Arg(name)));
}

virDomainPtr virDomainLookupByUUIDString(virConnectPtr conn, const char* uuid) {
  if (!CheckConnect(conn, "virDomainLookupByUUIDString")) return nullptr;
  return WrapDomain(conn, conn->conn.LookupDomainByUuid(Arg(uuid)));
}

virDomainPtr virDomainLookupByID(virConnectPtr conn, int id) {
  if (!CheckConnect(conn, "virDomainLookupByID")) return nullptr;
  return WrapDomain(conn, conn->conn.LookupDomainById(id));
}

int virDomainRef(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainRef")) return -1;
  domain->refs.fetch_add(1);
  return 0;
}

int virDomainFree(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainFree")) return -1;
  UnrefDomain(domain);
  return 0;
}

const char* virDomainGetName(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainGetName")) return nullptr;
  return domain->dom.name().c_str();
}

int virDomainGetID(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainGetID")) return -1;
  return domain->dom.id();
}

int virDomainGetUUIDString(virDomainPtr domain, char* buf) {
  if (!CheckDomain(domain, "virDomainGetUUIDString")) return -1;
  if (buf == nullptr) {
    SetNullArgument("buf", "virDomainGetUUIDString", VIR_FROM_DOMAIN);
    return -1;
  }
  std::memcpy(buf, domain->dom.uuid().c_str(), domain->dom.uuid().size() + 1);
  return 0;
}

virConnectPtr virDomainGetConnect(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainGetConnect")) return nullptr;
  return domain->conn;
}

int virDomainIsActive(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainIsActive")) return -1;
  auto info = domain->dom.GetInfo();
  if (!info) {
    SetLastError(info.error());
    return -1;
  }
  return info->state == cairn::DomainState::kShutoff ? 0 : 1;
}

char* virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags) {
  if (!CheckDomain(domain, "virDomainGetXMLDesc")) return nullptr;
  auto xml = domain->dom.GetXmlDesc(static_cast<cairn::DomainXmlFlags>(flags));
  if (!xml) {
    SetLastError(xml.error());
    return nullptr;
  }
  return CopyString(*xml);
}

}  // extern "C"
