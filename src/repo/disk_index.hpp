// repo/disk_index.hpp — which chunk holds each part of one disk in one backup.
//
// A disk is cut into slots of the repository's chunk size at fixed offsets (the last slot
// may be shorter). Every slot of the whole disk is named, as a chunk id or as zeros, so any
// backup restores alone (a synthetic full) and an incremental is its predecessor's index with
// the dirty slots replaced. Encoded, runs of zero slots take a few bytes:
//   "CIX1" disk_size:u64le chunk_size:u32le then records: 0x00 varint(n) = n zero slots,
//   0x01 id[32] = one slot held by that chunk.
// Thread rule: a value; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "repo/repository_key.hpp"

namespace cairn::repo {

class DiskIndex {
 public:
  using Slot = std::optional<Key256>;  // nullopt: the slot reads as zeros

  // An index of `disk_size` bytes in which every slot is zero.
  // REQUIRES: chunk_size > 0.
  DiskIndex(std::uint64_t disk_size, std::uint32_t chunk_size);

  std::uint64_t disk_size() const { return disk_size_; }
  std::uint32_t chunk_size() const { return chunk_size_; }
  std::size_t slot_count() const { return slots_.size(); }
  // Bytes slot `i` covers (chunk_size, or less for the last).
  std::uint32_t SlotBytes(std::size_t i) const;

  const Slot& slot(std::size_t i) const { return slots_[i]; }
  void set_slot(std::size_t i, Slot slot) { slots_[i] = std::move(slot); }

  // The chunk ids the index names, each once, sorted.
  std::vector<Key256> DistinctChunks() const;

  std::string Encode() const;
  // Errors: kOperationFailed naming `name` if `bytes` is not an index.
  static Result<DiskIndex> Decode(std::string_view name, std::string_view bytes);

 private:
  std::uint64_t disk_size_;
  std::uint32_t chunk_size_;
  std::vector<Slot> slots_;
};

// The digest of a disk's whole content as `index` holds it: hex SHA-256 of its encoding.
// Each slot is named by its chunk id, a (keyed) SHA-256 of its bytes, so this fixes every
// byte of the disk; restore and verify recompute it from the data they read.
std::string DiskDigest(const DiskIndex& index);

// Parses 64 hex digits (a chunk id as the store names it).
std::optional<Key256> ParseChunkId(std::string_view hex);

}  // namespace cairn::repo
