// The global and per-connection error handlers, and the per-connection last error.
#include "capi/error_handlers.hpp"

#include <cstring>

#include "capi/handles.hpp"

namespace cairn::capi {
namespace {

struct GlobalHandler {
  std::mutex mutex;
  virErrorFunc handler = nullptr;
  void* user_data = nullptr;
};

GlobalHandler& Global() {
  static GlobalHandler global;
  return global;
}

}  // namespace

void DispatchError(virConnectPtr conn, virErrorPtr error) {
  virErrorFunc handler;
  void* user_data;
  {
    GlobalHandler& g = Global();
    std::lock_guard lock(g.mutex);
    handler = g.handler;
    user_data = g.user_data;
  }
  if (conn != nullptr) {
    std::lock_guard lock(conn->errors.mutex);
    CopyError(*error, &conn->errors.last.error);
    if (conn->errors.handler != nullptr) {
      handler = conn->errors.handler;
      user_data = conn->errors.user_data;
    }
  }
  if (handler != nullptr) {
    handler(user_data, error);
  } else {
    virDefaultErrorFunc(error);
  }
}

}  // namespace cairn::capi

using cairn::capi::Valid;

extern "C" {

void virSetErrorFunc(void* userData, virErrorFunc handler) {
  cairn::capi::GlobalHandler& g = cairn::capi::Global();
  std::lock_guard lock(g.mutex);
  g.handler = handler;
  g.user_data = userData;
}

void virConnSetErrorFunc(virConnectPtr conn, void* userData, virErrorFunc handler) {
  if (!Valid(conn)) return;
  std::lock_guard lock(conn->errors.mutex);
  conn->errors.handler = handler;
  conn->errors.user_data = userData;
}

virErrorPtr virConnGetLastError(virConnectPtr conn) {
  if (!Valid(conn)) return nullptr;
  return &conn->errors.last.error;
}

int virConnCopyLastError(virConnectPtr conn, virErrorPtr to) {
  if (to == nullptr) return -1;
  std::memset(to, 0, sizeof(*to));
  if (!Valid(conn)) return -1;
  std::lock_guard lock(conn->errors.mutex);
  cairn::capi::CopyError(conn->errors.last.error, to);
  return to->code;
}

void virConnResetLastError(virConnectPtr conn) {
  if (!Valid(conn)) return;
  std::lock_guard lock(conn->errors.mutex);
  virResetError(&conn->errors.last.error);
}

}  // extern "C"
