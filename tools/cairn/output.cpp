// Output: stdout/stderr writes with virsh's quiet-mode and flush rules.
#include "tools/cairn/output.hpp"

#include <cstdio>
#include <string>

namespace cairn::cli {
namespace {

// libvirt's VIR_ERROR_MAX_LENGTH: enough for any message Cairn words itself.
constexpr std::size_t kShownBytes = 1024;

}  // namespace

std::string TerminalSafe(std::string_view message) {
  std::string out;
  std::size_t end = message.size();
  const bool cut = end > kShownBytes;
  if (cut) {
    end = kShownBytes;
    // Never split a UTF-8 sequence: back up over continuation bytes.
    while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xc0) == 0x80) --end;
  }
  out.reserve(end + 16);
  for (std::size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(message[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (cut) out += "...";
  return out;
}

void Output::Print(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

void Output::PrintExtra(std::string_view text) {
  if (!quiet_) Print(text);
}

void Output::Error(std::string_view message) {
  const std::string shown = TerminalSafe(message);
  std::fflush(stdout);
  std::fputs("error: ", stderr);
  std::fwrite(shown.data(), 1, shown.size(), stderr);
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
  const std::string shown = TerminalSafe(message);
  std::fflush(stdout);
  std::fputs("warning: ", stderr);
  std::fwrite(shown.data(), 1, shown.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace cairn::cli
