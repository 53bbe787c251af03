// repo/packed_chunks.hpp — a repository's chunks, stored in pack objects (format 2).
//
//   packs/<pack[0:2]>/<pack>    chunk frames back to back, then their table (pack_table.hpp)
//   packindex/<random>          the tables of many packs (pack_index.hpp): a shortcut
//
// A chunk object of format 1 was one file per 64 KiB: creating the inodes cost a third of a
// backup's CPU. Here each chunk is sealed exactly as that object was (the associated data
// is still "chunks/<id>", binding the frame to its id) and appended to an open pack held in
// memory; a pack is put whole once it passes `pack_bytes`, and never changes after. Writers
// take an open pack from a pool and give it back after one append, so threads and disks
// fill packs side by side and wait on nothing but the pool's lock. WriteOpenPacks() puts the
// partly filled packs (a commit does it before its flush). Reading loads every pack's table
// once, on first use (from the pack indexes, or the pack itself for a pack none names), into
// a ChunkCatalogue and reads one chunk with one ranged read.
// A format-1 repository's chunks/ objects are still read (and collected) when a chunk is in
// no pack.
// Thread rule: Put, Get, Has, SortByLocation from any thread at the same time; the others
// from one thread while no Put runs.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cairn/error.hpp"
#include "repo/aligned_bytes.hpp"
#include "repo/chunk_catalogue.hpp"
#include "repo/object_codec.hpp"
#include "repo/object_store.hpp"
#include "repo/pack_index.hpp"

namespace cairn::repo {

struct StoredChunk {
  Key256 id{};
  bool created = false;          // false: the repository had it already
  std::size_t stored_bytes = 0;  // bytes its frame takes (0 when it existed)
};

struct ChunkGcReport {
  std::uint64_t chunks_kept = 0;      // chunks an index names
  std::uint64_t chunks_deleted = 0;   // unnamed chunks whose bytes were freed
  std::uint64_t packs_deleted = 0;    // packs no index names a chunk of
  std::uint64_t packs_rewritten = 0;  // packs rewritten without their unnamed chunks, or merged
  std::uint64_t bytes_freed = 0;
};

// Packs more than this share unnamed are rewritten by gc; below it the unnamed bytes stay
// (rewriting a pack costs reading and writing its named chunks).
inline constexpr double kRepackDeadShare = 0.2;
// Packs whose named bytes are under this share of a full pack (each incremental leaves one,
// partly filled) are merged by gc when there are two or more: their chunks are rewritten
// into full packs. A merged pack grows until it is no longer small, so a chunk is moved a
// few times at most.
inline constexpr double kSmallPackShare = 0.25;

class PackedChunks {
 public:
  // `legacy_chunks`: a format-1 repository, whose chunks may be chunks/ objects too.
  PackedChunks(ObjectStore& store, ObjectCodec codec, bool legacy_chunks,
               std::size_t pack_bytes = kDefaultPackBytes);
  ~PackedChunks();

  static constexpr std::size_t kDefaultPackBytes = 16u << 20;

  // Stores `plain` (id `id`) unless the repository has it, or another thread is storing it.
  // Errors: the store's (the chunk is then not stored).
  Result<StoredChunk> Put(const Key256& id, std::string_view plain);
  // The data of chunk `id`, checked against its id.
  // Errors: kOperationFailed naming the chunk (and its pack) if it is missing or damaged.
  Result<std::string> Get(const Key256& id) const;
  // Whether the repository has chunk `id` (or it is being stored).
  Result<bool> Has(const Key256& id) const;
  // Every chunk id stored, sorted.
  Result<std::vector<Key256>> List() const;
  // `ids` ordered as their chunks lie in the store (pack, then offset): a verify then reads
  // each pack front to back.
  void SortByLocation(std::vector<Key256>& ids) const;

  // Puts every open pack; durable after the store's next Flush().
  Status WriteOpenPacks();
  // Puts one pack index (pack_index.hpp) naming every pack written since the last one, so
  // the next load reads it instead of each pack's table. A commit calls it after
  // WriteOpenPacks, before its flush.
  Status WriteIndex();

  // The packs (and pack indexes) whose table could not be read, each with why (gc leaves
  // such packs alone).
  Result<std::vector<std::string>> DamagedPacks() const;
  // Reads every pack's own table and compares it with where the catalogue (from the pack
  // indexes) puts its chunks: one line per pack that differs or does not read (a pack's own
  // table is what remains when the indexes are lost). Errors: the store's.
  Result<std::vector<std::string>> CheckPackTables() const;

  // Deletes the chunks not in `named` (sorted): packs holding none of `named` are deleted,
  // packs more than kRepackDeadShare unnamed are rewritten with only their named chunks,
  // small packs (kSmallPackShare) are merged (the new packs are flushed before the old ones
  // go), unnamed chunks/ objects are deleted, and the pack indexes are replaced by one naming
  // every pack left (flushed before the old ones go). Flushes the store. Errors: the
  // store's; nothing is deleted on a partial view.
  Result<ChunkGcReport> Collect(const std::vector<Key256>& named);

 private:
  struct OpenPack {
    std::uint32_t number = 0;
    std::string name;
    AlignedBytes bytes;  // so the store may write it with O_DIRECT
    std::vector<PackEntry> entries;
  };

  Status EnsureLoaded() const;
  Status LoadPacks() const;
  // Appends sealed frame `frame` of chunk `id` to an open pack and places it there.
  Status Append(const Key256& id, std::string_view frame);
  Status WritePack(OpenPack& pack);
  Result<std::string> GetLegacy(const Key256& id) const;

  ObjectStore& store_;
  ObjectCodec codec_;
  bool legacy_chunks_;
  std::size_t pack_bytes_;

  mutable std::once_flag load_once_;
  mutable Status load_status_;
  mutable ChunkCatalogue catalogue_;
  mutable std::vector<std::string> damaged_;  // set by the load
  mutable std::mutex mutex_;  // guards free_, spare_, unindexed_, index_objects_, frame_bytes_
  std::vector<std::unique_ptr<OpenPack>> free_;     // open packs no writer holds
  std::vector<AlignedBytes> spare_;                 // buffers of written packs, for reuse
  std::vector<PackRecord> unindexed_;               // packs written since the last index
  mutable std::vector<std::string> index_objects_;  // pack indexes loaded or written
  mutable std::vector<std::uint64_t> frame_bytes_;  // by pack number: bytes of frames
};

// The object name of chunk `id` in a format-1 repository ("chunks/ab/ab12..."): still the
// associated data that binds a packed chunk's frame to its id.
std::string ChunkObjectName(const Key256& id);

}  // namespace cairn::repo
