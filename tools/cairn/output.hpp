// tools/cairn/output.hpp — where commands write: stdout for results, stderr for errors in
// virsh's "error: ..." form. "Extra" output (confirmations, table headers, the blank line
// after each command) is dropped in quiet mode (-q). stdout is flushed before every error
// so that `cairn ... 2>&1` interleaves the two streams in the order they were written.
#pragma once

#include <string_view>

namespace cairn::cli {

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
