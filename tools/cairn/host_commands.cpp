// The host group: uri and version. `version` keeps virsh's four lines; the "library" is
// libcairn, and the test driver, being part of it, runs at the library's version.
#include <fmt/format.h>

#include "tools/cairn/command_table.hpp"
#include "tools/cairn/session.hpp"

#ifndef CAIRN_CLI_VERSION
#error "CAIRN_CLI_VERSION must name the Cairn version the tool is built from"
#endif

namespace cairn::cli {
namespace {

bool RunUri(Session& s, const ParsedCommand&) {
  s.out().Print(s.connection().uri() + "\n");
  return true;
}

bool RunVersion(Session& s, const ParsedCommand&) {
  const std::string_view type = s.connection().type();
  const std::string_view library = LibraryVersion();
  s.out().Print(fmt::format("Compiled against library: cairn {}\n", CAIRN_CLI_VERSION));
  s.out().Print(fmt::format("Using library: cairn {}\n", library));
  s.out().Print(fmt::format("Using API: {} {}\n", type, library));
  if (type == "Test") {
    s.out().Print(fmt::format("Running hypervisor: {} {}\n", type, library));
  } else {
    // The public API does not report the hypervisor's own version.
    s.out().Print(fmt::format("Cannot extract running {} hypervisor version\n", type));
  }
  return true;
}

constexpr CommandDef kCommands[] = {
    {"uri", "print the hypervisor canonical URI", "", {}, RunUri},
    {"version",
     "show version",
     "Display the system version information: the Cairn version cairn was built with, the "
     "libcairn it runs with, and the connection's driver and its version.",
     {},
     RunVersion},
};

}  // namespace

const CommandGroup& HostGroup() {
  static const CommandGroup kGroup{"Host and Hypervisor", "host", kCommands};
  return kGroup;
}

}  // namespace cairn::cli
