// tools/cairn/local_time.hpp — creation times as `checkpoint-list` prints them: in the
// process's time zone ($TZ), "%Y-%m-%d %H:%M:%S %z" like virsh. Thread-safe (localtime_r).
#pragma once

#include <cstdint>
#include <string>

namespace cairn::cli {

// "2024-03-05 14:07:09 +0100" for `seconds` since the epoch; the bare number for a time
// the C library cannot convert.
std::string FormatLocalTime(int64_t seconds);

}  // namespace cairn::cli
