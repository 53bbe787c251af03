// cairn/version.hpp — which Cairn library is loaded at run time, as virGetVersion tells
// libvirt's. A program compiled against one Cairn and run with another can compare this
// with the version it was built with.
#pragma once

#include <string_view>

namespace cairn {

// "MAJOR.MINOR.MICRO" of the libcairn this process runs with; a static string.
std::string_view LibraryVersion();

}  // namespace cairn
