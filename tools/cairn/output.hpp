// tools/cairn/output.hpp — where commands write: stdout for results, stderr for errors in
// virsh's "error: ..." form. "Extra" output (confirmations, table headers, the blank line
// after each command) is dropped in quiet mode (-q). stdout is flushed before every error
// so that `cairn ... 2>&1` interleaves the two streams in the order they were written.
// Errors and warnings are shown TerminalSafe (virsh prints them raw; see below).
#pragma once

#include <string>
#include <string_view>

namespace cairn::cli {

// A message as a terminal may show it: control characters other than newline and tab as
// \xNN (a name holding ESC sequences cannot drive the terminal), and at most the first
// 1024 bytes (libvirt's VIR_ERROR_MAX_LENGTH), cut at a UTF-8 boundary and followed by
// "...", so a 1 MiB name is not echoed whole. The API's message itself stays libvirt's,
// whole and raw, as libvirt 9.0 returns it.
std::string TerminalSafe(std::string_view message);

class Output {
 public:
  explicit Output(bool quiet) : quiet_(quiet) {}

  bool quiet() const { return quiet_; }

  void Print(std::string_view text);
  void PrintExtra(std::string_view text);
  // Writes "error: <message>\n" to stderr.
  void Error(std::string_view message);
  // Writes "warning: <message>\n" to stderr (something the user should know that does not
  // make the command fail).
  void Warning(std::string_view message);
  // Writes "hint: <message>\n" to stderr: Cairn's own advice, after virsh's lines.
  void Hint(std::string_view message);

 private:
  bool quiet_;
};

}  // namespace cairn::cli
