// tools/cairn/option_binding.hpp — binds the words of one command to its definition with
// virsh 9's rules: "--opt value", "--opt=value", positional values filling the non-boolean
// options in declaration order, "--" ending option parsing, "--help" turning any command
// into `help COMMAND`, and the required options checked last.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "tools/cairn/command_string.hpp"
#include "tools/cairn/parsed_command.hpp"

namespace cairn::cli {

// The bound command, or every error message virsh would print for these words (without
// the "error: " prefix), e.g. "unknown command: 'foo'", "command 'checkpoint-info'
// requires <domain> option".
std::expected<ParsedCommand, std::vector<std::string>> BindCommand(const CommandWords& words);

// The option `name` of `def` after resolving aliases, or nullptr.
const OptionDef* FindOption(const CommandDef& def, std::string_view name);

}  // namespace cairn::cli
