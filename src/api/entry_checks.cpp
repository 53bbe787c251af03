// Contract checks shared by all public entry points.
#include "api/entry_checks.hpp"

#include <fmt/format.h>

#include "driver/driver.hpp"

namespace cairn::api {

Status RequireNonNull(std::string_view arg, std::string_view arg_name, std::string_view function,
                      ErrorDomain domain) {
  if (arg.data() != nullptr) return {};
  return FailBare(ErrorCode::kInvalidArg, domain,
                  fmt::format("{} in {} must not be NULL", arg_name, function));
}

Status RequireWritable(bool read_only, std::string_view function, ErrorDomain domain) {
  return driver::RequireWritable(read_only, function, domain);  // one message for both layers
}

Status RequireExclusive(unsigned flags, FlagName a, FlagName b, ErrorDomain domain) {
  if ((flags & a.bit) == 0 || (flags & b.bit) == 0) return {};
  return FailBare(ErrorCode::kInvalidArg, domain,
                  fmt::format("Flags '{}' and '{}' are mutually exclusive", a.name, b.name));
}

Status RequireFlagFor(unsigned flags, FlagName needed, FlagName by, ErrorDomain domain) {
  if ((flags & by.bit) == 0 || (flags & needed.bit) != 0) return {};
  return FailBare(ErrorCode::kInvalidArg, domain,
                  fmt::format("Flag '{}' is required by flag '{}'", needed.name, by.name));
}

Status RequireKnownFlags(unsigned flags, unsigned known, std::string_view function,
                         ErrorDomain domain) {
  if ((flags & ~known) == 0) return {};
  return FailBare(ErrorCode::kInvalidArg, domain,
                  fmt::format("unsupported flags (0x{:x}) in function {}", flags & ~known,
                              function));
}

}  // namespace cairn::api
