// The composition root: which drivers libcairn serves, and under which URI scheme. It sits
// above every other layer (src/api only consults driver::OpenDriver's registry, and knows no
// concrete driver), so adding a driver edits this file and nothing in src/api. The drivers
// are registered while the library loads, before any Connection::Open can run.
#include "driver/uri.hpp"
#include "drivers/qemu/qemu_driver.hpp"
#include "drivers/remote/remote_driver.hpp"
#include "drivers/test/test_driver.hpp"

namespace cairn::root {
namespace {

bool RegisterBuiltinDrivers() {
  driver::RegisterDriver("test", drivers::test::OpenTestDriver);
  driver::RegisterDriver("qemu", drivers::qemu::OpenQemuDriver);
  driver::RegisterDriver("remote", drivers::remote::OpenRemoteDriver);
  return true;
}

[[maybe_unused]] const bool kBuiltinDriversRegistered = RegisterBuiltinDrivers();

}  // namespace
}  // namespace cairn::root
