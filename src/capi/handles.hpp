// The C API's object handles: reference counted wrappers around the C++ handles. A domain
// handle holds a reference on its connection and a checkpoint handle on its domain, so a
// handle never outlives what it needs. The magic field lets entry points refuse a NULL or
// foreign pointer with libvirt's "invalid ... pointer" error instead of crashing.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "cairn/cairn.hpp"
#include "cairn/virt.h"
#include "capi/error_handlers.hpp"

struct _virConnect {
  static constexpr std::uint32_t kMagic = 0xC0FFEE01;
  std::uint32_t magic = kMagic;
  std::atomic<int> refs{1};
  cairn::Connection conn;
  std::string type;  // stable storage for virConnectGetType
  cairn::capi::ConnectionErrors errors;
};

struct _virDomain {
  static constexpr std::uint32_t kMagic = 0xC0FFEE02;
  std::uint32_t magic = kMagic;
  std::atomic<int> refs{1};
  virConnectPtr conn;  // one reference held
  cairn::Domain dom;
};

struct _virDomainCheckpoint {
  static constexpr std::uint32_t kMagic = 0xC0FFEE03;
  std::uint32_t magic = kMagic;
  std::atomic<int> refs{1};
  virDomainPtr domain;  // one reference held
  cairn::Checkpoint cp;
};

namespace cairn::capi {

inline bool Valid(const _virConnect* c) { return c != nullptr && c->magic == _virConnect::kMagic; }
inline bool Valid(const _virDomain* d) {
  return d != nullptr && d->magic == _virDomain::kMagic && Valid(d->conn);
}
inline bool Valid(const _virDomainCheckpoint* c) {
  return c != nullptr && c->magic == _virDomainCheckpoint::kMagic && Valid(c->domain);
}

// Entry checks: reset the thread's last error, then refuse a NULL or foreign handle with
// libvirt's error for it, naming the function. True when the handle is usable; its
// connection is then the one an error of this call is reported through (last_error.hpp).
// `from` is the virErrorDomain libvirt's entry point reports a bad connection with: the
// VIR_FROM_THIS of its source file, VIR_FROM_DOMAIN for nearly all of them.
bool CheckConnect(virConnectPtr c, const char* function, int from = VIR_FROM_DOMAIN);
bool CheckDomain(virDomainPtr d, const char* function);
bool CheckCheckpoint(virDomainCheckpointPtr c, const char* function);

// A C string argument as the C++ API takes it: NULL stays distinguishable from "".
inline std::string_view Arg(const char* s) {
  return s != nullptr ? std::string_view(s) : std::string_view();
}

void RefConnect(virConnectPtr c);
void UnrefConnect(virConnectPtr c);
void UnrefDomain(virDomainPtr d);

// New handles (refcount 1) that take a reference on their parent.
virDomainPtr NewDomain(virConnectPtr conn, cairn::Domain dom);
virDomainCheckpointPtr NewCheckpoint(virDomainPtr domain, cairn::Checkpoint cp);
// A new handle for a found domain, or NULL with the lookup's error as the last error.
virDomainPtr WrapDomain(virConnectPtr conn, Result<Domain> dom);

// The name libvirt's driver of the same kind gives virConnectGetType ("TEST" for Cairn's
// "Test"), for a connection whose C++ type() is `cairn_type`.
std::string LibvirtDriverName(std::string_view cairn_type);

// A malloc'd copy, as libvirt returns strings the caller frees with free().
char* CopyString(const std::string& s);

}  // namespace cairn::capi
