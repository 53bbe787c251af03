// TestHooks: the fault-injection seams of the qemu driver, supplied by a test in-process
// (never read from the environment, so no user's setting can crash or throttle Cairn).
// A test installs them before it opens a connection — in a forked child, before the call
// the child is to die in. Defaults are the production behaviour.
// Thread rule: install while no driver call runs; reads are then unsynchronised.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::drivers::qemu {

struct TestHooks {
  // CrashPoint(name) with this name ends the process at once (_exit(86)), as if killed.
  // Default: empty, no point crashes.
  std::string crash_at{};
  // Bytes per second every backup job is throttled to from its first moment, so a test can
  // watch, abort or break a backup while it runs. Default: unthrottled.
  std::optional<std::int64_t> backup_speed{};
  // How long a call waits for a domain's lock held by another call before failing with
  // VIR_ERR_OPERATION_TIMEOUT. Default: 30 s, as libvirt waits for its job lock.
  std::chrono::milliseconds lock_timeout = std::chrono::seconds(30);
  // Called on a job-event source's thread for each JOB_STATUS_CHANGE to "concluded" it hears
  // on a domain's events monitor, with the QEMU job's id and QEMU's timestamp of the event
  // (Unix microseconds), before the look it prompts: how a bench times QEMU's event to the
  // job-completed callback. Default: none.
  std::function<void(std::string_view job, std::int64_t qemu_unix_us)> job_concluded_heard{};
};

// Replaces the hooks of this process. REQUIRES: no driver call in progress.
void InstallTestHooks(TestHooks hooks);

// The hooks in force (the defaults until InstallTestHooks()).
const TestHooks& CurrentTestHooks();

}  // namespace cairn::drivers::qemu
