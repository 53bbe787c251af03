#include "repo/pack_table.hpp"

#include <fmt/format.h>

#include <cstring>

#include "repo/little_endian.hpp"

namespace cairn::repo {
namespace {

constexpr std::string_view kTableMagic = "CPT1";
constexpr std::string_view kTailMagic = "CPK2";
constexpr std::size_t kEntryBytes = 32 + 4 + 4;

std::unexpected<Error> Damaged(std::string_view name, std::string_view why) {
  return Fail(ErrorCode::kOperationFailed, ErrorDomain::kNone,
              fmt::format("pack '{}' is damaged: {}", name, why));
}

}  // namespace

std::string EncodePackTable(const std::vector<PackEntry>& entries) {
  std::string out(kTableMagic);
  out.reserve(8 + entries.size() * kEntryBytes);
  PutU32(out, static_cast<std::uint32_t>(entries.size()));
  for (const PackEntry& e : entries) {
    out.append(reinterpret_cast<const char*>(e.id.data()), e.id.size());
    PutU32(out, e.offset);
    PutU32(out, e.length);
  }
  return out;
}

Result<std::vector<PackEntry>> DecodePackTable(std::string_view name, std::string_view table,
                                               std::uint64_t frames_end) {
  if (table.size() < 8 || table.substr(0, 4) != kTableMagic) {
    return Damaged(name, "its table does not start with the table's magic");
  }
  const std::uint32_t count = GetU32(table.substr(4));
  if (table.size() != 8 + std::uint64_t(count) * kEntryBytes) {
    return Damaged(
        name, fmt::format("its table of {} bytes cannot hold {} entries", table.size(), count));
  }
  std::vector<PackEntry> entries(count);
  std::string_view at = table.substr(8);
  for (PackEntry& e : entries) {
    std::memcpy(e.id.data(), at.data(), e.id.size());
    e.offset = GetU32(at.substr(32));
    e.length = GetU32(at.substr(36));
    at.remove_prefix(kEntryBytes);
    if (e.length == 0 || std::uint64_t(e.offset) + e.length > frames_end) {
      return Damaged(name, fmt::format("chunk {} at {}+{} lies outside its {} bytes of frames",
                                       Hex(e.id), e.offset, e.length, frames_end));
    }
  }
  return entries;
}

std::string EncodePackTail(std::uint32_t sealed_bytes) {
  std::string out;
  PutU32(out, sealed_bytes);
  out.append(kTailMagic);
  return out;
}

Result<std::uint32_t> DecodePackTail(std::string_view name, std::string_view tail) {
  if (tail.size() != kPackTailBytes || tail.substr(4) != kTailMagic) {
    return Damaged(name, "it does not end with a pack's tail");
  }
  return GetU32(tail);
}

}  // namespace cairn::repo
