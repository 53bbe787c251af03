// rpc/remote_types.hpp — the structures libvirt's REMOTE program shares between procedures,
// with their XDR encoding: domain and checkpoint handles, typed parameters (job statistics,
// events) and the error of a failed call (remote_error).
//
// A domain handle carries name, raw 16-byte UUID and id (-1 when inactive); a server finds
// the domain by UUID (libvirt's rule) and treats name and id as informational. Decoding is
// bounded like XdrReader's. Plain values; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cairn/error.hpp"
#include "rpc/xdr.hpp"

namespace cairn::rpc {

inline constexpr std::size_t kUuidBytes = 16;
inline constexpr std::uint32_t kJobStatsMax = 64;        // REMOTE_DOMAIN_JOB_STATS_MAX
inline constexpr std::uint32_t kListMax = 16384;         // domains / checkpoints per list

struct RemoteDomain {
  std::string name;
  std::string uuid;  // 16 raw bytes
  std::int32_t id = -1;
  bool operator==(const RemoteDomain&) const = default;
};

struct RemoteCheckpoint {
  std::string name;
  RemoteDomain domain;
  bool operator==(const RemoteCheckpoint&) const = default;
};

// VIR_TYPED_PARAM_*: 1 INT, 2 UINT, 3 LLONG, 4 ULLONG, 5 DOUBLE, 6 BOOLEAN, 7 STRING.
using TypedValue =
    std::variant<std::int32_t, std::uint32_t, std::int64_t, std::uint64_t, double, bool, std::string>;
struct TypedParam {
  std::string field;
  TypedValue value;
  bool operator==(const TypedParam&) const = default;
};

// remote_error. `level` 2 is VIR_ERR_ERROR; int1/int2 -1 when unused.
struct RemoteError {
  std::int32_t code = 0;
  std::int32_t domain = 0;
  std::optional<std::string> message;
  std::int32_t level = 2;
  std::optional<RemoteDomain> dom;
  std::optional<std::string> str1, str2, str3;
  std::int32_t int1 = -1, int2 = -1;
  bool operator==(const RemoteError&) const = default;
};

// A UUID's 16 raw bytes as libvirt writes it (lower-case 8-4-4-4-12), and back; text that is
// not 32 hex digits (dashes ignored) gives 16 zero bytes.
std::string UuidText(std::string_view raw);
std::string UuidRaw(std::string_view text);

void Put(XdrWriter& w, const RemoteDomain& d);
void Put(XdrWriter& w, const RemoteCheckpoint& c);
void Put(XdrWriter& w, const TypedParam& p);
void Put(XdrWriter& w, const RemoteError& e);

Result<RemoteDomain> GetDomain(XdrReader& r);
Result<RemoteCheckpoint> GetCheckpoint(XdrReader& r);
Result<TypedParam> GetTypedParam(XdrReader& r);
Result<std::vector<TypedParam>> GetTypedParams(XdrReader& r, std::uint32_t max);
// A remote_error, as libvirtd sends it (the network handle, which Cairn never sends, is read
// and dropped).
Result<RemoteError> GetError(XdrReader& r);

// The remote_error for a Cairn error (message as libvirt formats it), and back.
RemoteError ToRemoteError(const Error& e);
Error FromRemoteError(const RemoteError& e);

}  // namespace cairn::rpc
