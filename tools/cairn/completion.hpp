// tools/cairn/completion.hpp — what tab completion offers for the word being typed at the
// end of a command line: command names, the options the command has not been given yet,
// and for option values domain names, checkpoint names of the domain already on the line,
// command names (for `help`) or files.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::cli {

// Where names come from; each may fail silently by returning nothing.
struct CompletionSources {
  std::function<std::vector<std::string>()> domains;
  std::function<std::vector<std::string>(const std::string& domain)> checkpoints;
};

struct Completions {
  std::vector<std::string> words;  // sorted, each starting with the word being typed
  bool files = false;              // the value is a file name: complete from the file system
};

Completions CompleteLine(std::string_view line, const CompletionSources& sources);

}  // namespace cairn::cli
