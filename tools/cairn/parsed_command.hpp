// tools/cairn/parsed_command.hpp — one command with its options bound to values, ready to
// run. Produced only by BindCommand (option_binding.hpp), so every option it holds exists in
// the command's definition; handlers ask for options by their canonical name.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/cairn/command_def.hpp"

namespace cairn::cli {

class ParsedCommand {
 public:
  explicit ParsedCommand(const CommandDef& def) : def_(&def) {}

  const CommandDef& def() const { return *def_; }
  std::string_view name() const { return def_->name; }

  // True if the option was given (a boolean flag, or any value).
  bool Has(std::string_view option) const { return values_.contains(option); }
  // The value of a non-boolean option, if given.
  std::optional<std::string> Value(std::string_view option) const;
  // Every value of an argv option, in the order given; empty if none.
  const std::vector<std::string>& Values(std::string_view option) const;

  void Add(std::string_view option, std::optional<std::string> value);

 private:
  const CommandDef* def_;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

}  // namespace cairn::cli
