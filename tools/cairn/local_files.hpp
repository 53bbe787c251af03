// tools/cairn/local_files.hpp — reading the XML files named on the command line, failing
// with the system error virsh reports ("Failed to open file 'x': No such file or
// directory").
#pragma once

#include <string>

#include "cairn/error.hpp"

namespace cairn::cli {

// The whole content of `path`. Files over 10 MiB are refused, as virsh refuses them.
Result<std::string> ReadLocalFile(const std::string& path);

}  // namespace cairn::cli
