// CrashPoint: where a multi-step change may be cut short on purpose, to prove it recovers.
// When $CAIRN_CRASH_AT names the point, the process ends there at once (_exit, no
// unwinding, no cleanup) — as if it had been killed. Used by the fault-injection tests;
// costs one getenv otherwise.
#pragma once

#include <string_view>

namespace cairn::drivers::qemu {

void CrashPoint(std::string_view point);

}  // namespace cairn::drivers::qemu
