// repo/repository.hpp — a cairn-backup repository: packs of chunks, disk indexes and
// manifests in an ObjectStore (docs/repository-format.md, format 2).
//
//   config                          plain JSON: format, chunk size, encryption, key check
//   packs/<pack[0:2]>/<pack>        chunk frames and their table (PackedChunks)
//   packindex/<random>              the tables of many packs: read instead of each pack's
//   chunks/<id[0:2]>/<id>           format 1 only: one chunk, still read
//   indexes/<backup>/<disk>         DiskIndex of one disk in one backup
//   manifests/<domain uuid>/<backup>  BackupManifest: present = the backup exists
//   verifications/<backup>/<ms>     VerificationRecord: one verify of one backup
//
// Commit() is the only step that makes a backup visible: it puts the open packs, flushes
// every pack and index put so far, then puts the manifest and flushes again. What a killed
// run leaves behind (packs, indexes without a manifest) is invisible and collected by gc.
// Thread rule: PutChunk, GetChunk, HasChunk from any thread at the same time; every other
// method from one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/error.hpp"
#include "repo/backup_manifest.hpp"
#include "repo/disk_index.hpp"
#include "repo/object_codec.hpp"
#include "repo/object_store.hpp"
#include "repo/packed_chunks.hpp"
#include "repo/repository_key.hpp"
#include "repo/verification_record.hpp"

namespace cairn::repo {

struct InitOptions {
  std::optional<RepositoryKey> key;  // encrypt at rest
  std::uint32_t chunk_size = 64 * 1024;  // QEMU's default dirty-bitmap granularity
  int zstd_level = 1;
};

class Repository {
 public:
  // Creates a repository in `store`, which must not hold one.
  // Errors: kOperationInvalid if it already holds a repository; kInvalidArg for a chunk
  // size that is not a power of two from 4 KiB to 8 MiB; the store's errors.
  static Result<Repository> Init(std::unique_ptr<ObjectStore> store, const InitOptions& options);

  // Opens the repository in `store`; `key` is required if and only if it is encrypted.
  // Errors: kOperationInvalid if there is no repository, or it is encrypted and no key was
  // given; kAuthFailed if the key is not this repository's; kOperationFailed if the config
  // is damaged.
  static Result<Repository> Open(std::unique_ptr<ObjectStore> store,
                                 std::optional<RepositoryKey> key);

  // A local directory, created (0700) by Init when missing.
  static Result<Repository> InitDirectory(const std::filesystem::path& dir,
                                          const InitOptions& options);
  static Result<Repository> OpenDirectory(const std::filesystem::path& dir,
                                          std::optional<RepositoryKey> key);

  std::uint32_t chunk_size() const { return chunk_size_; }
  bool encrypted() const { return codec_.encrypted(); }
  const std::string& id() const { return id_; }
  ObjectStore& store() { return *store_; }

  // The id a chunk holding `plain` has (or would have) in this repository.
  Key256 ChunkIdOf(std::string_view plain) const { return codec_.ChunkId(plain); }
  // Stores `plain` as a chunk unless the repository has it already (it lands in an open pack,
  // put when full or at Commit).
  Result<StoredChunk> PutChunk(std::string_view plain) {
    return chunks_->Put(codec_.ChunkId(plain), plain);
  }
  // The data of chunk `id`, checked against its id.
  // Errors: kOperationFailed if the chunk is missing or damaged.
  Result<std::string> GetChunk(const Key256& id) const { return chunks_->Get(id); }
  Result<bool> HasChunk(const Key256& id) const { return chunks_->Has(id); }
  // Every chunk id stored (for tests and tools), sorted.
  Result<std::vector<Key256>> ListChunks() const { return chunks_->List(); }
  // `ids` in the order their chunks lie in the store (for reading many).
  void SortByLocation(std::vector<Key256>& ids) const { chunks_->SortByLocation(ids); }
  // The packs and pack indexes whose table is damaged, each with why.
  Result<std::vector<std::string>> DamagedPacks() const { return chunks_->DamagedPacks(); }
  // Every pack's own table checked against the pack indexes (PackedChunks::CheckPackTables).
  Result<std::vector<std::string>> CheckPackTables() const { return chunks_->CheckPackTables(); }
  // Puts the open packs and an index of them (Commit does; a test may earlier).
  Status WriteOpenPacks() {
    if (Status ok = chunks_->WriteOpenPacks(); !ok) return ok;
    return chunks_->WriteIndex();
  }
  // gc's part for chunks: keeps exactly the chunks in `named` (sorted), PackedChunks::Collect.
  Result<ChunkGcReport> CollectChunks(const std::vector<Key256>& named) {
    return chunks_->Collect(named);
  }
  // The repository's format: 2, or 1 for one made before packs (its chunks/ still read).
  int format() const { return format_; }

  // Puts the index of `disk` in backup `backup_id`; returns its object name.
  Result<std::string> PutIndex(std::string_view backup_id, std::string_view disk,
                               const DiskIndex& index);
  Result<DiskIndex> GetIndex(std::string_view object_name) const;

  // Makes backup `manifest` visible, durably, after everything it names.
  Status Commit(const BackupManifest& manifest);
  // Every visible backup, oldest (by start time) first; only `domain`'s (by name or UUID) when given.
  Result<std::vector<BackupManifest>> ListBackups(
      std::optional<std::string_view> domain = std::nullopt) const;
  // Removes a backup: its manifest first (it stops existing), then its indexes and
  // verification records.
  Status DeleteBackup(const BackupManifest& manifest);

  // Adds each record beside the earlier ones of its backup; durable (one flush) on return.
  Status RecordVerifications(const std::vector<VerificationRecord>& records);
  // The folder of backup `backup_id`'s verification records ("verifications/<backup>").
  static std::string VerificationFolder(std::string_view backup_id);
  // The latest verification of every backup verified at least once, by backup id.
  Result<std::map<std::string, VerificationRecord>> LatestVerifications() const;

  // Takes the repository's lock (ObjectStore::Lock).
  Result<std::unique_ptr<StoreLock>> Lock(LockMode mode, bool wait) {
    return store_->Lock(mode, wait);
  }
  // Every disk index object in the repository, committed or not (for gc), sorted.
  Result<std::vector<std::string>> ListIndexObjects() const { return store_->List("indexes"); }
  // Every verification record object, of existing backups or not (for gc), sorted.
  Result<std::vector<std::string>> ListVerificationObjects() const;
  Status DeleteObject(std::string_view name) { return store_->Delete(name); }
  Status Flush() { return store_->Flush(); }

  // A fresh backup id for a backup started at `unix_ms` ("20261207t061500.042z-9f2c41d0",
  // UTC to the millisecond): sorts by time, unique.
  static std::string NewBackupId(std::int64_t unix_ms);

 private:
  // Object `name` opened (decrypted, checked against its name); nullopt if it is absent.
  Result<std::optional<std::string>> GetSealed(std::string_view name) const;
  // Every object in `folder` opened and decoded as a T (T::Decode(name, text)); objects
  // deleted since the listing are skipped.
  template <typename T>
  Result<std::vector<T>> DecodeFolder(std::string_view folder) const;

  Repository(std::unique_ptr<ObjectStore> store, ObjectCodec codec, std::uint32_t chunk_size,
             std::string id, int format)
      : store_(std::move(store)), codec_(std::move(codec)), chunk_size_(chunk_size),
        id_(std::move(id)), format_(format),
        chunks_(std::make_unique<PackedChunks>(*store_, codec_, format == 1)) {}

  std::unique_ptr<ObjectStore> store_;
  ObjectCodec codec_;
  std::uint32_t chunk_size_;
  std::string id_;
  int format_;
  std::unique_ptr<PackedChunks> chunks_;  // refers to *store_, which moves with it
};

// `text` as one object-name component: [a-z0-9._-] kept (a leading '.' escaped), every other
// byte as "_xx" (hex), '_' itself as "_5f". Injective, so distinct disks never collide.
std::string ObjectNameComponent(std::string_view text);

}  // namespace cairn::repo
