// The domain lock with libvirt's wait limit.
#include "drivers/qemu/domain_lock.hpp"

#include "drivers/qemu/test_hooks.hpp"

namespace cairn::drivers::qemu {

Result<util::FileLock> LockDomain(const StateLayout& layout, std::string_view name) {
  return util::FileLock::Acquire(layout.LockFile(name), CurrentTestHooks().lock_timeout);
}

}  // namespace cairn::drivers::qemu
