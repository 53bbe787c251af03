// The command table: the groups in the order `help` prints them.
#include "tools/cairn/command_table.hpp"

#include <array>

namespace cairn::cli {

std::span<const CommandGroup> CommandGroups() {
  static const std::array<CommandGroup, 6> kGroups = {
      DomainManagementGroup(),
      DomainMonitoringGroup(),
      HostGroup(),
      CheckpointGroup(),
      BackupGroup(),
      ShellGroup(),
  };
  return kGroups;
}

const CommandDef* FindCommand(std::string_view name) {
  for (const CommandGroup& g : CommandGroups()) {
    for (const CommandDef& c : g.commands) {
      if (c.name == name) return &c;
    }
  }
  return nullptr;
}

const CommandGroup* FindGroup(std::string_view name) {
  for (const CommandGroup& g : CommandGroups()) {
    if (g.name == name || g.keyword == name) return &g;
  }
  return nullptr;
}

}  // namespace cairn::cli
