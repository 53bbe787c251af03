// cairn-backup/command_line.hpp — the command line: global options, a command, its options
// and operands, in restic's and virsh's habits ("-r REPO", "--disk D" repeatable,
// "--opt=value" or "--opt value"). Thread rule: values.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cairn/error.hpp"

namespace cairn::backup {

struct CommandLine {
  std::optional<std::string> uri;       // -c / --connect
  std::optional<std::string> repository;  // -r / --repo
  std::optional<std::string> key_file;  // --key
  bool json = false;                    // --json
  std::string command;                  // "backup", "restore", ...
  std::vector<std::string> operands;
  std::map<std::string, std::vector<std::string>> options;  // "--disk" -> {"vda", "vdb"}
  std::set<std::string> switches;       // "--dry-run"

  std::optional<std::string> Option(const std::string& name) const;
  const std::vector<std::string>& Options(const std::string& name) const;
  bool Switch(const std::string& name) const { return switches.count(name) != 0; }
};

// Options that take a value, per command; every other "--x" is a switch the command must
// know. Errors: kInvalidArg naming the unknown option or the missing value.
Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

}  // namespace cairn::backup
