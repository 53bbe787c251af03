// Thread-local storage of the C API's last error, and the public functions that read, copy
// and reset errors.
#include "capi/last_error.hpp"

#include <cstdlib>
#include <cstring>

#include "capi/error_handlers.hpp"

namespace cairn::capi {
namespace {

struct ThreadErrors {
  OwnedError last;
  virConnectPtr entry_conn = nullptr;  // not owned; valid during an entry point only
};

ThreadErrors& Slot() {
  thread_local ThreadErrors slot;
  return slot;
}

char* Dup(const char* s) { return s != nullptr ? strdup(s) : nullptr; }

char* Dup(std::string_view s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out == nullptr) return nullptr;
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

}  // namespace

void CopyError(const virError& from, virError* to) {
  if (&from == to) return;
  virResetError(to);
  to->code = from.code;
  to->domain = from.domain;
  to->level = from.level;
  to->message = Dup(from.message);
  to->str1 = Dup(from.str1);
  to->str2 = Dup(from.str2);
  to->str3 = Dup(from.str3);
  to->int1 = from.int1;
  to->int2 = from.int2;
}

void ResetLastError() {
  ThreadErrors& s = Slot();
  virResetError(&s.last.error);
  s.entry_conn = nullptr;
}

void SetEntryConnection(virConnectPtr conn) { Slot().entry_conn = conn; }

void ForgetEntryConnection(virConnectPtr conn) {
  ThreadErrors& s = Slot();
  if (s.entry_conn == conn) s.entry_conn = nullptr;
}

void SetLastErrorRaw(int code, int domain, std::string message, std::string_view str1,
                     std::string_view str2, int ints) {
  ThreadErrors& s = Slot();
  virError& e = s.last.error;
  virResetError(&e);
  e.code = code;
  e.domain = domain;
  e.level = VIR_ERR_ERROR;
  e.message = Dup(std::string_view(message));
  e.str1 = str1.empty() ? nullptr : Dup(str1);
  e.str2 = str2.empty() ? nullptr : Dup(str2);
  e.int1 = ints;
  e.int2 = ints;
  virConnectPtr conn = s.entry_conn;
  s.entry_conn = nullptr;  // one report per entry point
  DispatchError(conn, &e);
}

void SetLastError(const Error& error) {
  // libvirt fills str1 with the code's text around "%s" and str2 with the detail.
  std::string str1 = error.detail().empty() ? std::string(GenericText(error.code()))
                                            : Error(error.code(), error.domain(), "%s").Text();
  SetLastErrorRaw(static_cast<int>(error.code()), static_cast<int>(error.domain()), error.Text(),
                  str1, error.detail());
}

void SetNullArgument(std::string_view arg, std::string_view function, int domain) {
  SetLastErrorRaw(VIR_ERR_INVALID_ARG, domain,
                  std::string(arg) + " in " + std::string(function) + " must not be NULL", function,
                  arg, 0);
}

void SetInvalidHandle(ErrorCode code, int domain, std::string_view function) {
  Error e(code, ErrorDomain::kNone, std::string(function));
  SetLastErrorRaw(static_cast<int>(code), domain, e.Text(),
                  Error(code, ErrorDomain::kNone, "%s").Text(), function);
}

}  // namespace cairn::capi

using cairn::capi::Slot;

extern "C" {

virErrorPtr virGetLastError(void) {
  virError& e = Slot().last.error;
  return e.code != VIR_ERR_OK ? &e : nullptr;
}

const char* virGetLastErrorMessage(void) {
  const virError& e = Slot().last.error;
  if (e.code == VIR_ERR_OK) return "no error";
  return e.message != nullptr ? e.message : "unknown error";
}

void virResetLastError(void) { cairn::capi::ResetLastError(); }

int virGetLastErrorCode(void) { return Slot().last.error.code; }

int virGetLastErrorDomain(void) { return Slot().last.error.domain; }

int virCopyLastError(virErrorPtr to) {
  if (to == nullptr) return -1;
  std::memset(to, 0, sizeof(*to));  // what `to` held may be garbage: never free it
  cairn::capi::CopyError(Slot().last.error, to);
  return to->code;
}

virErrorPtr virSaveLastError(void) {
  auto* to = static_cast<virErrorPtr>(std::calloc(1, sizeof(virError)));
  if (to != nullptr) virCopyLastError(to);
  return to;
}

void virResetError(virErrorPtr err) {
  if (err == nullptr) return;
  std::free(err->message);
  std::free(err->str1);
  std::free(err->str2);
  std::free(err->str3);
  std::memset(err, 0, sizeof(*err));
}

void virFreeError(virErrorPtr err) {
  virResetError(err);
  std::free(err);
}

}  // extern "C"
