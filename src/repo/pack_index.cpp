#include "repo/pack_index.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <limits>

#include "repo/little_endian.hpp"

namespace cairn::repo {
namespace {

constexpr std::string_view kMagic = "CPX1";

}  // namespace

std::string EncodePackIndex(const std::vector<PackRecord>& packs) {
  std::string out(kMagic);
  PutU32(out, static_cast<std::uint32_t>(packs.size()));
  for (const PackRecord& p : packs) {
    out.push_back(static_cast<char>(p.name.size()));
    out.append(p.name);
    const std::string table = EncodePackTable(p.entries);
    PutU32(out, static_cast<std::uint32_t>(table.size()));
    out.append(table);
  }
  return out;
}

Result<std::vector<PackRecord>> DecodePackIndex(std::string_view object, std::string_view plain) {
  auto damaged = [&](std::string_view why) {
    return Fail(ErrorCode::kOperationFailed, ErrorDomain::kNone,
                fmt::format("pack index '{}' is damaged: {}", object, why));
  };
  if (plain.size() < 8 || plain.substr(0, 4) != kMagic) return damaged("no pack index magic");
  const std::uint32_t count = GetU32(plain.substr(4));
  plain.remove_prefix(8);
  std::vector<PackRecord> packs;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (plain.empty()) return damaged("it ends early");
    const std::size_t name_bytes = static_cast<unsigned char>(plain[0]);
    if (plain.size() < 1 + name_bytes + 4) return damaged("it ends early");
    PackRecord p;
    p.name = std::string(plain.substr(1, name_bytes));
    const std::uint32_t table_bytes = GetU32(plain.substr(1 + name_bytes));
    plain.remove_prefix(1 + name_bytes + 4);
    if (plain.size() < table_bytes) return damaged("it ends early");
    // Offsets are checked against the pack's size when its chunks are read.
    Result<std::vector<PackEntry>> entries = DecodePackTable(
        p.name, plain.substr(0, table_bytes), std::numeric_limits<std::uint32_t>::max());
    if (!entries) return std::unexpected(entries.error());
    p.entries = std::move(*entries);
    plain.remove_prefix(table_bytes);
    packs.push_back(std::move(p));
  }
  if (!plain.empty()) return damaged("bytes follow its last pack");
  return packs;
}

}  // namespace cairn::repo
