// tools/cairn/interactive_shell.hpp — cairn without a command: an interactive shell on a
// terminal (readline editing, history in $XDG_CACHE_HOME/cairn/history, tab completion of
// commands, options, domain and checkpoint names), or, when stdin is not a terminal, a
// script read line by line with neither banner nor prompt.
#pragma once

#include <cstdio>

#include "tools/cairn/session.hpp"

namespace cairn::cli {

// Both return whether the last command run succeeded.
bool RunInteractiveShell(Session& session);
bool RunScript(Session& session, std::FILE* in);

}  // namespace cairn::cli
