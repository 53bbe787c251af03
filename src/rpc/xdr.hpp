// rpc/xdr.hpp — XdrWriter and XdrReader: RFC 4506 encoding as libvirt's RPC protocol uses it.
//
// Everything is big-endian and padded to 4-byte units. libvirt's scalar `char`/`short`
// types travel as 4 bytes, strings as a length word and unterminated bytes, optional values
// (`T *`) as a 0/1 word before the value, variable arrays as a count word before the items.
// The reader never reads past its buffer and bounds every length by the caller's maximum,
// so hostile input yields an error (VIR_ERR_RPC, VIR_FROM_RPC) and never a large
// allocation. Both are plain values with no I/O; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/error.hpp"

namespace cairn::rpc {

// libvirt's limits (virnetprotocol.x, remote_protocol.x).
inline constexpr std::size_t kMessageMax = 16 * 1024 * 1024;   // excluding the length word
inline constexpr std::size_t kStringMax = 4 * 1024 * 1024;     // REMOTE_STRING_MAX

class XdrWriter {
 public:
  void PutInt32(std::int32_t v) { PutUint32(static_cast<std::uint32_t>(v)); }
  void PutUint32(std::uint32_t v);
  void PutInt64(std::int64_t v) { PutUint64(static_cast<std::uint64_t>(v)); }
  void PutUint64(std::uint64_t v);
  void PutDouble(double v);
  void PutBool(bool v) { PutUint32(v ? 1 : 0); }
  // string<N> / opaque<N>: length, bytes, zero padding.
  void PutString(std::string_view s);
  // opaque[N]: the bytes and padding, no length.
  void PutFixedOpaque(std::string_view bytes);
  // `T *`: the presence word; the caller then writes T if present.
  void PutPresence(bool present) { PutBool(present); }
  void PutOptionalString(const std::optional<std::string>& s);

  const std::string& bytes() const { return out_; }
  std::string Take() { return std::move(out_); }
  std::size_t size() const { return out_.size(); }

 private:
  void Pad();
  std::string out_;
};

class XdrReader {
 public:
  // Reads `bytes`, which must outlive the reader (a temporary string is refused).
  explicit XdrReader(std::string_view bytes) : in_(bytes) {}
  explicit XdrReader(std::string&&) = delete;

  Result<std::int32_t> GetInt32();
  Result<std::uint32_t> GetUint32();
  Result<std::int64_t> GetInt64();
  Result<std::uint64_t> GetUint64();
  Result<double> GetDouble();
  // A 0/1 word; anything else is an error, as in libvirt's xdr_bool.
  Result<bool> GetBool();
  // string<max>: fails when longer than `max` (before reading it) or truncated.
  Result<std::string> GetString(std::size_t max = kStringMax);
  Result<std::string> GetFixedOpaque(std::size_t n);
  Result<std::optional<std::string>> GetOptionalString(std::size_t max = kStringMax);
  // A variable array's count, refused above `max` items.
  Result<std::uint32_t> GetCount(std::uint32_t max);

  std::size_t remaining() const { return in_.size() - pos_; }
  // The whole payload was consumed; trailing bytes mean a malformed message.
  Status ExpectEnd() const;

 private:
  Result<std::string_view> Take(std::size_t n);
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace cairn::rpc
