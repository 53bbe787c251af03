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

// Binds the words of one command in order; each step returns an error message or nothing.
class Binder {
 public:
  explicit Binder(const CommandDef& def)
      : def_(def), is_help_(def.name == "help"), cmd_(def), slots_(PositionalSlots(def)) {}

  // words[*i] is "--name" or "--name=value"; a separate value is consumed by advancing *i.
  std::optional<std::string> Named(const CommandWords& words, std::size_t* i) {
    std::string name = words[*i].substr(2);
    std::optional<std::string> value;
    if (std::size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name == "help") {
      help_requested_ = true;
      return std::nullopt;
    }
    const OptionDef* o = FindOption(def_, name);
    if (o == nullptr) {
      if (is_help_) return std::nullopt;  // `help` ignores what it does not know
      return fmt::format("command '{}' doesn't support option --{}", def_.name, name);
    }
    if (o->kind != OptionKind::kArgv && WasGiven(o->name)) {
      return fmt::format("option --{} already seen", name);
    }
    if (!TakesValue(*o)) {
      if (value) return fmt::format("invalid '=' after option --{}", o->name);
      Bind(*o, std::nullopt);
      return std::nullopt;
    }
    if (!value) {
      if (*i + 1 >= words.size()) return fmt::format("expected syntax: --{} <string>", o->name);
      value = words[++*i];
    }
    Bind(*o, std::move(value));
    return std::nullopt;
  }

  // A value without an option name fills the first option still free for one.
  std::optional<std::string> Positional(const std::string& word) {
    if (slots_.empty()) {
      if (is_help_) return std::nullopt;
      return fmt::format("unexpected data '{}'", word);
    }
    Bind(*slots_.front(), word);
    return std::nullopt;
  }

  std::expected<ParsedCommand, std::vector<std::string>> Finish() && {
    if (help_requested_) return HelpFor(def_.name);
    std::vector<std::string> missing;
    for (const OptionDef& o : def_.options) {
      if (o.kind == OptionKind::kData && !WasGiven(o.name)) {
        missing.push_back(fmt::format("command '{}' requires <{}> option", def_.name, o.name));
      }
    }
    if (!missing.empty()) return std::unexpected(std::move(missing));
    return std::move(cmd_);
  }

 private:
  bool WasGiven(std::string_view name) const {
    return std::ranges::find(given_, name) != given_.end();
  }
  void Bind(const OptionDef& o, std::optional<std::string> value) {
    given_.push_back(o.name);
    if (o.kind != OptionKind::kArgv) std::erase(slots_, &o);  // an argv option takes more
    cmd_.Add(o.name, std::move(value));
  }

  const CommandDef& def_;
  const bool is_help_;
  ParsedCommand cmd_;
  std::vector<const OptionDef*> slots_;
  std::vector<std::string_view> given_;
  bool help_requested_ = false;
};

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
  Binder binder(*def);
  bool positional_only = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    std::optional<std::string> error;
    if (!positional_only && w == "--") {
      positional_only = true;
    } else if (!positional_only && w.size() > 2 && w.starts_with("--") &&
               std::isalnum(static_cast<unsigned char>(w[2]))) {
      error = binder.Named(words, &i);
    } else {
      error = binder.Positional(w);
    }
    if (error) return std::unexpected(std::vector{std::move(*error)});
  }
  return std::move(binder).Finish();
}

}  // namespace cairn::cli
