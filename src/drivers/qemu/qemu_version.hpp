// qemu_version: the version of the QEMU binary Cairn runs, asked of the binary itself
// (`qemu-system-x86_64 --version`) once per process and cached: a binary's version does not
// change under a running process (an upgrade in between is seen by the next process).
// Thread-safe.
#pragma once

#include <string>

#include "cairn/error.hpp"

namespace cairn::drivers::qemu {

// The binary every domain runs unless its XML names an <emulator> (BuildQemuCommand).
inline constexpr const char kDefaultEmulator[] = "qemu-system-x86_64";

// libvirt's virConnectGetVersion encoding, major * 1000000 + minor * 1000 + micro, of
// `binary`. Fails with kSystemError when it cannot be run, kInternalError naming what it
// printed when that has no "QEMU emulator version X.Y.Z".
Result<unsigned long> QemuBinaryVersion(const std::string& binary);

}  // namespace cairn::drivers::qemu
