// tools/cairn/help_text.hpp — the help screens, generated from the command table in
// virsh's layouts: `help` (every group), `help GROUP`, `help COMMAND` (NAME, SYNOPSIS,
// DESCRIPTION, OPTIONS) and `cairn --help`.
#pragma once

#include <string>
#include <vector>

#include "tools/cairn/command_def.hpp"

namespace cairn::cli {

std::string CommandHelp(const CommandDef& def);
std::string GroupHelp(const CommandGroup& group);
std::string AllCommandsHelp();
std::string UsageText();
std::string LongVersionText();

// The SYNOPSIS line of `def` ("checkpoint-info <domain> [--checkpointname <string>]").
std::string Synopsis(const CommandDef& def);

// The OPTIONS entries of `def`: the left column ("[--domain] <string>") and the help.
struct OptionHelp {
  std::string usage;
  std::string_view help;
};
std::vector<OptionHelp> OptionsHelp(const CommandDef& def);

}  // namespace cairn::cli
