// C API: what a connection says about itself and the host (libvirt-host.c's entry points):
// driver name, URI, host name, versions, liveness.
#include <netdb.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <string>

#include "capi/handles.hpp"
#include "capi/last_error.hpp"

namespace cairn::capi {
namespace {

// The host name as libvirt's virGetHostname finds it: a name that is already qualified or
// is localhost stays; a short one is canonicalised through the resolver when it can be.
Result<std::string> HostName() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kNone,
                std::string("failed to determine host name: ") + std::strerror(errno));
  }
  std::string name(buf);
  if (name.starts_with("localhost") || name.find('.') != std::string::npos) return name;
  addrinfo hints{};
  hints.ai_flags = AI_CANONNAME | AI_CANONIDN;
  hints.ai_family = AF_UNSPEC;
  addrinfo* info = nullptr;
  if (getaddrinfo(name.c_str(), nullptr, &hints, &info) != 0) return name;
  if (info->ai_canonname != nullptr &&
      !std::string_view(info->ai_canonname).starts_with("localhost")) {
    name = info->ai_canonname;
  }
  freeaddrinfo(info);
  return name;
}

}  // namespace

std::string LibvirtDriverName(std::string_view cairn_type) {
  if (cairn_type == "Test") return "TEST";
  return std::string(cairn_type);  // "QEMU" is already libvirt's
}

}  // namespace cairn::capi

using namespace cairn::capi;  // NOLINT: the C shim is a flat list of entry points

extern "C" {

char* virConnectGetURI(virConnectPtr conn) {
  if (!CheckConnect(conn, "virConnectGetURI")) return nullptr;
  return CopyString(conn->conn.uri());
}

const char* virConnectGetType(virConnectPtr conn) {
  if (!CheckConnect(conn, "virConnectGetType")) return nullptr;
  return conn->type.c_str();
}

char* virConnectGetHostname(virConnectPtr conn) {
  if (!CheckConnect(conn, "virConnectGetHostname")) return nullptr;
  cairn::Result<std::string> name = HostName();
  if (!name) {
    SetLastError(name.error());
    return nullptr;
  }
  return CopyString(*name);
}

int virConnectIsAlive(virConnectPtr conn) {
  return CheckConnect(conn, "virConnectIsAlive") ? 1 : -1;
}

int virConnectIsSecure(virConnectPtr conn) {
  return CheckConnect(conn, "virConnectIsSecure") ? 1 : -1;
}

int virConnectIsEncrypted(virConnectPtr conn) {
  return CheckConnect(conn, "virConnectIsEncrypted") ? 0 : -1;
}

int virGetVersion(unsigned long* libVer, const char* type, unsigned long* typeVer) {
  ResetLastError();
  if (libVer == nullptr) {
    // libvirt fails here without saying why, so its dispatcher's generic error is what the
    // caller sees.
    SetLastErrorRaw(VIR_ERR_INTERNAL_ERROR, VIR_FROM_NONE,
                    "An error occurred, but the cause is unknown", {}, {}, 0);
    return -1;
  }
  *libVer = LIBVIR_VERSION_NUMBER;
  if (typeVer != nullptr) *typeVer = LIBVIR_VERSION_NUMBER;
  return 0;
}

int virConnectGetLibVersion(virConnectPtr conn, unsigned long* libVer) {
  if (!CheckConnect(conn, "virConnectGetLibVersion")) return -1;
  if (libVer == nullptr) {
    SetNullArgument("libVer", "virConnectGetLibVersion", VIR_FROM_DOMAIN);
    return -1;
  }
  *libVer = LIBVIR_VERSION_NUMBER;
  return 0;
}

}  // extern "C"
