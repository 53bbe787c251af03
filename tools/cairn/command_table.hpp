// tools/cairn/command_table.hpp — every cairn command, grouped as `help` lists them. The
// groups are defined next to their handlers (checkpoint_commands.cpp, domain_commands.cpp,
// ...); this is the one place that lists them all, in virsh's group order.
#pragma once

#include <span>
#include <string_view>

#include "tools/cairn/command_def.hpp"

namespace cairn::cli {

std::span<const CommandGroup> CommandGroups();

// The command called `name`, or nullptr.
const CommandDef* FindCommand(std::string_view name);
// The group whose name or help keyword is `name`, or nullptr.
const CommandGroup* FindGroup(std::string_view name);

// Each group's definition, for the table above.
const CommandGroup& DomainManagementGroup();
const CommandGroup& DomainMonitoringGroup();
const CommandGroup& HostGroup();
const CommandGroup& CheckpointGroup();
const CommandGroup& BackupGroup();
const CommandGroup& ShellGroup();

}  // namespace cairn::cli
