#include "repo/disk_index.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include <fmt/format.h>

#include "repo/little_endian.hpp"

namespace cairn::repo {
namespace {

constexpr std::string_view kMagic = "CIX1";
constexpr unsigned char kZeroRun = 0;
constexpr unsigned char kChunk = 1;

void PutVarint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Le(std::uint64_t& v, int bytes) {
    if (in_.size() < static_cast<std::size_t>(bytes)) return false;
    v = GetLe(in_, bytes);
    in_.remove_prefix(bytes);
    return true;
  }
  bool Varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return false;
      auto b = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      v |= std::uint64_t(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool Bytes(unsigned char* out, std::size_t n) {
    if (in_.size() < n) return false;
    std::memcpy(out, in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  bool Byte(unsigned char& b) { return Bytes(&b, 1); }
  bool empty() const { return in_.empty(); }

 private:
  std::string_view in_;
};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

DiskIndex::DiskIndex(std::uint64_t disk_size, std::uint32_t chunk_size)
    : disk_size_(disk_size), chunk_size_(chunk_size) {
  assert(chunk_size > 0);
  slots_.resize((disk_size + chunk_size - 1) / chunk_size);
}

std::uint32_t DiskIndex::SlotBytes(std::size_t i) const {
  const std::uint64_t start = std::uint64_t(i) * chunk_size_;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(chunk_size_, disk_size_ - start));
}

std::vector<Key256> DiskIndex::DistinctChunks() const {
  std::vector<Key256> ids;
  for (const Slot& s : slots_) {
    if (s) ids.push_back(*s);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::string DiskIndex::Encode() const {
  std::string out(kMagic);
  PutLe(out, disk_size_, 8);
  PutLe(out, chunk_size_, 4);
  std::size_t i = 0;
  while (i < slots_.size()) {
    if (slots_[i]) {
      out.push_back(static_cast<char>(kChunk));
      out.append(reinterpret_cast<const char*>(slots_[i]->data()), slots_[i]->size());
      ++i;
      continue;
    }
    std::size_t run = 0;
    while (i < slots_.size() && !slots_[i]) ++i, ++run;
    out.push_back(static_cast<char>(kZeroRun));
    PutVarint(out, run);
  }
  return out;
}

Result<DiskIndex> DiskIndex::Decode(std::string_view name, std::string_view bytes) {
  auto damaged = [&](std::string_view why) {
    return Fail(ErrorCode::kOperationFailed, ErrorDomain::kNone,
                fmt::format("disk index '{}' is damaged: {}", name, why));
  };
  if (bytes.substr(0, kMagic.size()) != kMagic) return damaged("not an index");
  Reader in(bytes.substr(kMagic.size()));
  std::uint64_t disk_size = 0, chunk_size = 0;
  if (!in.Le(disk_size, 8) || !in.Le(chunk_size, 4) || chunk_size == 0) {
    return damaged("truncated header");
  }
  DiskIndex index(disk_size, static_cast<std::uint32_t>(chunk_size));
  std::size_t i = 0;
  while (!in.empty()) {
    unsigned char tag = 0;
    in.Byte(tag);
    if (tag == kChunk) {
      Key256 id{};
      if (i >= index.slots_.size() || !in.Bytes(id.data(), id.size())) {
        return damaged("a chunk past the disk's end");
      }
      index.slots_[i++] = id;
    } else if (tag == kZeroRun) {
      std::uint64_t run = 0;
      if (!in.Varint(run) || run > index.slots_.size() - i) return damaged("a bad zero run");
      i += run;
    } else {
      return damaged("an unknown record");
    }
  }
  if (i != index.slots_.size()) return damaged("it does not cover the whole disk");
  return index;
}

std::string DiskDigest(const DiskIndex& index) { return Hex(Sha256(index.Encode())); }

std::optional<Key256> ParseChunkId(std::string_view hex) {
  Key256 id{};
  if (hex.size() != 2 * id.size()) return std::nullopt;
  for (std::size_t i = 0; i < id.size(); ++i) {
    int hi = HexDigit(hex[2 * i]), lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return id;
}

}  // namespace cairn::repo
