// repo/chunk_catalogue.hpp — where every chunk of a repository lies: chunk id -> (pack,
// offset, length), in memory, as restic and borg keep it.
//
// The packs found when the repository is first used are loaded once into one sorted array
// (44 bytes a chunk: about 730 MiB per TiB of distinct 64 KiB chunks), searched without a
// lock. Chunks stored since, and chunks gc moved, live in a small hash map beside it under a
// mutex. A chunk is first reserved (so two threads never store the same bytes twice), then
// placed in an open pack, then readable once its pack is written. When two packs hold the
// same chunk (a gc killed between writing new packs and deleting old ones) one copy is
// chosen; the other is garbage to the next gc.
// Thread rule: every method from any thread at the same time, except Load (before any other).
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "repo/pack_table.hpp"
#include "repo/repository_key.hpp"

namespace cairn::repo {

struct ChunkLocation {
  std::uint32_t pack = 0;  // ChunkCatalogue's number of the pack
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

enum class PackState { kOpen, kWritten, kDeleted };

class ChunkCatalogue {
 public:
  // Sets the packs found in the store and their tables (tables[i] is pack_names[i]'s),
  // numbered in that order, all written.
  void Load(const std::vector<std::string>& pack_names,
            const std::vector<std::vector<PackEntry>>& tables);

  // Where chunk `id` lies, if it is in a pack that is written (or, with `open_too`, still
  // being filled).
  std::optional<ChunkLocation> Find(const Key256& id, bool open_too = false) const;

  // Claims chunk `id` for the caller to store: false if the catalogue has it already (in any
  // pack, open or written) or another thread claimed it.
  bool Reserve(const Key256& id);
  // Where a reserved (or moved) chunk now lies.
  void Place(const Key256& id, ChunkLocation at);
  // Drops a reservation whose chunk was not stored after all.
  void Unreserve(const Key256& id);

  // Numbers a new, open pack.
  std::uint32_t AddPack(std::string name);
  void SetPackState(std::uint32_t pack, PackState state);
  // Marks `pack` deleted and forgets the chunks placed in it since Load (a pack that could not
  // be written).
  void DropPack(std::uint32_t pack);
  std::string PackName(std::uint32_t pack) const;
  PackState PackStateOf(std::uint32_t pack) const;
  std::uint32_t PackCount() const;

  // Calls `fn` for every chunk's chosen location in a written pack (order unspecified).
  void ForEach(const std::function<void(const Key256&, const ChunkLocation&)>& fn) const;

 private:
  struct Entry {
    Key256 id;
    ChunkLocation at;
  };
  struct KeyHash {
    std::size_t operator()(const Key256& k) const {
      std::size_t h;
      std::memcpy(&h, k.data(), sizeof h);  // ids are (keyed) SHA-256: already uniform
      return h;
    }
  };
  struct PackInfo {
    std::string name;
    PackState state;
  };
  static constexpr ChunkLocation kReserved{UINT32_MAX, 0, 0};

  const Entry* FindLoaded(const Key256& id) const;

  std::vector<Entry> loaded_;  // sorted by id, one entry per id; immutable after Load
  mutable std::mutex mutex_;
  std::unordered_map<Key256, ChunkLocation, KeyHash> added_;  // overrides loaded_
  std::vector<PackInfo> packs_;
};

}  // namespace cairn::repo
