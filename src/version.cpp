// The library's own version, so that a shared libcairn always has one symbol of its own,
// and programs can ask which libcairn they run with (cairn/version.hpp).
#include "cairn/version.hpp"

namespace cairn {
extern const char kVersion[] = "0.1.0";

std::string_view LibraryVersion() { return kVersion; }
}  // namespace cairn
