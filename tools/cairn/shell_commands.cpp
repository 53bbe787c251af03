// The "Cairn itself" group: help, echo, quit/exit, and the hidden `complete` that shell
// completion scripts and the tests use.
#include <fmt/format.h>

#include "tools/cairn/command_table.hpp"
#include "tools/cairn/completion.hpp"
#include "tools/cairn/help_text.hpp"
#include "tools/cairn/session.hpp"
#include "tools/cairn/session_completion.hpp"
#include "cairn/xml_text.hpp"

namespace cairn::cli {
namespace {

bool RunHelp(Session& s, const ParsedCommand& cmd) {
  std::optional<std::string> name = cmd.Value("command");
  if (!name || name->empty()) {
    s.out().Print(AllCommandsHelp());
    return true;
  }
  if (const CommandDef* def = FindCommand(*name)) {
    s.out().Print(CommandHelp(*def));
    return true;
  }
  if (const CommandGroup* group = FindGroup(*name)) {
    s.out().Print(GroupHelp(*group));
    return true;
  }
  s.out().Error(fmt::format("command or command group '{}' doesn't exist", *name));
  return false;
}

// sh-safe quoting: words without shell syntax stay as they are.
std::string ShellQuote(const std::string& word) {
  if (word.empty()) return "''";
  if (word.find_first_of("|&;<>()$`\\\"' \t\n*?[#~=%") == std::string::npos) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool RunEcho(Session& s, const ParsedCommand& cmd) {
  const std::vector<std::string>& words = cmd.Values("string");
  if (words.empty()) return true;
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string piece = cmd.Has("xml") ? XmlEscape(words[i]) : words[i];
    if (cmd.Has("shell")) piece = ShellQuote(piece);
    if (i > 0) text += ' ';
    text += piece;
  }
  if (cmd.Has("err")) {
    s.out().Error(text);
  } else {
    s.out().Print(text);
  }
  return true;
}

bool RunQuit(Session& s, const ParsedCommand&) {
  s.RequestQuit();
  return true;
}

bool RunComplete(Session& s, const ParsedCommand& cmd) {
  std::string line;
  const std::vector<std::string>& words = cmd.Values("string");
  for (std::size_t i = 0; i < words.size(); ++i) line += (i ? " " : "") + words[i];
  for (const std::string& w : CompleteLine(line, CompletionSourcesFor(s)).words) {
    s.out().Print(w + "\n");
  }
  return true;
}

constexpr OptionDef kHelpOptions[] = {
    {"command", OptionKind::kString,
     "Prints global help, command specific help, or help for a group of related commands", false,
     false, ValueCompletion::kCommand},
};
constexpr OptionDef kEchoOptions[] = {
    {"shell", OptionKind::kBool, "escape for shell use"},
    {"xml", OptionKind::kBool, "escape for XML use"},
    {"err", OptionKind::kBool, "output to stderr"},
    {"str", OptionKind::kAlias, "string"},
    {"string", OptionKind::kArgv, "arguments to echo"},
};
constexpr OptionDef kCompleteOptions[] = {
    {"string", OptionKind::kArgv, "partial string to autocomplete", false, true},
};

constexpr CommandDef kCommands[] = {
    {"complete", "internal command for autocompletion", "internal use only", kCompleteOptions,
     RunComplete, false, true},
    {"echo", "echo arguments",
     "Echo back arguments, possibly with quoting; with --err, as an error on stderr.", kEchoOptions,
     RunEcho, false},
    {"exit", "quit this interactive terminal", "", {}, RunQuit, false},
    {"help", "print help",
     "Prints global help, command specific help, or help for a\n    group of related commands",
     kHelpOptions, RunHelp, false},
    {"quit", "quit this interactive terminal", "", {}, RunQuit, false},
};

}  // namespace

const CommandGroup& ShellGroup() {
  static const CommandGroup kGroup{"Cairn itself", "cairn", kCommands};
  return kGroup;
}

}  // namespace cairn::cli
