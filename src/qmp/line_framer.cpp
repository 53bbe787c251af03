#include "qmp/line_framer.hpp"

namespace cairn::qmp {

void LineFramer::Append(std::string_view bytes) {
  if (overflowed_) return;
  // Drop consumed bytes only when they are most of the buffer, so a burst of small messages
  // costs linear time rather than one memmove per message.
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  // Complete lines may be waiting; only the tail after the last newline must stay short.
  std::size_t last_nl = bytes.rfind('\n');
  tail_ = last_nl == std::string_view::npos ? tail_ + bytes.size() : bytes.size() - last_nl - 1;
  buffer_.append(bytes);
  if (tail_ > max_line_ + 1) {  // + 1: a '\r' still waiting for its '\n'
    overflowed_ = true;
    buffer_.clear();
    buffer_.shrink_to_fit();
    start_ = 0;
  }
}

std::optional<std::string> LineFramer::Next() {
  while (!overflowed_) {
    std::size_t end = buffer_.find('\n', start_);
    if (end == std::string::npos) return std::nullopt;
    std::size_t line_end = end;
    if (line_end > start_ && buffer_[line_end - 1] == '\r') --line_end;
    std::string line = buffer_.substr(start_, line_end - start_);
    start_ = end + 1;
    if (line.find_first_not_of(" \t\r") != std::string::npos) return line;
  }
  return std::nullopt;
}

}  // namespace cairn::qmp
