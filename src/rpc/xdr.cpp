// XDR encoding and bounded decoding.
#include "rpc/xdr.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstring>

namespace cairn::rpc {
namespace {

std::unexpected<Error> Malformed(std::string what) {
  return Fail(ErrorCode::kRpc, ErrorDomain::kRpc, std::move(what));
}

std::size_t Padding(std::size_t n) { return (4 - n % 4) % 4; }

}  // namespace

void XdrWriter::PutUint32(std::uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
  out_.append(b, 4);
}

void XdrWriter::PutUint64(std::uint64_t v) {
  PutUint32(static_cast<std::uint32_t>(v >> 32));
  PutUint32(static_cast<std::uint32_t>(v));
}

void XdrWriter::PutDouble(double v) { PutUint64(std::bit_cast<std::uint64_t>(v)); }

void XdrWriter::Pad() { out_.append(Padding(out_.size()), '\0'); }

void XdrWriter::PutString(std::string_view s) {
  PutUint32(static_cast<std::uint32_t>(s.size()));
  out_.append(s);
  Pad();
}

void XdrWriter::PutFixedOpaque(std::string_view bytes) {
  out_.append(bytes);
  Pad();
}

void XdrWriter::PutOptionalString(const std::optional<std::string>& s) {
  PutPresence(s.has_value());
  if (s) PutString(*s);
}

Result<std::string_view> XdrReader::Take(std::size_t n) {
  if (n > remaining()) {
    return Malformed(fmt::format("truncated XDR data: {} bytes wanted, {} left", n, remaining()));
  }
  std::string_view v = in_.substr(pos_, n);
  pos_ += n;
  return v;
}

Result<std::uint32_t> XdrReader::GetUint32() {
  Result<std::string_view> b = Take(4);
  if (!b) return std::unexpected(b.error());
  const auto* u = reinterpret_cast<const unsigned char*>(b->data());
  return std::uint32_t{u[0]} << 24 | std::uint32_t{u[1]} << 16 | std::uint32_t{u[2]} << 8 |
         std::uint32_t{u[3]};
}

Result<std::int32_t> XdrReader::GetInt32() {
  Result<std::uint32_t> v = GetUint32();
  if (!v) return std::unexpected(v.error());
  return static_cast<std::int32_t>(*v);
}

Result<std::uint64_t> XdrReader::GetUint64() {
  Result<std::uint32_t> hi = GetUint32();
  if (!hi) return std::unexpected(hi.error());
  Result<std::uint32_t> lo = GetUint32();
  if (!lo) return std::unexpected(lo.error());
  return std::uint64_t{*hi} << 32 | *lo;
}

Result<std::int64_t> XdrReader::GetInt64() {
  Result<std::uint64_t> v = GetUint64();
  if (!v) return std::unexpected(v.error());
  return static_cast<std::int64_t>(*v);
}

Result<double> XdrReader::GetDouble() {
  Result<std::uint64_t> v = GetUint64();
  if (!v) return std::unexpected(v.error());
  return std::bit_cast<double>(*v);
}

Result<bool> XdrReader::GetBool() {
  Result<std::uint32_t> v = GetUint32();
  if (!v) return std::unexpected(v.error());
  if (*v > 1) return Malformed(fmt::format("XDR boolean with value {}", *v));
  return *v == 1;
}

Result<std::string> XdrReader::GetString(std::size_t max) {
  Result<std::uint32_t> n = GetUint32();
  if (!n) return std::unexpected(n.error());
  if (*n > max) return Malformed(fmt::format("XDR string of {} bytes exceeds {}", *n, max));
  Result<std::string_view> b = Take(*n);
  if (!b) return std::unexpected(b.error());
  std::string s(*b);
  if (Result<std::string_view> pad = Take(Padding(*n)); !pad) return std::unexpected(pad.error());
  return s;
}

Result<std::string> XdrReader::GetFixedOpaque(std::size_t n) {
  Result<std::string_view> b = Take(n);
  if (!b) return std::unexpected(b.error());
  std::string s(*b);
  if (Result<std::string_view> pad = Take(Padding(n)); !pad) return std::unexpected(pad.error());
  return s;
}

Result<std::optional<std::string>> XdrReader::GetOptionalString(std::size_t max) {
  Result<bool> present = GetBool();
  if (!present) return std::unexpected(present.error());
  if (!*present) return std::optional<std::string>{};
  Result<std::string> s = GetString(max);
  if (!s) return std::unexpected(s.error());
  return std::optional<std::string>(std::move(*s));
}

Result<std::uint32_t> XdrReader::GetCount(std::uint32_t max) {
  Result<std::uint32_t> n = GetUint32();
  if (!n) return std::unexpected(n.error());
  if (*n > max) return Malformed(fmt::format("XDR array of {} items exceeds {}", *n, max));
  return *n;
}

Status XdrReader::ExpectEnd() const {
  if (remaining() == 0) return {};
  return Malformed(fmt::format("{} unexpected bytes after the XDR payload", remaining()));
}

}  // namespace cairn::rpc
