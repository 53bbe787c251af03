// Test seam: die at a named step when asked to.
#include "drivers/qemu/crash_point.hpp"

#include <unistd.h>

#include <cstdlib>

namespace cairn::drivers::qemu {

void CrashPoint(std::string_view point) {
  const char* at = std::getenv("CAIRN_CRASH_AT");
  if (at != nullptr && point == at) ::_exit(86);
}

}  // namespace cairn::drivers::qemu
