// The C API's per-thread last error: every C entry point resets it on entry and fills it
// from the cairn::Error it got, so virGetLastError() shows what libvirt would show.
#pragma once

#include <string_view>

#include "cairn/error.hpp"
#include "cairn/virt.h"

namespace cairn::capi {

void ResetLastError();
void SetLastError(const Error& error);
// For a NULL or foreign handle: the code and function named as libvirt's virCheck*Return do.
void SetInvalidHandle(ErrorCode code, ErrorDomain domain, std::string_view function);

}  // namespace cairn::capi
