// qmp/line_framer.hpp — LineFramer, which cuts a QMP byte stream into messages.
//
// QEMU writes each QMP message as one line of JSON ended by "\r\n" and escapes newlines inside
// strings, so a line is a message. Bytes arrive in arbitrary pieces: a read may end inside a
// message or hold several. LineFramer buffers them and hands out whole lines only, in order.
// Its memory is bounded: a line longer than the limit (a peer that floods without newlines)
// makes the framer overflowed for good, and it keeps nothing more. It knows nothing of JSON
// and does no I/O. Not thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::qmp {

class LineFramer {
 public:
  // `max_line`: the longest line accepted, in bytes, without its end of line.
  // Default: 64 MiB (QEMU's replies to query-named-block-nodes on many disks are megabytes).
  explicit LineFramer(std::size_t max_line = 64 * 1024 * 1024) : max_line_(max_line) {}

  // Adds bytes as they came from the socket. Once overflowed(), bytes are dropped.
  void Append(std::string_view bytes);

  // The next complete line without its "\n" or "\r\n", or nothing until one is complete.
  // Blank lines carry no message and are skipped. Nothing once overflowed().
  std::optional<std::string> Next();

  // True once an unfinished line grew past max_line: the stream cannot be trusted again.
  bool overflowed() const { return overflowed_; }
  std::size_t max_line() const { return max_line_; }

  // Bytes received but not yet returned by Next(): the start of an unfinished message.
  std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::size_t max_line_;
  bool overflowed_ = false;
  std::string buffer_;
  std::size_t start_ = 0;  // bytes before start_ were already returned
  std::size_t tail_ = 0;   // bytes after the last newline
};

}  // namespace cairn::qmp
