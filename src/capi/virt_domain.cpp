// C API: domain management a backup program calls around its checkpoints and backups —
// lookup by raw UUID, state and info, define / undefine, start / destroy, the job's figures,
// the guest filesystems' freeze and thaw, and the security model and label. Each checks its
// handle and pointer arguments as libvirt's entry point does, makes one C++ API call (which
// applies the read-only and flag rules) and turns an Error into the thread's last error.
// Thread-safe as the C++ API.
#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "capi/handles.hpp"
#include "capi/last_error.hpp"

namespace cairn::capi {
namespace {

int ToStatus(const Status& ok) {
  if (ok) return 0;
  SetLastError(ok.error());
  return -1;
}

template <typename T>
bool NonNull(const T* p, std::string_view arg, std::string_view function) {
  if (p != nullptr) return true;
  SetNullArgument(arg, function, VIR_FROM_DOMAIN);
  return false;
}

// libvirt's refusal of a flag the call does not define, from its public entry point.
Status NoFlags(unsigned flags, std::string_view function) {
  if (flags == 0) return {};
  return std::unexpected(
      Error(ErrorCode::kInvalidArg, ErrorDomain::kDomain,
            fmt::format("unsupported flags (0x{:x}) in function {}", flags, function),
            MessageForm::kBare));
}

std::string UuidText(const unsigned char* raw) {
  char out[VIR_UUID_STRING_BUFLEN];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", raw[0],
                raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7], raw[8], raw[9], raw[10],
                raw[11], raw[12], raw[13], raw[14], raw[15]);
  return out;
}

// The 16 bytes of a UUID in its text form (hex digits, dashes ignored).
void UuidRaw(std::string_view text, unsigned char* raw) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::size_t n = 0;
  int high = -1;
  for (char c : text) {
    const int v = nibble(c);
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else if (n < VIR_UUID_BUFLEN) {
      raw[n++] = static_cast<unsigned char>(high << 4 | v);
      high = -1;
    }
  }
  while (n < VIR_UUID_BUFLEN) raw[n++] = 0;
}

// Copies `text` into a fixed C buffer; false (with libvirt's error) when it does not fit.
bool CopyInto(char* out, std::size_t size, const std::string& text, std::string_view what) {
  if (text.size() >= size) {
    SetLastError(Error(ErrorCode::kInternalError, ErrorDomain::kDomain,
                       std::string(what) + " exceeds maximum: " + std::to_string(size - 1)));
    return false;
  }
  std::memcpy(out, text.c_str(), text.size() + 1);
  return true;
}

// virDomainFSFreeze / virDomainFSThaw: how many changed, or -1 with the last error set.
int ChangeFilesystems(virDomainPtr domain, const char** mountpoints, unsigned int n,
                      unsigned int flags, bool freeze, const char* function) {
  // libvirt checks that the connection is writable before it looks at the array.
  if (n > 0 && mountpoints == nullptr && !domain->conn->conn.read_only()) {
    SetNullArgument("mountpoints", function, VIR_FROM_DOMAIN);
    return -1;
  }
  std::vector<std::string> chosen;
  for (unsigned i = 0; mountpoints != nullptr && i < n; ++i) {
    chosen.emplace_back(mountpoints[i] != nullptr ? mountpoints[i] : "");
  }
  Result<int> r = freeze ? domain->dom.FsFreeze(chosen, flags) : domain->dom.FsThaw(chosen, flags);
  if (!r) {
    SetLastError(r.error());
    return -1;
  }
  return *r;
}

}  // namespace
}  // namespace cairn::capi

using namespace cairn::capi;  // NOLINT: the C shim is a flat list of entry points

extern "C" {

virDomainPtr virDomainLookupByUUID(virConnectPtr conn, const unsigned char* uuid) {
  if (!CheckConnect(conn, "virDomainLookupByUUID")) return nullptr;
  if (!NonNull(uuid, "uuid", "virDomainLookupByUUID")) return nullptr;
  return WrapDomain(conn, conn->conn.LookupDomainByUuid(UuidText(uuid)));
}

int virDomainGetUUID(virDomainPtr domain, unsigned char* uuid) {
  if (!CheckDomain(domain, "virDomainGetUUID")) return -1;
  if (!NonNull(uuid, "uuid", "virDomainGetUUID")) return -1;
  UuidRaw(domain->dom.uuid(), uuid);
  return 0;
}

int virDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info) {
  if (!CheckDomain(domain, "virDomainGetInfo")) return -1;
  if (!NonNull(info, "info", "virDomainGetInfo")) return -1;
  std::memset(info, 0, sizeof *info);
  cairn::Result<cairn::DomainInfo> i = domain->dom.GetInfo();
  if (!i) return ToStatus(std::unexpected(i.error()));
  info->state = static_cast<unsigned char>(i->state);
  info->maxMem = static_cast<unsigned long>(i->max_memory_kib);
  info->memory = static_cast<unsigned long>(i->memory_kib);
  info->nrVirtCpu = static_cast<unsigned short>(i->vcpus);
  info->cpuTime = i->cpu_time_ns;
  return 0;
}

int virDomainGetState(virDomainPtr domain, int* state, int* reason, unsigned int flags) {
  if (!CheckDomain(domain, "virDomainGetState")) return -1;
  if (!NonNull(state, "state", "virDomainGetState")) return -1;
  if (cairn::Status ok = NoFlags(flags, "virDomainGetState"); !ok) return ToStatus(ok);
  cairn::Result<cairn::DomainInfo> i = domain->dom.GetInfo();
  if (!i) return ToStatus(std::unexpected(i.error()));
  *state = static_cast<int>(i->state);
  if (reason != nullptr) *reason = 0;
  return 0;
}

int virDomainIsPersistent(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainIsPersistent")) return -1;
  cairn::Result<cairn::DomainInfo> i = domain->dom.GetInfo();
  if (!i) return ToStatus(std::unexpected(i.error()));
  return i->persistent ? 1 : 0;
}

int virDomainGetAutostart(virDomainPtr domain, int* autostart) {
  if (!CheckDomain(domain, "virDomainGetAutostart")) return -1;
  if (!NonNull(autostart, "autostart", "virDomainGetAutostart")) return -1;
  cairn::Result<cairn::DomainInfo> i = domain->dom.GetInfo();
  if (!i) return ToStatus(std::unexpected(i.error()));
  *autostart = i->autostart ? 1 : 0;
  return 0;
}

virDomainPtr virDomainDefineXML(virConnectPtr conn, const char* xml) {
  if (!CheckConnect(conn, "virDomainDefineXML")) return nullptr;
  if (!NonNull(xml, "xml", "virDomainDefineXML")) return nullptr;
  return WrapDomain(conn, conn->conn.DefineDomainXml(xml));
}

virDomainPtr virDomainDefineXMLFlags(virConnectPtr conn, const char* xml, unsigned int flags) {
  if (!CheckConnect(conn, "virDomainDefineXMLFlags")) return nullptr;
  if (!NonNull(xml, "xml", "virDomainDefineXMLFlags")) return nullptr;
  if (cairn::Status ok = NoFlags(flags, "virDomainDefineXMLFlags"); !ok) {
    ToStatus(ok);
    return nullptr;
  }
  return WrapDomain(conn, conn->conn.DefineDomainXml(xml));
}

int virDomainUndefine(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainUndefine")) return -1;
  return ToStatus(domain->dom.Undefine());
}

int virDomainUndefineFlags(virDomainPtr domain, unsigned int flags) {
  if (!CheckDomain(domain, "virDomainUndefineFlags")) return -1;
  return ToStatus(domain->dom.Undefine(static_cast<cairn::UndefineFlags>(flags)));
}

int virDomainCreate(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainCreate")) return -1;
  return ToStatus(domain->dom.Start());
}

int virDomainCreateWithFlags(virDomainPtr domain, unsigned int flags) {
  if (!CheckDomain(domain, "virDomainCreateWithFlags")) return -1;
  if (cairn::Status ok = NoFlags(flags, "virDomainCreateWithFlags"); !ok) return ToStatus(ok);
  return ToStatus(domain->dom.Start());
}

int virDomainDestroy(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainDestroy")) return -1;
  return ToStatus(domain->dom.Destroy());
}

int virDomainDestroyFlags(virDomainPtr domain, unsigned int flags) {
  if (!CheckDomain(domain, "virDomainDestroyFlags")) return -1;
  if (cairn::Status ok = NoFlags(flags, "virDomainDestroyFlags"); !ok) return ToStatus(ok);
  return ToStatus(domain->dom.Destroy());
}

int virDomainFSFreeze(virDomainPtr domain, const char** mountpoints, unsigned int nmountpoints,
                      unsigned int flags) {
  if (!CheckDomain(domain, "virDomainFSFreeze")) return -1;
  return ChangeFilesystems(domain, mountpoints, nmountpoints, flags, true, "virDomainFSFreeze");
}

int virDomainFSThaw(virDomainPtr domain, const char** mountpoints, unsigned int nmountpoints,
                    unsigned int flags) {
  if (!CheckDomain(domain, "virDomainFSThaw")) return -1;
  return ChangeFilesystems(domain, mountpoints, nmountpoints, flags, false, "virDomainFSThaw");
}

int virDomainAbortJobFlags(virDomainPtr domain, unsigned int flags) {
  if (!CheckDomain(domain, "virDomainAbortJobFlags")) return -1;
  if (cairn::Status ok = NoFlags(flags, "virDomainAbortJobFlags"); !ok) return ToStatus(ok);
  return ToStatus(domain->dom.AbortJob());
}

int virDomainGetJobInfo(virDomainPtr domain, virDomainJobInfoPtr info) {
  if (!CheckDomain(domain, "virDomainGetJobInfo")) return -1;
  if (!NonNull(info, "info", "virDomainGetJobInfo")) return -1;
  std::memset(info, 0, sizeof *info);
  cairn::Result<cairn::JobStats> s = domain->dom.GetJobStats();
  if (!s) return ToStatus(std::unexpected(s.error()));
  info->type = static_cast<int>(s->type);
  info->timeElapsed = s->time_elapsed_ms;
  info->fileTotal = info->dataTotal = s->disk_total.value_or(0);
  info->fileProcessed = info->dataProcessed = s->disk_processed.value_or(0);
  info->fileRemaining = info->dataRemaining = s->disk_total ? s->disk_remaining() : 0;
  return 0;
}

int virNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel) {
  if (!CheckConnect(conn, "virNodeGetSecurityModel")) return -1;
  if (!NonNull(secmodel, "secmodel", "virNodeGetSecurityModel")) return -1;
  std::memset(secmodel, 0, sizeof *secmodel);
  cairn::Result<cairn::SecurityModel> m = conn->conn.GetSecurityModel();
  if (!m) return ToStatus(std::unexpected(m.error()));
  if (!CopyInto(secmodel->model, sizeof secmodel->model, m->model, "security model") ||
      !CopyInto(secmodel->doi, sizeof secmodel->doi, m->doi, "security DOI")) {
    return -1;
  }
  return 0;
}

int virDomainGetSecurityLabel(virDomainPtr domain, virSecurityLabelPtr seclabel) {
  if (!CheckDomain(domain, "virDomainGetSecurityLabel")) return -1;
  if (!NonNull(seclabel, "seclabel", "virDomainGetSecurityLabel")) return -1;
  std::memset(seclabel, 0, sizeof *seclabel);
  cairn::Result<cairn::SecurityLabel> l = domain->dom.GetSecurityLabel();
  if (!l) return ToStatus(std::unexpected(l.error()));
  if (!CopyInto(seclabel->label, sizeof seclabel->label, l->label, "security label")) return -1;
  seclabel->enforcing = l->enforcing ? 1 : 0;
  return 0;
}

}  // extern "C"
