// TestHooks: the fault-injection seams of the qemu driver, supplied by a test in-process
// (never read from the environment, so no user's setting can crash or throttle Cairn).
// A test installs them before it opens a connection — in a forked child, before the call
// the child is to die in. Defaults are the production behaviour.
// Thread rule: install while no driver call runs; reads are then unsynchronised.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace cairn::drivers::qemu {

struct TestHooks {
  // CrashPoint(name) with this name ends the process at once (_exit(86)), as if killed.
  // Default: empty, no point crashes.
  std::string crash_at;
  // Bytes per second every backup job is throttled to from its first moment, so a test can
  // watch, abort or break a backup while it runs. Default: unthrottled.
  std::optional<std::int64_t> backup_speed;
  // How long a call waits for a domain's lock held by another call before failing with
  // VIR_ERR_OPERATION_TIMEOUT. Default: 30 s, as libvirt waits for its job lock.
  std::chrono::milliseconds lock_timeout = std::chrono::seconds(30);
};

// Replaces the hooks of this process. REQUIRES: no driver call in progress.
void InstallTestHooks(TestHooks hooks);

// The hooks in force (the defaults until InstallTestHooks()).
const TestHooks& CurrentTestHooks();

}  // namespace cairn::drivers::qemu
