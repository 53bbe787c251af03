// Registers every driver built into libcairn under its URI scheme.
#include "drivers/builtin_drivers.hpp"

#include "driver/uri.hpp"
#include "drivers/test/test_driver.hpp"

namespace cairn::drivers {

void RegisterBuiltinDrivers() {
  driver::RegisterDriver("test", test::OpenTestDriver);
}

}  // namespace cairn::drivers
