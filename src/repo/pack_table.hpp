// repo/pack_table.hpp — the table at the end of a pack: which chunk lies where in it.
//
// A pack is chunk frames back to back, then its table sealed as an object named like the
// pack (so a table copied into another pack does not open), then a fixed tail:
//   pack  = frame... sealed_table  table_bytes:u32le  "CPK2"
//   table = "CPT1" count:u32le  count x (id[32] offset:u32le length:u32le)
// The tail lets a reader find the table from the pack's end alone (two ranged reads), so a
// pack is self-describing and is put in one piece: there is no second object to lose.
// Thread rule: values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "repo/repository_key.hpp"

namespace cairn::repo {

// One chunk in a pack: its frame is bytes [offset, offset + length).
struct PackEntry {
  Key256 id{};
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

// Bytes of the fixed tail (table size and magic).
inline constexpr std::size_t kPackTailBytes = 8;

// The plain table of `entries`.
std::string EncodePackTable(const std::vector<PackEntry>& entries);

// The entries of a plain table; each must lie inside the first `frames_end` bytes of the
// pack named `name`. Errors: kOperationFailed naming the pack.
Result<std::vector<PackEntry>> DecodePackTable(std::string_view name, std::string_view table,
                                               std::uint64_t frames_end);

// The tail that follows a sealed table of `sealed_bytes`.
std::string EncodePackTail(std::uint32_t sealed_bytes);

// The sealed table's size, read from a pack's last kPackTailBytes bytes.
// Errors: kOperationFailed naming the pack if the tail is not a pack's.
Result<std::uint32_t> DecodePackTail(std::string_view name, std::string_view tail);

}  // namespace cairn::repo
