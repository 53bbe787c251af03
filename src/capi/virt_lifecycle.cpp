// C API: shutdown, reboot, suspend, resume, the OS type and the hypervisor version; each
// checks its handle, makes one C++ API call (which applies the read-only and flag rules)
// and turns an Error into the thread's last error and -1 / NULL. Thread-safe as the C++ API.
#include "capi/handles.hpp"
#include "capi/last_error.hpp"

namespace {

int ToStatus(const cairn::Status& ok) {
  if (ok) return 0;
  cairn::capi::SetLastError(ok.error());
  return -1;
}

}  // namespace

extern "C" {

using cairn::capi::CheckConnect;
using cairn::capi::CheckDomain;

int virDomainShutdown(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainShutdown")) return -1;
  return ToStatus(domain->dom.Shutdown());
}

int virDomainShutdownFlags(virDomainPtr domain, unsigned int flags) {
  if (!CheckDomain(domain, "virDomainShutdownFlags")) return -1;
  return ToStatus(domain->dom.Shutdown(static_cast<cairn::ShutdownFlags>(flags)));
}

int virDomainReboot(virDomainPtr domain, unsigned int flags) {
  if (!CheckDomain(domain, "virDomainReboot")) return -1;
  return ToStatus(domain->dom.Reboot(static_cast<cairn::RebootFlags>(flags)));
}

int virDomainSuspend(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainSuspend")) return -1;
  return ToStatus(domain->dom.Suspend());
}

int virDomainResume(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainResume")) return -1;
  return ToStatus(domain->dom.Resume());
}

char* virDomainGetOSType(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainGetOSType")) return nullptr;
  cairn::Result<std::string> os = domain->dom.GetOsType();
  if (!os) {
    cairn::capi::SetLastError(os.error());
    return nullptr;
  }
  return cairn::capi::CopyString(*os);
}

int virConnectGetVersion(virConnectPtr conn, unsigned long* hvVer) {
  if (!CheckConnect(conn, "virConnectGetVersion")) return -1;
  if (hvVer == nullptr) {
    cairn::capi::SetLastError(cairn::Error(cairn::ErrorCode::kInvalidArg, cairn::ErrorDomain::kNone,
                                           "hvVer in virConnectGetVersion must not be NULL"));
    return -1;
  }
  cairn::Result<unsigned long> v = conn->conn.HypervisorVersion();
  if (!v) {
    cairn::capi::SetLastError(v.error());
    return -1;
  }
  *hvVer = *v;
  return 0;
}

}  // extern "C"
