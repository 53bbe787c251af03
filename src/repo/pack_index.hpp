// repo/pack_index.hpp — one object holding the tables of many packs, so a repository loads
// where its chunks lie with a few reads instead of one or two per pack.
//
//   packindex/<32 hex>   framed and sealed like any object:
//   index  = "CPX1"  count:u32le  count x ( name_bytes:u8 name  table_bytes:u32le table )
//   table  = a pack's table (pack_table.hpp), the same bytes as the pack's own copy
// A commit writes one for the packs its run wrote; gc replaces them all by one. A pack no
// index names (a killed run's) is read from its own table, so an index is only a shortcut.
// Thread rule: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "repo/pack_table.hpp"

namespace cairn::repo {

struct PackRecord {
  std::string name;  // "packs/ab/ab12..."
  std::vector<PackEntry> entries;
};

std::string EncodePackIndex(const std::vector<PackRecord>& packs);

// Errors: kOperationFailed naming `object` if `plain` is not a pack index.
Result<std::vector<PackRecord>> DecodePackIndex(std::string_view object, std::string_view plain);

}  // namespace cairn::repo
