// The C API's errors: the calling thread's last error (virGetLastError) and how a failing
// entry point reports one. An entry point resets the last error on entry (Check*), and on
// failure calls SetLastError exactly once, as its last step: that stores the error on the
// thread, copies it into the entry's connection and hands it to the handler in force
// (error_handlers.hpp). Strings inside a virError are malloc'd, so that the caller may
// virResetError any virError it got from Cairn, as libvirt allows.
// Thread rule: the last error is per thread; nothing here locks except the handler lookup.
#pragma once

#include <string>
#include <string_view>

#include "cairn/error.hpp"
#include "cairn/virt.h"

namespace cairn::capi {

// A virError that frees its strings when it goes; not copyable (copy with CopyError).
struct OwnedError {
  virError error{};
  OwnedError() = default;
  OwnedError(const OwnedError&) = delete;
  OwnedError& operator=(const OwnedError&) = delete;
  ~OwnedError() { virResetError(&error); }
};

// Deep copy of `from` into `to`, whose old strings are freed first; conn/dom/net stay NULL.
void CopyError(const virError& from, virError* to);

// Clears the thread's last error and forgets the thread's entry connection.
void ResetLastError();
// Records `conn` (valid, or NULL) as the connection the current entry point works on; its
// handler and last error are the ones SetLastError uses.
void SetEntryConnection(virConnectPtr conn);
// Forgets `conn` if it is this thread's entry connection (it is being freed).
void ForgetEntryConnection(virConnectPtr conn);

// Stores `error` as the thread's last error and reports it (see above).
void SetLastError(const Error& error);
// The same for an error that cairn::Error cannot name (a virErrorDomain outside
// cairn::ErrorDomain, or a message without the code's text): `message` is the full text,
// the rest the virError's str1, str2 (empty: NULL), int1 and int2 as libvirt fills them.
void SetLastErrorRaw(int code, int domain, std::string message, std::string_view str1,
                     std::string_view str2, int ints = -1);
// For a NULL pointer argument: "ARG in FUNCTION must not be NULL", VIR_ERR_INVALID_ARG from
// `domain`, worded (without the code's text) and filled as libvirt's virCheckNonNullArg.
void SetNullArgument(std::string_view arg, std::string_view function, int domain);
// For a NULL or foreign handle: the code, the domain and "invalid ... pointer in FUNCTION"
// exactly as libvirt's virCheck*Return macros raise them.
void SetInvalidHandle(ErrorCode code, int domain, std::string_view function);
inline void SetInvalidHandle(ErrorCode code, ErrorDomain domain, std::string_view function) {
  SetInvalidHandle(code, static_cast<int>(domain), function);
}

}  // namespace cairn::capi
