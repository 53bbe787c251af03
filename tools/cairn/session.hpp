// tools/cairn/session.hpp — one cairn session: the connection (opened on first need, or at
// start with -c), the output, and the loop running commands one after the other as virsh
// does, each followed by an "extra" empty line, errors reported when a command ends.
// As virsh, a batch (one command string, one line of the shell or of standard input) is
// bound whole before anything runs: one command that cannot be parsed (unknown command or
// option, an option given twice, extra data, a missing value or required option) fails the
// batch with only its error. Not thread-safe; one session per process.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/cairn.hpp"
#include "tools/cairn/command_string.hpp"
#include "tools/cairn/output.hpp"
#include "tools/cairn/parsed_command.hpp"

namespace cairn::cli {

struct SessionOptions {
  std::string uri;  // empty: the library's default ($CAIRN_DEFAULT_URI or qemu:///session)
  bool read_only = false;
  bool quiet = false;
};

class Session {
 public:
  explicit Session(SessionOptions options);

  const SessionOptions& options() const { return options_; }
  Output& out() { return out_; }

  // Opens the connection unless open. On failure prints "failed to connect to the
  // hypervisor", records the library's error for the end of the command, returns false.
  bool Connect();
  // Like Connect(), but prints nothing (the error is still recorded): for tab completion.
  bool TryConnect();
  // The open connection; only after Connect() succeeded.
  const Connection& connection() const { return *connection_; }
  bool connected() const { return connection_.has_value(); }

  // Records the library error to report when the current command ends (virsh prints the
  // last library error after a failed command's own messages).
  void SetError(Error error) { pending_error_ = std::move(error); }
  // Prints the recorded error now, if any, and forgets it.
  void ReportError();

  // Binds every command first; if one fails to bind, prints its error(s), runs nothing and
  // returns false. Else runs each command in order; stops after `quit`/`exit`. Returns
  // whether the last command that ran succeeded (true when there was none).
  bool RunAll(const std::vector<CommandWords>& commands);
  // Whether `quit` or `exit` has run.
  bool quit_requested() const { return quit_requested_; }
  void RequestQuit() { quit_requested_ = true; }

 private:
  bool Run(const ParsedCommand& cmd);

  SessionOptions options_;
  Output out_;
  std::optional<Connection> connection_;
  std::optional<Error> pending_error_;
  bool quit_requested_ = false;
};

}  // namespace cairn::cli
