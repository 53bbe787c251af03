// BindCommand: virsh 9's option parser (vsh.c's bitmap of options still wanting a value).
#include "tools/cairn/option_binding.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "tools/cairn/command_table.hpp"

namespace cairn::cli {
namespace {

bool TakesValue(const OptionDef& o) { return o.kind != OptionKind::kBool; }

// The options that may still be filled by position, in declaration order.
std::vector<const OptionDef*> PositionalSlots(const CommandDef& def) {
  std::vector<const OptionDef*> slots;
  for (const OptionDef& o : def.options) {
    if (o.kind == OptionKind::kAlias || !TakesValue(o) || o.named_only) continue;
    slots.push_back(&o);
  }
  return slots;
}

ParsedCommand HelpFor(std::string_view command_name) {
  ParsedCommand help(*FindCommand("help"));
  help.Add("command", std::string(command_name));
  return help;
}

}  // namespace

const OptionDef* FindOption(const CommandDef& def, std::string_view name) {
  for (const OptionDef& o : def.options) {
    if (o.name != name) continue;
    if (o.kind == OptionKind::kAlias) return FindOption(def, o.help);
    return &o;
  }
  return nullptr;
}

std::expected<ParsedCommand, std::vector<std::string>> BindCommand(const CommandWords& words) {
  const CommandDef* def = FindCommand(words.front());
  if (def == nullptr) {
    return std::unexpected(std::vector{fmt::format("unknown command: '{}'", words.front())});
  }
  const bool is_help = def->name == "help";
  ParsedCommand cmd(*def);
  std::vector<const OptionDef*> slots = PositionalSlots(*def);
  std::vector<std::string_view> seen;
  bool positional_only = false;
  bool help_requested = false;
  auto fail = [](std::string message) {
    return std::unexpected(std::vector<std::string>{std::move(message)});
  };
  auto mark_seen = [&](const OptionDef& o) {
    seen.push_back(o.name);
    std::erase(slots, &o);
  };

  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    const bool is_option = !positional_only && w.size() > 2 && w[0] == '-' && w[1] == '-' &&
                           std::isalnum(static_cast<unsigned char>(w[2]));
    if (is_option) {
      std::string name = w.substr(2);
      std::optional<std::string> inline_value;
      if (std::size_t eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      if (name == "help") {
        help_requested = true;
        continue;
      }
      const OptionDef* o = FindOption(*def, name);
      if (o == nullptr) {
        if (is_help) continue;  // `help` ignores what it does not know
        return fail(fmt::format("command '{}' doesn't support option --{}", def->name, name));
      }
      if (o->kind != OptionKind::kArgv && std::ranges::find(seen, o->name) != seen.end()) {
        return fail(fmt::format("option --{} already seen", name));
      }
      if (!TakesValue(*o)) {
        if (inline_value) return fail(fmt::format("invalid '=' after option --{}", o->name));
        mark_seen(*o);
        cmd.Add(o->name, std::nullopt);
        continue;
      }
      if (!inline_value) {
        if (i + 1 >= words.size()) {
          return fail(fmt::format("expected syntax: --{} <string>", o->name));
        }
        inline_value = words[++i];
      }
      if (o->kind != OptionKind::kArgv) mark_seen(*o);
      seen.push_back(o->name);
      cmd.Add(o->name, std::move(inline_value));
      continue;
    }
    if (!positional_only && w == "--") {
      positional_only = true;
      continue;
    }
    if (slots.empty()) {
      if (is_help) continue;
      return fail(fmt::format("unexpected data '{}'", w));
    }
    const OptionDef* slot = slots.front();
    if (slot->kind != OptionKind::kArgv) slots.erase(slots.begin());
    seen.push_back(slot->name);
    cmd.Add(slot->name, w);
  }

  if (help_requested) return HelpFor(def->name);

  std::vector<std::string> missing;
  for (const OptionDef& o : def->options) {
    if (o.kind == OptionKind::kData && std::ranges::find(seen, o.name) == seen.end()) {
      missing.push_back(fmt::format("command '{}' requires <{}> option", def->name, o.name));
    }
  }
  if (!missing.empty()) return std::unexpected(std::move(missing));
  return cmd;
}

}  // namespace cairn::cli
