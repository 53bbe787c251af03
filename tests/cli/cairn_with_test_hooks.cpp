// cairn_with_test_hooks: the cairn tool plus this file, for command-line cases that need a
// fault-injection seam (TestHooks). Test-only: neither libcairn nor the installed cairn reads
// these variables, so no user's environment can throttle or crash them.
//   CAIRN_TEST_HOOK_BACKUP_SPEED=N   every backup job copies at N bytes per second
//   CAIRN_TEST_HOOK_CRASH_AT=POINT   the process ends at that CrashPoint
//   CAIRN_TEST_HOOK_LOCK_TIMEOUT_MS=N  a domain lock held elsewhere is waited for N ms
#include <cstdlib>
#include <string>

#include "drivers/qemu/test_hooks.hpp"

namespace {

struct InstallFromEnvironment {
  InstallFromEnvironment() {
    cairn::drivers::qemu::TestHooks hooks;
    if (const char* v = std::getenv("CAIRN_TEST_HOOK_BACKUP_SPEED")) {
      hooks.backup_speed = std::strtoll(v, nullptr, 10);
    }
    if (const char* v = std::getenv("CAIRN_TEST_HOOK_CRASH_AT")) hooks.crash_at = v;
    if (const char* v = std::getenv("CAIRN_TEST_HOOK_LOCK_TIMEOUT_MS")) {
      hooks.lock_timeout = std::chrono::milliseconds(std::strtoll(v, nullptr, 10));
    }
    cairn::drivers::qemu::InstallTestHooks(std::move(hooks));
  }
} install_from_environment;

}  // namespace
