// SplitCommandString: virsh's command-string tokenizer, rules in the header.
#include "tools/cairn/command_string.hpp"

namespace cairn::cli {
namespace {

enum class Token { kWord, kEndOfCommand, kEnd, kError };

struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  char At(std::size_t i) const { return i < text.size() ? text[i] : '\0'; }
};

// Reads the next token at `c`. On kWord the word is in `word`; on kError `word` holds the
// message. `in_word` tells whether the text ended inside a word (for completion).
Token NextToken(Cursor& c, std::string& word, bool* in_word = nullptr) {
  word.clear();
  while (c.At(c.pos) == ' ' || c.At(c.pos) == '\t' ||
         (c.At(c.pos) == '\\' && c.At(c.pos + 1) == '\n')) {
    c.pos += c.At(c.pos) == '\\' ? 2 : 1;
  }
  if (c.pos >= c.text.size()) return Token::kEnd;
  if (c.At(c.pos) == ';' || c.At(c.pos) == '\n') {
    ++c.pos;
    return Token::kEndOfCommand;
  }
  if (c.At(c.pos) == '#') {  // a word starting with '#' comments out the rest of the line
    while (c.pos < c.text.size() && c.text[c.pos] != '\n') ++c.pos;
    if (c.pos < c.text.size()) ++c.pos;
    return Token::kEndOfCommand;
  }
  bool single_quote = false;
  bool double_quote = false;
  while (c.pos < c.text.size()) {
    char ch = c.text[c.pos];
    if (!single_quote && !double_quote && (ch == ' ' || ch == '\t' || ch == ';' || ch == '\n')) {
      break;
    }
    if (!double_quote && ch == '\'') {
      single_quote = !single_quote;
      ++c.pos;
      continue;
    }
    if (!single_quote && ch == '\\') {
      // As in sh: a backslash escapes inside double quotes too, but not inside single quotes.
      ++c.pos;
      if (c.pos >= c.text.size()) {
        word = "dangling \\";
        if (in_word) *in_word = true;
        return Token::kError;
      }
      ch = c.text[c.pos];
    } else if (!single_quote && ch == '"') {
      double_quote = !double_quote;
      ++c.pos;
      continue;
    }
    word += ch;
    ++c.pos;
  }
  if (in_word) *in_word = c.pos >= c.text.size();
  if (double_quote) {
    word = "missing \"";
    return Token::kError;
  }
  return Token::kWord;
}

}  // namespace

std::expected<std::vector<CommandWords>, std::string> SplitCommandString(std::string_view text) {
  std::vector<CommandWords> commands;
  CommandWords current;
  Cursor c{text};
  std::string word;
  for (;;) {
    Token t = NextToken(c, word);
    if (t == Token::kError) return std::unexpected(word);
    if (t == Token::kWord) {
      current.push_back(word);
      continue;
    }
    if (!current.empty()) commands.push_back(std::move(current));
    current.clear();
    if (t == Token::kEnd) return commands;
  }
}

PartialCommand SplitPartialCommand(std::string_view text) {
  PartialCommand partial;
  Cursor c{text};
  std::string word;
  for (;;) {
    bool in_word = false;
    Token t = NextToken(c, word, &in_word);
    if (t == Token::kWord || t == Token::kError) {
      // An unfinished quote or escape is still the word being typed.
      if (t == Token::kError) word.clear();
      partial.words.push_back(word);
      partial.in_word = in_word;
      if (t == Token::kError) return partial;
      continue;
    }
    if (t == Token::kEnd) return partial;
    partial = {};
  }
}

}  // namespace cairn::cli
