// The process's TestHooks: defaults until a test installs its own.
#include "drivers/qemu/test_hooks.hpp"

namespace cairn::drivers::qemu {
namespace {

TestHooks& Hooks() {
  static TestHooks hooks;
  return hooks;
}

}  // namespace

void InstallTestHooks(TestHooks hooks) { Hooks() = std::move(hooks); }

const TestHooks& CurrentTestHooks() { return Hooks(); }

}  // namespace cairn::drivers::qemu
