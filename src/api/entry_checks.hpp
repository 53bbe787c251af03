// The contract checks libvirt's public entry points make before calling a driver, written
// once: non-NULL arguments, read-only connections, mutually exclusive flags, flags that
// require another, and unknown flag bits. Each returns the exact error libvirt raises; all
// but RequireWritable raise libvirt's bare text (no "invalid argument: " prefix).
// Unknown flag bits of driver entry points are the driver's to refuse (driver::CheckFlags).
#pragma once

#include <string_view>

#include "cairn/error.hpp"

namespace cairn::api {

struct FlagName {
  unsigned bit;
  std::string_view name;  // libvirt's spelling: "VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE"
};

// A C caller's NULL arrives as a string_view with data() == nullptr.
Status RequireNonNull(std::string_view arg, std::string_view arg_name, std::string_view function,
                      ErrorDomain domain);
Status RequireWritable(bool read_only, std::string_view function, ErrorDomain domain);
Status RequireExclusive(unsigned flags, FlagName a, FlagName b, ErrorDomain domain);
Status RequireFlagFor(unsigned flags, FlagName needed, FlagName by, ErrorDomain domain);
Status RequireKnownFlags(unsigned flags, unsigned known, std::string_view function,
                         ErrorDomain domain);

}  // namespace cairn::api
