// CrashPoint: where a multi-step change may be cut short on purpose, to prove it recovers.
// When the installed TestHooks (test_hooks.hpp) name the point, the process ends there at
// once (_exit(86), no unwinding, no cleanup) — as if it had been killed. Nothing else can
// arm it: no environment variable, no file. Costs one string compare otherwise.
#pragma once

#include <string_view>

namespace cairn::drivers::qemu {

void CrashPoint(std::string_view point);

}  // namespace cairn::drivers::qemu
