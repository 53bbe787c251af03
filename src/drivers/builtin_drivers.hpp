// The drivers compiled into libcairn, registered with the URI registry on first use.
#pragma once

namespace cairn::drivers {

void RegisterBuiltinDrivers();

}  // namespace cairn::drivers
