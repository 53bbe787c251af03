// The QEMU process of a running domain, seen from any cairn process: started daemonized
// (it outlives the cairn process that started it), found again through its pid file, and
// recognised as gone when the pid no longer names that QEMU (a crash is noticed, never
// trusted blindly). Stop asks QEMU to quit cleanly — so persistent bitmaps are written to
// the images — and kills it only if it does not exit in time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "cairn/error.hpp"
#include "conf/domain_def.hpp"
#include "drivers/qemu/qemu_driver_options.hpp"
#include "drivers/qemu/state_layout.hpp"

namespace cairn::drivers::qemu {

struct RunningQemu {
  pid_t pid = -1;
  int id = -1;  // the domain id shown to users
};

// The live QEMU of `name`, if there is one. Stale run state (QEMU died) is removed.
std::optional<RunningQemu> FindRunningQemu(const StateLayout& layout, std::string_view name);

// Starts QEMU for `def` with id `id`; returns once QEMU is initialised (daemonized) or
// failed, with QEMU's own message (VIR_ERR_OPERATION_FAILED naming the domain). With
// options.EffectiveRunAs(), the disks' files are first given to that user (recorded in
// layout.OwnersFile, given back when the run state goes) and QEMU drops to it (-runas);
// options.seccomp_sandbox turns on QEMU's seccomp filter.
Result<RunningQemu> StartQemu(const conf::DomainDef& def, const StateLayout& layout, int id,
                              const QemuDriverOptions& options = {});

// Stops it: SIGTERM (QEMU shuts down cleanly, storing persistent bitmaps), then SIGKILL
// after `grace`. Removes the run state, giving the disks' files their owners back.
Status StopQemu(const StateLayout& layout, std::string_view name, const RunningQemu& qemu,
                std::chrono::milliseconds grace = std::chrono::seconds(10));

}  // namespace cairn::drivers::qemu
