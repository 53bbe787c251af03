// XDR of the REMOTE program's shared structures.
#include "rpc/remote_types.hpp"

#include <fmt/format.h>

namespace cairn::rpc {
namespace {

enum : std::int32_t { kInt = 1, kUint, kLlong, kUllong, kDouble, kBoolean, kString };

// Reads a `T *` whose T is read by `get`.
template <typename Get>
auto GetOptional(XdrReader& r, Get get) -> Result<std::optional<typename decltype(get(r))::value_type>> {
  using T = typename decltype(get(r))::value_type;
  Result<bool> present = r.GetBool();
  if (!present) return std::unexpected(present.error());
  if (!*present) return std::optional<T>{};
  auto v = get(r);
  if (!v) return std::unexpected(v.error());
  return std::optional<T>(std::move(*v));
}

}  // namespace

std::string UuidText(std::string_view raw) {
  std::string hex;
  for (unsigned char c : raw) hex += fmt::format("{:02x}", c);
  if (hex.size() != 32) return hex;
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20));
}

std::string UuidRaw(std::string_view text) {
  std::string raw;
  int high = -1;
  for (char c : text) {
    if (c == '-') continue;
    const int v = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (v < 0) return std::string(kUuidBytes, '\0');
    if (high < 0) {
      high = v;
    } else {
      raw += static_cast<char>(high << 4 | v);
      high = -1;
    }
  }
  if (raw.size() != kUuidBytes || high >= 0) return std::string(kUuidBytes, '\0');
  return raw;
}

void Put(XdrWriter& w, const RemoteDomain& d) {
  w.PutString(d.name);
  std::string uuid = d.uuid;
  uuid.resize(kUuidBytes, '\0');
  w.PutFixedOpaque(uuid);
  w.PutInt32(d.id);
}

void Put(XdrWriter& w, const RemoteCheckpoint& c) {
  w.PutString(c.name);
  Put(w, c.domain);
}

void Put(XdrWriter& w, const TypedParam& p) {
  w.PutString(p.field);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::int32_t>) {
          w.PutInt32(kInt), w.PutInt32(v);
        } else if constexpr (std::is_same_v<T, std::uint32_t>) {
          w.PutInt32(kUint), w.PutUint32(v);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          w.PutInt32(kLlong), w.PutInt64(v);
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          w.PutInt32(kUllong), w.PutUint64(v);
        } else if constexpr (std::is_same_v<T, double>) {
          w.PutInt32(kDouble), w.PutDouble(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          w.PutInt32(kBoolean), w.PutInt32(v ? 1 : 0);
        } else {
          w.PutInt32(kString), w.PutString(v);
        }
      },
      p.value);
}

void Put(XdrWriter& w, const RemoteError& e) {
  w.PutInt32(e.code);
  w.PutInt32(e.domain);
  w.PutOptionalString(e.message);
  w.PutInt32(e.level);
  w.PutPresence(e.dom.has_value());
  if (e.dom) Put(w, *e.dom);
  w.PutOptionalString(e.str1);
  w.PutOptionalString(e.str2);
  w.PutOptionalString(e.str3);
  w.PutInt32(e.int1);
  w.PutInt32(e.int2);
  w.PutPresence(false);  // net
}

Result<RemoteDomain> GetDomain(XdrReader& r) {
  RemoteDomain d;
  Result<std::string> name = r.GetString();
  if (!name) return std::unexpected(name.error());
  Result<std::string> uuid = r.GetFixedOpaque(kUuidBytes);
  if (!uuid) return std::unexpected(uuid.error());
  Result<std::int32_t> id = r.GetInt32();
  if (!id) return std::unexpected(id.error());
  return RemoteDomain{std::move(*name), std::move(*uuid), *id};
}

Result<RemoteCheckpoint> GetCheckpoint(XdrReader& r) {
  Result<std::string> name = r.GetString();
  if (!name) return std::unexpected(name.error());
  Result<RemoteDomain> dom = GetDomain(r);
  if (!dom) return std::unexpected(dom.error());
  return RemoteCheckpoint{std::move(*name), std::move(*dom)};
}

Result<TypedParam> GetTypedParam(XdrReader& r) {
  Result<std::string> field = r.GetString();
  if (!field) return std::unexpected(field.error());
  Result<std::int32_t> type = r.GetInt32();
  if (!type) return std::unexpected(type.error());
  auto wrap = [&](auto v) -> Result<TypedParam> {
    if (!v) return std::unexpected(v.error());
    return TypedParam{std::move(*field), TypedValue(std::move(*v))};
  };
  switch (*type) {
    case kInt: return wrap(r.GetInt32());
    case kUint: return wrap(r.GetUint32());
    case kLlong: return wrap(r.GetInt64());
    case kUllong: return wrap(r.GetUint64());
    case kDouble: return wrap(r.GetDouble());
    case kBoolean: {
      Result<std::int32_t> b = r.GetInt32();
      if (!b) return std::unexpected(b.error());
      return TypedParam{std::move(*field), TypedValue(*b != 0)};
    }
    case kString: return wrap(r.GetString());
    default:
      return Fail(ErrorCode::kRpc, ErrorDomain::kRpc,
                  fmt::format("typed parameter '{}' has unknown type {}", *field, *type));
  }
}

Result<std::vector<TypedParam>> GetTypedParams(XdrReader& r, std::uint32_t max) {
  Result<std::uint32_t> n = r.GetCount(max);
  if (!n) return std::unexpected(n.error());
  std::vector<TypedParam> out;
  for (std::uint32_t i = 0; i < *n; ++i) {
    Result<TypedParam> p = GetTypedParam(r);
    if (!p) return std::unexpected(p.error());
    out.push_back(std::move(*p));
  }
  return out;
}

Result<RemoteError> GetError(XdrReader& r) {
  RemoteError e;
  auto get_string = [](XdrReader& in) { return in.GetString(); };
  Result<std::int32_t> code = r.GetInt32();
  if (!code) return std::unexpected(code.error());
  Result<std::int32_t> domain = r.GetInt32();
  if (!domain) return std::unexpected(domain.error());
  auto message = GetOptional(r, get_string);
  if (!message) return std::unexpected(message.error());
  Result<std::int32_t> level = r.GetInt32();
  if (!level) return std::unexpected(level.error());
  auto dom = GetOptional(r, [](XdrReader& in) { return GetDomain(in); });
  if (!dom) return std::unexpected(dom.error());
  auto str1 = GetOptional(r, get_string);
  if (!str1) return std::unexpected(str1.error());
  auto str2 = GetOptional(r, get_string);
  if (!str2) return std::unexpected(str2.error());
  auto str3 = GetOptional(r, get_string);
  if (!str3) return std::unexpected(str3.error());
  Result<std::int32_t> int1 = r.GetInt32();
  if (!int1) return std::unexpected(int1.error());
  Result<std::int32_t> int2 = r.GetInt32();
  if (!int2) return std::unexpected(int2.error());
  // remote_network: name and UUID, like a domain without its id.
  Result<bool> net = r.GetBool();
  if (!net) return std::unexpected(net.error());
  if (*net) {
    if (Result<std::string> n = r.GetString(); !n) return std::unexpected(n.error());
    if (Result<std::string> u = r.GetFixedOpaque(kUuidBytes); !u) return std::unexpected(u.error());
  }
  e.code = *code;
  e.domain = *domain;
  e.message = std::move(*message);
  e.level = *level;
  e.dom = std::move(*dom);
  e.str1 = std::move(*str1);
  e.str2 = std::move(*str2);
  e.str3 = std::move(*str3);
  e.int1 = *int1;
  e.int2 = *int2;
  return e;
}

RemoteError ToRemoteError(const Error& e) {
  RemoteError r;
  r.code = static_cast<std::int32_t>(e.code());
  r.domain = static_cast<std::int32_t>(e.domain());
  r.message = e.Text();
  // libvirt's str1 is the message's format, str2 its argument.
  r.str1 = e.form() == MessageForm::kBare || e.detail().empty()
               ? std::string("%s")
               : std::string(GenericText(e.code())) + ": %s";
  r.str2 = e.detail().empty() ? e.Text() : e.detail();
  return r;
}

Error FromRemoteError(const RemoteError& e) {
  return Error(static_cast<ErrorCode>(e.code), static_cast<ErrorDomain>(e.domain),
               e.message.value_or(std::string(GenericText(static_cast<ErrorCode>(e.code)))),
               MessageForm::kBare);
}

}  // namespace cairn::rpc
