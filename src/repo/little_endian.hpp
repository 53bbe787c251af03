// repo/little_endian.hpp — the fixed-width little-endian integers of the repository's binary
// objects (disk indexes, pack tables, pack indexes: docs/repository-format.md).
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::repo {

// Appends the low `bytes` bytes of `v`, least significant first.
inline void PutLe(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// The integer in the first `bytes` bytes of `in`, which the caller has checked it holds.
inline std::uint64_t GetLe(std::string_view in, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t(static_cast<unsigned char>(in[i])) << (8 * i);
  return v;
}

inline void PutU32(std::string& out, std::uint32_t v) { PutLe(out, v, 4); }
inline std::uint32_t GetU32(std::string_view in) { return static_cast<std::uint32_t>(GetLe(in, 4)); }

}  // namespace cairn::repo
