// rpc/xdr_codec.hpp — Encode/Decode: one generic XDR codec for every argument and return
// structure of libvirt's REMOTE program. A structure states its fields once, in wire order,
// with Tie() (a const and a non-const overload returning std::tie of the members); the
// codec walks them. Variable arrays carry their protocol maximum in their type (Array<T, N>),
// so decoding refuses a longer one before reading it. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "rpc/remote_types.hpp"
#include "rpc/xdr.hpp"

namespace cairn::rpc {

// T x<Max>: at most Max items.
template <typename T, std::uint32_t Max>
struct Array {
  std::vector<T> items;
  bool operator==(const Array&) const = default;
};

// opaque[16]: a raw UUID.
struct Uuid {
  std::string bytes;  // 16 bytes
  bool operator==(const Uuid&) const = default;
};

template <typename T>
concept Tied = requires(T& t, const T& c) {
  t.Tie();
  c.Tie();
};

inline void Encode(XdrWriter& w, std::int32_t v) { w.PutInt32(v); }
inline void Encode(XdrWriter& w, std::uint32_t v) { w.PutUint32(v); }
inline void Encode(XdrWriter& w, std::int64_t v) { w.PutInt64(v); }
inline void Encode(XdrWriter& w, std::uint64_t v) { w.PutUint64(v); }
inline void Encode(XdrWriter& w, const std::string& v) { w.PutString(v); }
inline void Encode(XdrWriter& w, const Uuid& v) {
  std::string b = v.bytes;
  b.resize(kUuidBytes, '\0');
  w.PutFixedOpaque(b);
}
inline void Encode(XdrWriter& w, const RemoteDomain& v) { Put(w, v); }
inline void Encode(XdrWriter& w, const RemoteCheckpoint& v) { Put(w, v); }
inline void Encode(XdrWriter& w, const TypedParam& v) { Put(w, v); }
inline void Encode(XdrWriter& w, const RemoteError& v) { Put(w, v); }
template <typename T>
void Encode(XdrWriter& w, const std::optional<T>& v);
template <typename T, std::uint32_t Max>
void Encode(XdrWriter& w, const Array<T, Max>& v);
template <Tied T>
void Encode(XdrWriter& w, const T& v) {
  std::apply([&](const auto&... f) { (Encode(w, f), ...); }, v.Tie());
}
template <typename T>
void Encode(XdrWriter& w, const std::optional<T>& v) {
  w.PutPresence(v.has_value());
  if (v) Encode(w, *v);
}
template <typename T, std::uint32_t Max>
void Encode(XdrWriter& w, const Array<T, Max>& v) {
  w.PutUint32(static_cast<std::uint32_t>(v.items.size()));
  for (const T& item : v.items) Encode(w, item);
}

template <typename T>
std::string EncodeToBytes(const T& v) {
  XdrWriter w;
  Encode(w, v);
  return w.Take();
}

namespace detail {
template <typename T, typename R>
Status Assign(T& out, R&& r) {
  if (!r) return std::unexpected(r.error());
  out = std::move(*r);
  return {};
}
}  // namespace detail

inline Status Decode(XdrReader& r, std::int32_t& v) { return detail::Assign(v, r.GetInt32()); }
inline Status Decode(XdrReader& r, std::uint32_t& v) { return detail::Assign(v, r.GetUint32()); }
inline Status Decode(XdrReader& r, std::int64_t& v) { return detail::Assign(v, r.GetInt64()); }
inline Status Decode(XdrReader& r, std::uint64_t& v) { return detail::Assign(v, r.GetUint64()); }
inline Status Decode(XdrReader& r, std::string& v) { return detail::Assign(v, r.GetString()); }
inline Status Decode(XdrReader& r, Uuid& v) {
  return detail::Assign(v.bytes, r.GetFixedOpaque(kUuidBytes));
}
inline Status Decode(XdrReader& r, RemoteDomain& v) { return detail::Assign(v, GetDomain(r)); }
inline Status Decode(XdrReader& r, RemoteCheckpoint& v) {
  return detail::Assign(v, GetCheckpoint(r));
}
inline Status Decode(XdrReader& r, TypedParam& v) { return detail::Assign(v, GetTypedParam(r)); }
inline Status Decode(XdrReader& r, RemoteError& v) { return detail::Assign(v, GetError(r)); }
template <typename T>
Status Decode(XdrReader& r, std::optional<T>& v);
template <typename T, std::uint32_t Max>
Status Decode(XdrReader& r, Array<T, Max>& v);
template <Tied T>
Status Decode(XdrReader& r, T& v) {
  Status ok;
  std::apply([&](auto&... f) { ((ok = ok ? Decode(r, f) : ok), ...); }, v.Tie());
  return ok;
}
template <typename T>
Status Decode(XdrReader& r, std::optional<T>& v) {
  Result<bool> present = r.GetBool();
  if (!present) return std::unexpected(present.error());
  if (!*present) {
    v.reset();
    return {};
  }
  v.emplace();
  return Decode(r, *v);
}
template <typename T, std::uint32_t Max>
Status Decode(XdrReader& r, Array<T, Max>& v) {
  Result<std::uint32_t> n = r.GetCount(Max);
  if (!n) return std::unexpected(n.error());
  v.items.clear();
  for (std::uint32_t i = 0; i < *n; ++i) {
    T item{};
    if (Status ok = Decode(r, item); !ok) return ok;
    v.items.push_back(std::move(item));
  }
  return {};
}

// A whole payload as T: every byte consumed.
template <typename T>
Result<T> DecodeFromBytes(std::string_view payload) {
  XdrReader r(payload);
  T v{};
  if (Status ok = Decode(r, v); !ok) return std::unexpected(ok.error());
  if (Status ok = r.ExpectEnd(); !ok) return std::unexpected(ok.error());
  return v;
}

}  // namespace cairn::rpc
