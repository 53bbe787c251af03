// Making a finished raw push target sparse again. QEMU's backup job writes the disk's zero
// ranges into the target as write-zeroes without permission to unmap, which allocates them
// (fallocate ZERO_RANGE, or zeros written), so a raw target took the disk's full size; a
// qcow2 target records them as zero clusters instead. Punching those ranges back into holes
// keeps every byte as it reads. Not thread-safe per file; the job must have concluded.
#pragma once

#include <string>

#include "cairn/error.hpp"

namespace cairn::drivers::qemu {

// Turns every run of zeros in `path` (in whole 64 KiB blocks) into a hole; the size and
// contents stay as they are. Reads the file's data once (holes are skipped with SEEK_DATA).
// VIR_ERR_SYSTEM_ERROR naming the file when it cannot be read or punched.
Status PunchZeroRuns(const std::string& path);

}  // namespace cairn::drivers::qemu
