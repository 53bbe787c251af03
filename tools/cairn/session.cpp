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

bool Session::Run(const CommandWords& words) {
  pending_error_.reset();
  std::expected<ParsedCommand, std::vector<std::string>> cmd = BindCommand(words);
  bool ok = false;
  if (!cmd) {
    for (const std::string& message : cmd.error()) out_.Error(message);
  } else {
    const CommandDef& def = cmd->def();
    ok = (!def.needs_connection || Connect()) && def.handler(*this, *cmd);
    if (!ok) ReportError();
    pending_error_.reset();
    if (quit_requested_) return ok;  // virsh prints nothing after quit/exit
  }
  out_.PrintExtra("\n");
  return ok;
}

bool Session::RunAll(const std::vector<CommandWords>& commands) {
  bool ok = true;
  for (const CommandWords& words : commands) {
    ok = Run(words);
    if (quit_requested_) break;
  }
  return ok;
}

}  // namespace cairn::cli
