// Help screens in virsh's layouts (vshCmddefHelp, vshCmdGrpHelp, cmdHelp, virshUsage).
#include "tools/cairn/help_text.hpp"

#include <fmt/format.h>

#include "tools/cairn/command_table.hpp"

#ifndef CAIRN_CLI_VERSION
#error "CAIRN_CLI_VERSION must name the Cairn version the tool is built from"
#endif

namespace cairn::cli {
namespace {

// Whether a value of `o` may be given by position ("[--name] <string>" in virsh's words).
bool Positional(const OptionDef& o) {
  return o.kind != OptionKind::kBool && o.kind != OptionKind::kAlias && !o.named_only;
}

// virsh marks an argv option positional only if some earlier option is.
bool AnyEarlierPositional(const CommandDef& def, const OptionDef* upto) {
  for (const OptionDef& o : def.options) {
    if (&o == upto) return false;
    if (Positional(o)) return true;
  }
  return false;
}

std::string GroupLines(const CommandGroup& group) {
  std::string out;
  for (const CommandDef& c : group.commands) {
    if (!c.hidden) out += fmt::format("    {:<30} {}\n", c.name, c.help);
  }
  return out;
}

}  // namespace

std::string Synopsis(const CommandDef& def) {
  std::string out(def.name);
  for (const OptionDef& o : def.options) {
    switch (o.kind) {
      case OptionKind::kBool:
        out += fmt::format(" [--{}]", o.name);
        break;
      case OptionKind::kData:
        out += fmt::format(" <{}>", o.name);
        break;
      case OptionKind::kString:
        out += fmt::format(" [--{} <string>]", o.name);
        break;
      case OptionKind::kArgv:
        out += AnyEarlierPositional(def, &o) ? fmt::format(" [[--{}] <string>]...", o.name)
                                             : fmt::format(" [<{}>]...", o.name);
        break;
      case OptionKind::kAlias:
        break;  // aliases are not documented
    }
  }
  return out;
}

std::vector<OptionHelp> OptionsHelp(const CommandDef& def) {
  std::vector<OptionHelp> out;
  for (const OptionDef& o : def.options) {
    switch (o.kind) {
      case OptionKind::kBool:
        out.push_back({fmt::format("--{}", o.name), o.help});
        break;
      case OptionKind::kData:
        out.push_back({fmt::format("[--{}] <string>", o.name), o.help});
        break;
      case OptionKind::kString:
        out.push_back({fmt::format("--{} <string>", o.name), o.help});
        break;
      case OptionKind::kArgv:
        out.push_back({AnyEarlierPositional(def, &o) ? fmt::format("[--{}] <string>", o.name)
                                                     : fmt::format("<{}>", o.name),
                       o.help});
        break;
      case OptionKind::kAlias:
        break;
    }
  }
  return out;
}

std::string CommandHelp(const CommandDef& def) {
  std::string out = fmt::format("  NAME\n    {} - {}\n", def.name, def.help);
  out += fmt::format("\n  SYNOPSIS\n    {}\n", Synopsis(def));
  if (!def.description.empty()) out += fmt::format("\n  DESCRIPTION\n    {}\n", def.description);
  std::vector<OptionHelp> options = OptionsHelp(def);
  if (!options.empty()) {
    out += "\n  OPTIONS\n";
    for (const OptionHelp& o : options) out += fmt::format("    {:<15}  {}\n", o.usage, o.help);
  }
  return out + "\n";
}

std::string GroupHelp(const CommandGroup& group) {
  return fmt::format(" {} (help keyword '{}'):\n", group.name, group.keyword) + GroupLines(group);
}

std::string AllCommandsHelp() {
  std::string out = "Grouped commands:\n\n";
  for (const CommandGroup& g : CommandGroups()) out += GroupHelp(g) + "\n";
  return out;
}

std::string UsageText() {
  std::string out =
      "\n"
      "cairn [options]... [<command_string>]\n"
      "cairn [options]... <command> [args...]\n"
      "\n"
      "  options:\n"
      "    -c | --connect=URI      hypervisor connection URI\n"
      "    -h | --help             this help\n"
      "         --man              write the cairn(1) man page (troff) to stdout\n"
      "    -q | --quiet            quiet mode\n"
      "    -r | --readonly         connect readonly\n"
      "    -v                      short version\n"
      "    -V                      long version\n"
      "         --version[=TYPE]   version, TYPE is short or long (default short)\n"
      "  commands (non interactive mode):\n"
      "\n";
  for (const CommandGroup& g : CommandGroups()) {
    out += fmt::format(" {} (help keyword '{}')\n", g.name, g.keyword) + GroupLines(g) + "\n";
  }
  out += "\n  (specify help <group> for details about the commands in the group)\n";
  out += "\n  (specify help <command> for details about the command)\n\n";
  return out;
}

std::string LongVersionText() {
  return fmt::format(
      "Cairn command line tool, version {}\n"
      "\n"
      "Compiled with support for:\n"
      " Hypervisors: QEMU/KVM Test\n"
      " Miscellaneous: Readline\n",
      CAIRN_CLI_VERSION);
}

}  // namespace cairn::cli
