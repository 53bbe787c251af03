// Output: stdout/stderr writes with virsh's quiet-mode and flush rules.
#include "tools/cairn/output.hpp"

#include <cstdio>

namespace cairn::cli {

void Output::Print(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

void Output::PrintExtra(std::string_view text) {
  if (!quiet_) Print(text);
}

void Output::Error(std::string_view message) {
  std::fflush(stdout);
  std::fputs("error: ", stderr);
  std::fwrite(message.data(), 1, message.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

void Output::Hint(std::string_view message) {
  std::fflush(stdout);
  std::fputs("hint: ", stderr);
  std::fwrite(message.data(), 1, message.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

void Output::Warning(std::string_view message) {
  std::fflush(stdout);
  std::fputs("warning: ", stderr);
  std::fwrite(message.data(), 1, message.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace cairn::cli
