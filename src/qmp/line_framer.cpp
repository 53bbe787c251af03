#include "qmp/line_framer.hpp"

namespace cairn::qmp {

void LineFramer::Append(std::string_view bytes) {
  // Drop consumed bytes only when they are most of the buffer, so a burst of small messages
  // costs linear time rather than one memmove per message.
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<std::string> LineFramer::Next() {
  while (true) {
    std::size_t end = buffer_.find('\n', start_);
    if (end == std::string::npos) return std::nullopt;
    std::size_t line_end = end;
    if (line_end > start_ && buffer_[line_end - 1] == '\r') --line_end;
    std::string line = buffer_.substr(start_, line_end - start_);
    start_ = end + 1;
    if (line.find_first_not_of(" \t\r") != std::string::npos) return line;
  }
}

}  // namespace cairn::qmp
