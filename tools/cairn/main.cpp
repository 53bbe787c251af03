// cairn: the command-line tool, virsh-compatible for checkpoints and domains.
//
//   cairn [-c URI] [-r] [-q] [COMMAND_STRING | COMMAND [ARGS...]]
//
// One argument is a command string (commands separated by ';' or newlines); several
// arguments are one command and its words; none starts the interactive shell (or reads a
// script from stdin when it is not a terminal). A command string, and each line of the
// shell or of a script, is parsed whole before it runs: a parse error runs none of it. The
// exit status is 1 if the last command failed or the last batch could not be parsed.
#include <getopt.h>
#include <unistd.h>

#include <clocale>
#include <cstdio>
#include <cstring>

#include "tools/cairn/command_string.hpp"
#include "tools/cairn/help_text.hpp"
#include "tools/cairn/interactive_shell.hpp"
#include "tools/cairn/man_page.hpp"
#include "tools/cairn/output.hpp"
#include "tools/cairn/session.hpp"

namespace {

using cairn::cli::Output;
using cairn::cli::Session;
using cairn::cli::SessionOptions;

constexpr int kManOption = 1000;

// Parses the options before the command. Returns -1 to go on, else an exit status.
int ParseOptions(int argc, char** argv, SessionOptions* options, bool* connect_now) {
  static const option kLong[] = {
      {"connect", required_argument, nullptr, 'c'},
      {"help", no_argument, nullptr, 'h'},
      {"quiet", no_argument, nullptr, 'q'},
      {"readonly", no_argument, nullptr, 'r'},
      {"version", optional_argument, nullptr, 'v'},
      {"man", no_argument, nullptr, kManOption},
      {nullptr, 0, nullptr, 0},
  };
  Output err(false);
  opterr = 0;
  int c = 0;
  // '+' stops at the first non-option, so that command options stay the command's.
  while ((c = getopt_long(argc, argv, "+:c:hqrvV", kLong, nullptr)) != -1) {
    switch (c) {
      case 'c':
        options->uri = optarg;
        *connect_now = true;
        break;
      case 'h':
        std::fputs(cairn::cli::UsageText().c_str(), stdout);
        return 0;
      case 'q':
        options->quiet = true;
        break;
      case 'r':
        options->read_only = true;
        break;
      case 'v':
        if (optarg == nullptr || std::strcmp(optarg, "long") != 0) {
          std::puts(CAIRN_CLI_VERSION);
          return 0;
        }
        [[fallthrough]];
      case 'V':
        std::fputs(cairn::cli::LongVersionText().c_str(), stdout);
        return 0;
      case kManOption:
        std::fputs(cairn::cli::ManPage().c_str(), stdout);
        return 0;
      case ':':
        for (const option& o : kLong) {
          if (o.name != nullptr && o.val == optopt) {
            err.Error(std::string("option '-") + static_cast<char>(optopt) + "'/'--" + o.name +
                      "' requires an argument");
            return 1;
          }
        }
        err.Error(std::string("option '-") + static_cast<char>(optopt) + "' requires an argument");
        return 1;
      default:
        if (optopt != 0) {
          err.Error(std::string("unsupported option '-") + static_cast<char>(optopt) +
                    "'. See --help.");
        } else {
          err.Error(std::string("unsupported option '") + argv[optind - 1] + "'. See --help.");
        }
        return 1;
    }
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_CTYPE, "");
  SessionOptions options;
  bool connect_now = false;
  if (int status = ParseOptions(argc, argv, &options, &connect_now); status >= 0) return status;

  const bool has_command = optind < argc;
  const bool interactive = !has_command && ::isatty(STDIN_FILENO);
  Session session(options);
  // A named connection must work before anything runs; the default one is opened when the
  // first command needs it, so that `help` works without any hypervisor.
  if (connect_now && !session.Connect()) {
    session.ReportError();
    return 1;
  }

  bool ok = true;
  if (argc - optind == 1) {
    if (*argv[optind] == '\0') return 1;  // virsh too fails on an empty command string
    auto commands = cairn::cli::SplitCommandString(argv[optind]);
    if (!commands) {
      session.out().Error(commands.error());
      return 1;
    }
    ok = session.RunAll(*commands);
  } else if (has_command) {
    ok = session.RunAll({cairn::cli::CommandWords(argv + optind, argv + argc)});
  } else if (interactive) {
    ok = cairn::cli::RunInteractiveShell(session);
  } else {
    ok = cairn::cli::RunScript(session, stdin);
  }
  std::fflush(stdout);
  return ok ? 0 : 1;
}
