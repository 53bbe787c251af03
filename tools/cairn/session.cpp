// Session: lazy connection, per-command run loop, deferred error reporting.
#include "tools/cairn/session.hpp"

#include "tools/cairn/option_binding.hpp"

namespace cairn::cli {

Session::Session(SessionOptions options) : options_(std::move(options)), out_(options_.quiet) {}

bool Session::Connect() {
  if (TryConnect()) return true;
  out_.Error("failed to connect to the hypervisor");
  return false;
}

bool Session::TryConnect() {
  if (connection_) return true;
  Result<Connection> conn = Connection::Open(options_.uri, options_.read_only);
  if (!conn) {
    SetError(conn.error());
    return false;
  }
  connection_ = std::move(*conn);
  return true;
}

void Session::ReportError() {
  if (!pending_error_) return;
  out_.Error(pending_error_->Text());
  pending_error_.reset();
}

bool Session::Run(const ParsedCommand& cmd) {
  pending_error_.reset();
  const CommandDef& def = cmd.def();
  bool ok = (!def.needs_connection || Connect()) && def.handler(*this, cmd);
  if (!ok) ReportError();
  pending_error_.reset();
  if (quit_requested_) return ok;  // virsh prints nothing after quit/exit
  out_.PrintExtra("\n");
  return ok;
}

bool Session::RunAll(const std::vector<CommandWords>& commands) {
  // As virsh's vshCommandParse: the whole batch is bound first, and the first command that
  // cannot be bound fails the batch with its message(s), before any command runs.
  std::vector<ParsedCommand> parsed;
  parsed.reserve(commands.size());
  for (const CommandWords& words : commands) {
    std::expected<ParsedCommand, std::vector<std::string>> cmd = BindCommand(words);
    if (!cmd) {
      for (const std::string& message : cmd.error()) out_.Error(message);
      return false;
    }
    parsed.push_back(std::move(*cmd));
  }
  bool ok = true;
  for (const ParsedCommand& cmd : parsed) {
    ok = Run(cmd);
    if (quit_requested_) break;
  }
  return ok;
}

}  // namespace cairn::cli
