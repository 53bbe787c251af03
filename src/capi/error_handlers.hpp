// Who hears about a C API error: the connection's handler (virConnSetErrorFunc), else the
// global one (virSetErrorFunc), else virDefaultErrorFunc on stderr, in libvirt's order. Each
// connection also keeps a copy of the last error raised through it (virConnGetLastError).
// Thread rule: handlers and a connection's error are guarded by mutexes; a handler is called
// without any of them held, on the thread whose call failed.
#pragma once

#include <mutex>

#include "cairn/virt.h"
#include "capi/last_error.hpp"

namespace cairn::capi {

// A connection's handler and its last error, inside _virConnect.
struct ConnectionErrors {
  std::mutex mutex;
  virErrorFunc handler = nullptr;
  void* user_data = nullptr;
  OwnedError last;
};

// Reports `error` (the thread's last error, just set): copies it into `conn`'s last error
// when `conn` is not NULL, then calls the handler in force with it.
void DispatchError(virConnectPtr conn, virErrorPtr error);

}  // namespace cairn::capi
