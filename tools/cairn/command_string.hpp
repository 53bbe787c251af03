// tools/cairn/command_string.hpp — splits a command line the way virsh's shell does: words
// separated by blanks, commands separated by ';' or newlines, '#' starting a comment word,
// single and double quotes, backslash escapes, backslash-newline as a continuation.
// It only splits: which words are commands and options is BindCommand's job.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::cli {

// One command as typed: its words, the command name first. Never empty.
using CommandWords = std::vector<std::string>;

// Every command in `text`, in order; empty commands (";;", blank lines, comments) are
// dropped. Fails, for the whole text, with virsh's message: "dangling \" when the text
// ends in a lone backslash, "missing \"" when a double quote is left open.
std::expected<std::vector<CommandWords>, std::string> SplitCommandString(std::string_view text);

// The words of the last, possibly unfinished, command in `text`, and whether the text ends
// inside a word (so the last word is being typed). Never fails; used for completion.
struct PartialCommand {
  CommandWords words;
  bool in_word = false;
};
PartialCommand SplitPartialCommand(std::string_view text);

}  // namespace cairn::cli
