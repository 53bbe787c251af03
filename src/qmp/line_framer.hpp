// qmp/line_framer.hpp — LineFramer, which cuts a QMP byte stream into messages.
//
// QEMU writes each QMP message as one line of JSON ended by "\r\n" and escapes newlines inside
// strings, so a line is a message. Bytes arrive in arbitrary pieces: a read may end inside a
// message or hold several. LineFramer buffers them and hands out whole lines only, in order.
// It knows nothing of JSON and does no I/O. Not thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::qmp {

class LineFramer {
 public:
  // Adds bytes as they came from the socket.
  void Append(std::string_view bytes);

  // The next complete line without its "\n" or "\r\n", or nothing until one is complete.
  // Blank lines carry no message and are skipped.
  std::optional<std::string> Next();

  // Bytes received but not yet returned by Next(): the start of an unfinished message.
  std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  std::size_t start_ = 0;  // bytes before start_ were already returned
};

}  // namespace cairn::qmp
