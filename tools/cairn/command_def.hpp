// tools/cairn/command_def.hpp — what one cairn command is: name, help texts, options in
// declaration order, and the function that runs it. The command table built from these is
// the single source for option parsing, `help`, tab completion and the man page.
// Declaration order matters as in virsh 9: every non-boolean option not `named_only` may
// also be given by position, filled in the order the options are declared.
#pragma once

#include <span>
#include <string_view>

namespace cairn::cli {

class Session;
class ParsedCommand;

enum class OptionKind {
  kBool,    // --name, no value
  kData,    // a required value, by name or position (virsh's VSH_OT_DATA)
  kString,  // an optional value, by name or (unless named_only) by position
  kArgv,    // a repeatable value; must be the last option; collects every remaining position
  kAlias,   // another spelling of the option named in `help`; never documented
};

// What tab completion offers for an option's value.
enum class ValueCompletion { kNone, kDomain, kCheckpoint, kCommand, kFile };

struct OptionDef {
  std::string_view name;
  OptionKind kind = OptionKind::kBool;
  std::string_view help;    // for kAlias: the name of the option it stands for
  bool named_only = false;  // value only through --name (virsh's VSH_OFLAG_REQ_OPT)
  bool empty_ok = false;    // an empty value is accepted
  ValueCompletion completion = ValueCompletion::kNone;
};

// Returns true on success. On failure the handler has printed its own messages; the
// library error it recorded in the session, if any, is printed after it returns.
using CommandHandler = bool (*)(Session& session, const ParsedCommand& command);

struct CommandDef {
  std::string_view name;
  std::string_view help;         // one line, for `help` and the man page
  std::string_view description;  // the DESCRIPTION paragraph; may be empty
  std::span<const OptionDef> options;
  CommandHandler handler = nullptr;
  bool needs_connection = true;
  bool hidden = false;  // left out of `help` listings and completion (e.g. `complete`)
};

struct CommandGroup {
  std::string_view name;     // "Checkpoint"
  std::string_view keyword;  // "checkpoint", as in `help checkpoint`
  std::span<const CommandDef> commands;
};

}  // namespace cairn::cli
