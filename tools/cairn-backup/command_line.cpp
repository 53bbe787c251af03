#include "tools/cairn-backup/command_line.hpp"

#include <fmt/format.h>

namespace cairn::backup {
namespace {

struct CommandShape {
  std::set<std::string> valued;
  std::set<std::string> switches;
};

const std::map<std::string, CommandShape>& Shapes() {
  static const std::map<std::string, CommandShape> kShapes = {
      {"init", {{"--encrypt", "--chunk-size"}, {}}},
      {"backup", {{"--level", "--disk"}, {}}},
      {"list", {{}, {}}},
      {"info", {{}, {}}},
      {"restore", {{"--to", "--disk", "--format", "--to-domain"}, {}}},
      {"verify", {{}, {}}},
      {"prune",
       {{"--keep-last", "--keep-hourly", "--keep-daily", "--keep-weekly", "--keep-monthly"},
        {"--dry-run"}}},
      {"gc", {{}, {}}},
      {"serve", {{"--disk", "--socket", "--tcp"}, {}}},
      {"help", {{}, {}}},
  };
  return kShapes;
}

std::unexpected<Error> Bad(std::string message) {
  return Fail(ErrorCode::kInvalidArg, ErrorDomain::kNone, std::move(message));
}

}  // namespace

std::optional<std::string> CommandLine::Option(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

const std::vector<std::string>& CommandLine::Options(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = options.find(name);
  return it == options.end() ? kNone : it->second;
}

Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  const CommandShape* shape = nullptr;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0) {
      if (std::size_t eq = arg.find('='); eq != std::string::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    }
    auto value = [&]() -> Result<std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return Bad(fmt::format("option '{}' needs a value", arg));
      return args[++i];
    };
    if (arg == "-c" || arg == "--connect" || arg == "-r" || arg == "--repo" || arg == "--key") {
      Result<std::string> v = value();
      if (!v) return std::unexpected(v.error());
      (arg == "--key" ? cl.key_file : (arg == "-c" || arg == "--connect") ? cl.uri
                                                                          : cl.repository) = *v;
      continue;
    }
    if (arg == "--json") {
      cl.json = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      cl.command = "help";
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      if (!shape) return Bad(fmt::format("unknown option '{}'", arg));
      if (shape->valued.count(arg)) {
        Result<std::string> v = value();
        if (!v) return std::unexpected(v.error());
        cl.options[arg].push_back(*v);
      } else if (shape->switches.count(arg) && !inline_value) {
        cl.switches.insert(arg);
      } else {
        return Bad(fmt::format("command '{}' has no option '{}'", cl.command, arg));
      }
      continue;
    }
    if (cl.command.empty()) {
      auto it = Shapes().find(arg);
      if (it == Shapes().end()) {
        return Bad(fmt::format("unknown command '{}'; 'cairn-backup help' lists them", arg));
      }
      cl.command = arg;
      shape = &it->second;
      continue;
    }
    cl.operands.push_back(arg);
  }
  if (cl.command.empty()) cl.command = "help";
  return cl;
}

}  // namespace cairn::backup
