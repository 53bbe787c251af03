// The readline shell and the line-by-line script reader.
#include "tools/cairn/interactive_shell.hpp"

// readline's headers need stdio first.
#include <readline/history.h>
#include <readline/readline.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "tools/cairn/command_string.hpp"
#include "tools/cairn/completion.hpp"
#include "tools/cairn/session_completion.hpp"

namespace cairn::cli {
namespace {

// readline's callbacks take no user data, so the shell's state is reachable from here.
Session* g_session = nullptr;
std::vector<std::string> g_matches;

char* NextMatch(const char*, int state) {
  static std::size_t index = 0;
  if (state == 0) index = 0;
  if (index >= g_matches.size()) return nullptr;
  return ::strdup(g_matches[index++].c_str());
}

char** AttemptCompletion(const char* text, int, int end) {
  Completions c = CompleteLine(std::string_view(rl_line_buffer, static_cast<std::size_t>(end)),
                               CompletionSourcesFor(*g_session));
  if (c.files) return nullptr;  // readline's own file name completion
  rl_attempted_completion_over = 1;
  g_matches = std::move(c.words);
  return rl_completion_matches(text, NextMatch);
}

std::string HistoryDir() {
  const char* cache = std::getenv("XDG_CACHE_HOME");
  if (cache != nullptr && *cache != 0) return std::string(cache) + "/cairn";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.cache/cairn";
}

int HistorySize() {
  const char* env = std::getenv("CAIRN_HISTSIZE");
  if (env == nullptr) return 500;
  char* end = nullptr;
  long n = std::strtol(env, &end, 10);
  return (*env != 0 && *end == 0 && n >= 0 && n <= 500000) ? static_cast<int>(n) : 500;
}

// Runs one line; a line that cannot be split (unbalanced quote) runs nothing.
bool RunLine(Session& session, const std::string& line, bool previous) {
  auto commands = SplitCommandString(line);
  if (!commands) {
    session.out().Error(commands.error());
    return false;
  }
  return commands->empty() ? previous : session.RunAll(*commands);
}

}  // namespace

bool RunInteractiveShell(Session& session) {
  g_session = &session;
  rl_readline_name = "cairn";
  rl_attempted_completion_function = AttemptCompletion;
  stifle_history(HistorySize());
  const std::string dir = HistoryDir();
  const std::string file = dir + "/history";
  read_history(file.c_str());

  if (!session.options().quiet) {
    session.out().Print(
        "Welcome to cairn, the virtualization interactive terminal.\n\n"
        "Type:  'help' for help with commands\n"
        "       'quit' to quit\n\n");
  }
  const char* prompt = session.options().read_only ? "cairn > " : "cairn # ";
  bool ok = true;
  bool eof = false;
  while (!session.quit_requested()) {
    std::fflush(stdout);
    char* line = readline(prompt);
    if (line == nullptr) {
      eof = true;
      break;
    }
    if (*line != 0) {
      add_history(line);
      ok = RunLine(session, line, ok);
    }
    std::free(line);
  }
  if (eof) std::fputc('\n', stdout);  // end the line the prompt was on
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!ec) write_history(file.c_str());
  g_session = nullptr;
  return ok;
}

bool RunScript(Session& session, std::FILE* in) {
  bool ok = true;
  std::string line;
  int c = 0;
  while (!session.quit_requested() && (c = std::fgetc(in)) != EOF) {
    if (c != '\n') {
      line += static_cast<char>(c);
      continue;
    }
    ok = RunLine(session, line, ok);
    line.clear();
  }
  if (!line.empty() && !session.quit_requested()) ok = RunLine(session, line, ok);
  return ok;
}

}  // namespace cairn::cli
