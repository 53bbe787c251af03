// tools/cairn/local_files.hpp — reading the XML files named on the command line, failing
// with the system error virsh reports ("Failed to open file 'x': No such file or
// directory"), and local-time formatting of creation times.
#pragma once

#include <cstdint>
#include <string>

#include "cairn/error.hpp"

namespace cairn::cli {

// The whole content of `path`. Files over 10 MiB are refused, as virsh refuses them.
Result<std::string> ReadLocalFile(const std::string& path);

// "2024-03-05 14:07:09 +0100": `seconds` since the epoch in the local time zone, as
// `checkpoint-list` prints creation times.
std::string FormatLocalTime(int64_t seconds);

}  // namespace cairn::cli
