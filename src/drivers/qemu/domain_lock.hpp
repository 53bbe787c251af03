// LockDomain: the per-domain lock every qemu driver call that may change a domain holds.
// It waits at most TestHooks::lock_timeout (30 s) for another holder, then fails as libvirt
// does for its job lock: VIR_ERR_OPERATION_TIMEOUT "cannot acquire state change lock (held
// by pid N: COMMAND)". Reading calls never take it (they need no write access to the root).
#pragma once

#include <string_view>

#include "drivers/qemu/state_layout.hpp"
#include "util/file_lock.hpp"

namespace cairn::drivers::qemu {

Result<util::FileLock> LockDomain(const StateLayout& layout, std::string_view name);

}  // namespace cairn::drivers::qemu
