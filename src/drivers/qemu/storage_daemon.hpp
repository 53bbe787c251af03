// The qemu-storage-daemon that serves a shut-off domain's disks while a backup job runs on
// it, standing in for the QEMU a running domain has. It opens every disk exactly as QEMU
// does (DiskBlockdevs: the same options and node names), so the backup and bitmap code
// drive it with the same QMP commands. Like QEMU it runs daemonized (the job outlives the
// cairn process that began it), is found again through its pid file and recognised by its
// command line, never by the pid alone. Stop asks it to quit, which writes persistent
// bitmaps added meanwhile (the backup's checkpoint) into the images, and kills it only if
// it does not exit in time. No state of its own; callers hold the domain's lock.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>

#include "cairn/error.hpp"
#include "conf/domain_def.hpp"
#include "drivers/qemu/state_layout.hpp"

namespace cairn::drivers::qemu {

// Starts it for `def` (its QMP socket StateLayout::StorageDaemonQmpSocket) and returns its
// pid once it is initialised; VIR_ERR_OPERATION_FAILED with its own message otherwise
// (an image another process holds, a missing file).
Result<pid_t> StartStorageDaemon(const conf::DomainDef& def, const StateLayout& layout);

// The live storage daemon of domain `name`, if there is one. Stale state is removed.
std::optional<pid_t> FindStorageDaemon(const StateLayout& layout, std::string_view name);

// QMP quit (SIGTERM when the monitor cannot be reached), SIGKILL after 30 s; removes its
// run state. A pid that is no longer that daemon counts as stopped.
Status StopStorageDaemon(const StateLayout& layout, std::string_view name, pid_t pid);

}  // namespace cairn::drivers::qemu
