// ParsedCommand: option values by canonical name.
#include "tools/cairn/parsed_command.hpp"

namespace cairn::cli {

std::optional<std::string> ParsedCommand::Value(std::string_view option) const {
  auto it = values_.find(option);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

const std::vector<std::string>& ParsedCommand::Values(std::string_view option) const {
  static const std::vector<std::string> kNone;
  auto it = values_.find(option);
  return it == values_.end() ? kNone : it->second;
}

void ParsedCommand::Add(std::string_view option, std::optional<std::string> value) {
  std::vector<std::string>& slot = values_[std::string(option)];
  if (value) slot.push_back(std::move(*value));
}

}  // namespace cairn::cli
