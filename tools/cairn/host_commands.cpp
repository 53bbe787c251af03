// The host group: uri and version. `version` keeps virsh's four lines; the "library" is
// libcairn, the API the connection's driver at the library's version, and the running
// hypervisor's version the driver's (QEMU's own; 0.0.2 for the test driver, as libvirt's).
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
  Result<unsigned long> v = s.connection().HypervisorVersion();
  if (!v) {
    s.SetError(v.error());
    s.out().Error("failed to get the hypervisor version");
    return false;
  }
  if (*v == 0) {
    s.out().Print(fmt::format("Cannot extract running {} hypervisor version\n", type));
  } else {
    s.out().Print(fmt::format("Running hypervisor: {} {}.{}.{}\n", type, *v / 1000000,
                              *v / 1000 % 1000, *v % 1000));
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
