// Registers every driver built into libcairn under its URI scheme.
#include "drivers/builtin_drivers.hpp"

#include "driver/uri.hpp"
#include "drivers/qemu/qemu_driver.hpp"
#include "drivers/remote/remote_driver.hpp"
#include "drivers/test/test_driver.hpp"

namespace cairn::drivers {

void RegisterBuiltinDrivers() {
  driver::RegisterDriver("test", test::OpenTestDriver);
  driver::RegisterDriver("qemu", qemu::OpenQemuDriver);
  driver::RegisterDriver("remote", remote::OpenRemoteDriver);
}

}  // namespace cairn::drivers
