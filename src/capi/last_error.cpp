// Thread-local storage of the C API's last error.
#include "capi/last_error.hpp"

#include <string>

namespace cairn::capi {
namespace {

struct LastError {
  bool set = false;
  std::string message;
  virError error{};
};

LastError& Slot() {
  thread_local LastError slot;
  return slot;
}

}  // namespace

void ResetLastError() {
  LastError& s = Slot();
  s.set = false;
  s.message.clear();
  s.error = virError{};
}

void SetLastError(const Error& e) {
  LastError& s = Slot();
  s.set = true;
  s.message = e.Text();
  s.error = virError{};
  s.error.code = static_cast<int>(e.code());
  s.error.domain = static_cast<int>(e.domain());
  s.error.level = VIR_ERR_ERROR;
  s.error.message = s.message.data();
}

void SetInvalidHandle(ErrorCode code, ErrorDomain domain, std::string_view function) {
  SetLastError(Error(code, domain, std::string(function)));
}

}  // namespace cairn::capi

using cairn::capi::ResetLastError;

extern "C" {

virErrorPtr virGetLastError(void) {
  auto& s = cairn::capi::Slot();
  return s.set ? &s.error : nullptr;
}

const char* virGetLastErrorMessage(void) {
  auto& s = cairn::capi::Slot();
  return s.set ? s.message.c_str() : "no error";
}

void virResetLastError(void) { ResetLastError(); }

int virGetLastErrorCode(void) {
  auto& s = cairn::capi::Slot();
  return s.set ? s.error.code : VIR_ERR_OK;
}

int virGetLastErrorDomain(void) {
  auto& s = cairn::capi::Slot();
  return s.set ? s.error.domain : VIR_FROM_NONE;
}

}  // extern "C"
