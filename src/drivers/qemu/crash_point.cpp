// Test seam: die at a named step when the test hooks ask for it.
#include "drivers/qemu/crash_point.hpp"

#include <unistd.h>

#include "drivers/qemu/test_hooks.hpp"

namespace cairn::drivers::qemu {

void CrashPoint(std::string_view point) {
  const std::string& at = CurrentTestHooks().crash_at;
  if (!at.empty() && point == at) ::_exit(86);
}

}  // namespace cairn::drivers::qemu
