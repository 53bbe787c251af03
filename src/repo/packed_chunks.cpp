#include "repo/packed_chunks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "repo/disk_index.hpp"

namespace cairn::repo {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;
constexpr std::string_view kPacks = "packs";
constexpr std::string_view kChunks = "chunks";
constexpr std::string_view kPackIndexes = "packindex";
// Read from a pack's end at once: its table with the tail, for packs of up to ~1600 chunks.
constexpr std::size_t kTailRead = 64 * 1024;
constexpr unsigned kLoadThreads = 8;

std::string NewPackName() {
  const std::string hex = RandomHex(16);
  return fmt::format("{}/{}/{}", kPacks, hex.substr(0, 2), hex);
}

}  // namespace

std::string ChunkObjectName(const Key256& id) {
  const std::string hex = Hex(id);
  return fmt::format("{}/{}/{}", kChunks, hex.substr(0, 2), hex);
}

PackedChunks::PackedChunks(ObjectStore& store, ObjectCodec codec, bool legacy_chunks,
                           std::size_t pack_bytes)
    : store_(store),
      codec_(std::move(codec)),
      legacy_chunks_(legacy_chunks),
      pack_bytes_(pack_bytes) {}

PackedChunks::~PackedChunks() = default;

Status PackedChunks::EnsureLoaded() const {
  std::call_once(load_once_, [this] { load_status_ = LoadPacks(); });
  return load_status_;
}

// One pack's table: its tail, then (if the first read did not hold it) the table itself.
static Result<std::vector<PackEntry>> ReadPackTable(const ObjectStore& store,
                                                    const ObjectCodec& codec,
                                                    const std::string& name) {
  Result<std::optional<std::uint64_t>> size = store.Size(name);
  if (!size) return std::unexpected(size.error());
  if (!*size) return Fail(ErrorCode::kOperationFailed, kErr, "gone since listed");
  const std::uint64_t total = **size;
  if (total < kPackTailBytes) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("pack '{}' is damaged: {} bytes is too short", name, total));
  }
  const std::uint64_t first = std::min<std::uint64_t>(total, kTailRead);
  Result<std::optional<std::string>> end = store.GetRange(name, total - first, first);
  if (!end) return std::unexpected(end.error());
  if (!*end || (*end)->size() != first) {
    return Fail(ErrorCode::kOperationFailed, kErr, fmt::format("pack '{}' is truncated", name));
  }
  std::string_view tail = std::string_view(**end).substr(first - kPackTailBytes);
  Result<std::uint32_t> sealed_bytes = DecodePackTail(name, tail);
  if (!sealed_bytes) return std::unexpected(sealed_bytes.error());
  if (std::uint64_t(*sealed_bytes) + kPackTailBytes > total) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("pack '{}' is damaged: its table is larger than the pack", name));
  }
  const std::uint64_t frames_end = total - kPackTailBytes - *sealed_bytes;
  std::string sealed;
  if (*sealed_bytes + kPackTailBytes <= first) {
    sealed = (**end).substr(first - kPackTailBytes - *sealed_bytes, *sealed_bytes);
  } else {
    Result<std::optional<std::string>> table = store.GetRange(name, frames_end, *sealed_bytes);
    if (!table) return std::unexpected(table.error());
    if (!*table || (*table)->size() != *sealed_bytes) {
      return Fail(ErrorCode::kOperationFailed, kErr, fmt::format("pack '{}' is truncated", name));
    }
    sealed = std::move(**table);
  }
  // Sealed under the pack's own name: a table (or whole pack) copied elsewhere does not open.
  Result<std::string> plain = codec.Open(name, sealed);
  if (!plain) return std::unexpected(plain.error());
  return DecodePackTable(name, *plain, frames_end);
}

Status PackedChunks::LoadPacks() const {
  // The pack indexes first: most packs' tables, in a few reads.
  Result<std::vector<std::string>> index_names = store_.List(kPackIndexes);
  if (!index_names) return std::unexpected(index_names.error());
  std::unordered_map<std::string, std::vector<PackEntry>> indexed;
  for (const std::string& name : *index_names) {
    Result<std::optional<std::string>> sealed = store_.Get(name);
    if (!sealed) return std::unexpected(sealed.error());
    if (!*sealed) continue;  // deleted since listed
    Result<std::string> plain = codec_.Open(name, **sealed);
    Result<std::vector<PackRecord>> records =
        plain ? DecodePackIndex(name, *plain) : std::unexpected(plain.error());
    if (!records) {  // the packs it names are read from their own tables instead
      damaged_.push_back(fmt::format("{}: {}", name, records.error().detail()));
      continue;
    }
    for (PackRecord& r : *records) indexed[r.name] = std::move(r.entries);
    index_objects_.push_back(name);
  }
  Result<std::vector<std::string>> names = store_.List(kPacks);
  if (!names) return std::unexpected(names.error());
  std::vector<std::vector<PackEntry>> tables(names->size());
  std::vector<std::optional<Error>> failures(names->size());
  std::vector<std::uint64_t> frames(names->size(), 0);
  std::vector<std::size_t> unindexed;  // packs none names: a killed run's, or older
  for (std::size_t i = 0; i < names->size(); ++i) {
    auto it = indexed.find((*names)[i]);
    if (it == indexed.end()) {
      unindexed.push_back(i);
    } else {
      tables[i] = std::move(it->second);
    }
  }
  // Several readers: on a cold cache each table read waits on the disk.
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t k = next++; k < unindexed.size(); k = next++) {
      const std::size_t i = unindexed[k];
      Result<std::vector<PackEntry>> t = ReadPackTable(store_, codec_, (*names)[i]);
      if (!t) {
        failures[i] = t.error();
        continue;
      }
      tables[i] = std::move(*t);
    }
  };
  const unsigned threads =
      static_cast<unsigned>(std::min<std::size_t>(kLoadThreads, (unindexed.size() + 15) / 16));
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
    for (std::thread& t : pool) t.join();
  }
  // Damaged packs stay out of the catalogue: their chunks read as missing, and gc, which
  // cannot tell what they hold, leaves them alone.
  std::vector<std::string> good_names;
  std::vector<std::vector<PackEntry>> good_tables;
  std::vector<std::uint64_t> good_frames;
  for (std::size_t i = 0; i < names->size(); ++i) {
    for (const PackEntry& e : tables[i]) {
      frames[i] = std::max<std::uint64_t>(frames[i], e.offset + std::uint64_t(e.length));
    }
    if (!failures[i]) {
      good_names.push_back(std::move((*names)[i]));
      good_tables.push_back(std::move(tables[i]));
      good_frames.push_back(frames[i]);
      continue;
    }
    // A store failure (permissions, I/O) is not damage: nothing may act on a partial view.
    if (failures[i]->code() == ErrorCode::kSystemError) return std::unexpected(*failures[i]);
    damaged_.push_back(fmt::format("{}: {}", (*names)[i], failures[i]->detail()));
  }
  catalogue_.Load(good_names, good_tables);
  std::lock_guard lock(mutex_);
  frame_bytes_ = std::move(good_frames);
  return {};
}

Result<StoredChunk> PackedChunks::Put(const Key256& id, std::string_view plain) {
  if (Status ok = EnsureLoaded(); !ok) return std::unexpected(ok.error());
  StoredChunk chunk;
  chunk.id = id;
  if (!catalogue_.Reserve(id)) return chunk;
  if (legacy_chunks_) {
    Result<bool> exists = store_.Exists(ChunkObjectName(id));
    if (!exists || *exists) {
      catalogue_.Unreserve(id);
      if (!exists) return std::unexpected(exists.error());
      return chunk;
    }
  }
  Result<std::string> sealed = codec_.Seal(ChunkObjectName(id), plain);
  if (!sealed) {
    catalogue_.Unreserve(id);
    return std::unexpected(sealed.error());
  }
  if (Status ok = Append(id, *sealed); !ok) return std::unexpected(ok.error());
  chunk.created = true;
  chunk.stored_bytes = sealed->size();
  return chunk;
}

Status PackedChunks::Append(const Key256& id, std::string_view frame) {
  std::unique_ptr<OpenPack> pack;
  {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      pack = std::move(free_.back());
      free_.pop_back();
    }
  }
  if (!pack) {
    pack = std::make_unique<OpenPack>();
    pack->name = NewPackName();
    pack->number = catalogue_.AddPack(pack->name);
    {
      // A written pack's buffer: its pages are mapped already (fresh ones fault, one by one).
      std::lock_guard lock(mutex_);
      if (!spare_.empty()) {
        pack->bytes = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    // Room for a full pack's frames, one more frame and the table: it never moves.
    pack->bytes.Reserve(pack_bytes_ + frame.size() + pack_bytes_ / 256 + 4096);
  }
  const PackEntry entry{id, static_cast<std::uint32_t>(pack->bytes.size()),
                        static_cast<std::uint32_t>(frame.size())};
  pack->bytes.Append(frame);
  pack->entries.push_back(entry);
  catalogue_.Place(id, ChunkLocation{pack->number, entry.offset, entry.length});
  if (pack->bytes.size() >= pack_bytes_) return WritePack(*pack);
  std::lock_guard lock(mutex_);
  free_.push_back(std::move(pack));
  return {};
}

Status PackedChunks::WritePack(OpenPack& pack) {
  const std::uint64_t frames = pack.bytes.size();
  Result<std::string> table = codec_.Seal(pack.name, EncodePackTable(pack.entries));
  Result<bool> created = table ? Result<bool>(true) : std::unexpected(table.error());
  if (table) {
    pack.bytes.Append(*table);
    pack.bytes.Append(EncodePackTail(static_cast<std::uint32_t>(table->size())));
    created = store_.Put(pack.name, pack.bytes.view());
  }
  if (created && !*created) {
    created =
        Fail(ErrorCode::kInternalError, kErr, fmt::format("pack '{}' already exists", pack.name));
  }
  if (created) catalogue_.SetPackState(pack.number, PackState::kWritten);
  // A pack that could not be written: its chunks are not stored; the next run stores them.
  if (!created) catalogue_.DropPack(pack.number);
  std::lock_guard lock(mutex_);
  pack.bytes.Clear();
  spare_.push_back(std::move(pack.bytes));
  if (!created) return std::unexpected(created.error());
  unindexed_.push_back(PackRecord{pack.name, std::move(pack.entries)});
  if (frame_bytes_.size() <= pack.number) frame_bytes_.resize(pack.number + 1, 0);
  frame_bytes_[pack.number] = frames;
  return {};
}

Status PackedChunks::WriteOpenPacks() {
  std::vector<std::unique_ptr<OpenPack>> open;
  {
    std::lock_guard lock(mutex_);
    open.swap(free_);
  }
  Status first;
  for (auto& pack : open) {
    if (Status ok = WritePack(*pack); !ok && first) first = ok;
  }
  return first;
}

// Puts `records` as a new pack index; returns its name.
static Result<std::string> PutPackIndex(ObjectStore& store, const ObjectCodec& codec,
                                        const std::vector<PackRecord>& records) {
  const std::string name = fmt::format("{}/{}", kPackIndexes, RandomHex(16));
  Result<std::string> sealed = codec.Seal(name, EncodePackIndex(records));
  if (!sealed) return std::unexpected(sealed.error());
  Result<bool> created = store.Put(name, *sealed);
  if (!created) return std::unexpected(created.error());
  if (!*created) {
    return Fail(ErrorCode::kInternalError, kErr,
                fmt::format("pack index '{}' already exists", name));
  }
  return name;
}

Status PackedChunks::WriteIndex() {
  std::vector<PackRecord> records;
  {
    std::lock_guard lock(mutex_);
    records.swap(unindexed_);
  }
  if (records.empty()) return {};
  Result<std::string> name = PutPackIndex(store_, codec_, records);
  std::lock_guard lock(mutex_);
  if (!name) {
    // Kept for the next try; meanwhile the packs' own tables serve.
    unindexed_.insert(unindexed_.end(), std::make_move_iterator(records.begin()),
                      std::make_move_iterator(records.end()));
    return std::unexpected(name.error());
  }
  index_objects_.push_back(std::move(*name));
  return {};
}

Result<std::string> PackedChunks::GetLegacy(const Key256& id) const {
  const std::string name = ChunkObjectName(id);
  Result<std::optional<std::string>> sealed =
      legacy_chunks_ ? store_.Get(name) : Result<std::optional<std::string>>(std::nullopt);
  if (!sealed) return std::unexpected(sealed.error());
  if (!*sealed) {
    return Fail(
        ErrorCode::kOperationFailed, kErr,
        fmt::format("chunk '{}' is missing from repository '{}'", Hex(id), store_.Describe()));
  }
  Result<std::string> plain = codec_.Open(name, **sealed);
  if (!plain) return plain;
  if (codec_.ChunkId(*plain) != id) {
    return Fail(
        ErrorCode::kOperationFailed, kErr,
        fmt::format("repository object '{}' is damaged: its data does not match its id", name));
  }
  return plain;
}

Result<std::string> PackedChunks::Get(const Key256& id) const {
  if (Status ok = EnsureLoaded(); !ok) return std::unexpected(ok.error());
  std::optional<ChunkLocation> at = catalogue_.Find(id);
  if (!at && catalogue_.Find(id, true)) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("chunk '{}' is in a pack not written yet", Hex(id)));
  }
  if (!at) return GetLegacy(id);
  const std::string pack = catalogue_.PackName(at->pack);
  Result<std::optional<std::string>> frame = store_.GetRange(pack, at->offset, at->length);
  if (!frame) return std::unexpected(frame.error());
  if (!*frame || (*frame)->size() != at->length) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("chunk '{}' is missing: pack '{}' is {}", Hex(id), pack,
                            *frame ? "truncated" : "gone"));
  }
  Result<std::string> plain = codec_.Open(ChunkObjectName(id), **frame);
  if (!plain) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("chunk '{}' in pack '{}' at byte {} is damaged: {}", Hex(id), pack,
                            at->offset, plain.error().detail()));
  }
  if (codec_.ChunkId(*plain) != id) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("chunk '{}' in pack '{}' at byte {} is damaged: its data does not "
                            "match its id",
                            Hex(id), pack, at->offset));
  }
  return plain;
}

Result<bool> PackedChunks::Has(const Key256& id) const {
  if (Status ok = EnsureLoaded(); !ok) return std::unexpected(ok.error());
  if (catalogue_.Find(id, true)) return true;
  if (!legacy_chunks_) return false;
  return store_.Exists(ChunkObjectName(id));
}

Result<std::vector<Key256>> PackedChunks::List() const {
  if (Status ok = EnsureLoaded(); !ok) return std::unexpected(ok.error());
  std::vector<Key256> ids;
  catalogue_.ForEach([&](const Key256& id, const ChunkLocation&) { ids.push_back(id); });
  if (legacy_chunks_) {
    Result<std::vector<std::string>> names = store_.List(kChunks);
    if (!names) return std::unexpected(names.error());
    for (const std::string& n : *names) {
      if (std::optional<Key256> id = ParseChunkId(n.substr(n.rfind('/') + 1))) ids.push_back(*id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

void PackedChunks::SortByLocation(std::vector<Key256>& ids) const {
  if (!EnsureLoaded()) return;
  std::vector<std::pair<std::pair<std::uint32_t, std::uint32_t>, Key256>> keyed;
  keyed.reserve(ids.size());
  for (const Key256& id : ids) {
    std::optional<ChunkLocation> at = catalogue_.Find(id);
    keyed.push_back({at ? std::pair(at->pack, at->offset) : std::pair(UINT32_MAX, 0u), id});
  }
  std::sort(keyed.begin(), keyed.end());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = keyed[i].second;
}

Result<std::vector<std::string>> PackedChunks::DamagedPacks() const {
  if (Status ok = EnsureLoaded(); !ok) return std::unexpected(ok.error());
  return damaged_;
}

Result<std::vector<std::string>> PackedChunks::CheckPackTables() const {
  if (Status ok = EnsureLoaded(); !ok) return std::unexpected(ok.error());
  std::map<std::uint32_t, std::vector<PackEntry>> expected;
  catalogue_.ForEach([&](const Key256& id, const ChunkLocation& at) {
    expected[at.pack].push_back(PackEntry{id, at.offset, at.length});
  });
  auto key = [](const PackEntry& e) { return std::tie(e.offset, e.length, e.id); };
  std::vector<std::string> problems;
  for (auto& [pack, entries] : expected) {
    const std::string name = catalogue_.PackName(pack);
    Result<std::vector<PackEntry>> table = ReadPackTable(store_, codec_, name);
    if (!table) {
      if (table.error().code() == ErrorCode::kSystemError) return std::unexpected(table.error());
      problems.push_back(fmt::format("{}: {}", name, table.error().detail()));
      continue;
    }
    // Every chunk the catalogue places in this pack is where the pack's own table says.
    std::sort(table->begin(), table->end(),
              [&](const PackEntry& a, const PackEntry& b) { return key(a) < key(b); });
    for (const PackEntry& e : entries) {
      if (!std::binary_search(table->begin(), table->end(), e,
                              [&](const auto& a, const auto& b) { return key(a) < key(b); })) {
        problems.push_back(fmt::format("{}: its table does not place chunk {} at {}+{}", name,
                                       Hex(e.id), e.offset, e.length));
        break;
      }
    }
  }
  return problems;
}

Result<ChunkGcReport> PackedChunks::Collect(const std::vector<Key256>& named) {
  if (Status ok = EnsureLoaded(); !ok) return std::unexpected(ok.error());
  if (Status ok = WriteOpenPacks(); !ok) return std::unexpected(ok.error());
  const std::uint32_t pack_count = catalogue_.PackCount();
  std::vector<std::vector<PackEntry>> live(pack_count);
  std::vector<std::uint64_t> live_bytes(pack_count, 0);
  std::vector<std::uint64_t> chunks_in(pack_count, 0);
  catalogue_.ForEach([&](const Key256& id, const ChunkLocation& at) {
    ++chunks_in[at.pack];
    if (!std::binary_search(named.begin(), named.end(), id)) return;
    live[at.pack].push_back(PackEntry{id, at.offset, at.length});
    live_bytes[at.pack] += at.length;
  });
  std::vector<std::uint64_t> frames;
  {
    std::lock_guard lock(mutex_);
    frames = frame_bytes_;
  }
  frames.resize(pack_count, 0);

  ChunkGcReport report;
  std::vector<std::uint32_t> rewrite, drop, small;
  for (std::uint32_t p = 0; p < pack_count; ++p) {
    if (catalogue_.PackStateOf(p) != PackState::kWritten) continue;
    report.chunks_kept += live[p].size();
    if (live[p].empty()) {
      drop.push_back(p);
    } else if (double(frames[p] - live_bytes[p]) > kRepackDeadShare * double(frames[p])) {
      rewrite.push_back(p);
    } else if (double(live_bytes[p]) < kSmallPackShare * double(pack_bytes_)) {
      small.push_back(p);
    }
  }
  if (small.size() >= 2) rewrite.insert(rewrite.end(), small.begin(), small.end());
  // The named chunks of mostly dead and of small packs into new packs, durable before the old
  // packs go: a gc killed in between leaves two copies, and the next gc drops the unchosen one.
  for (std::uint32_t p : rewrite) {
    const std::string name = catalogue_.PackName(p);
    Result<std::optional<std::string>> bytes = store_.Get(name);
    if (!bytes) return std::unexpected(bytes.error());
    if (!*bytes) {
      return Fail(ErrorCode::kOperationFailed, kErr,
                  fmt::format("pack '{}' vanished during gc", name));
    }
    std::sort(live[p].begin(), live[p].end(),
              [](const PackEntry& a, const PackEntry& b) { return a.offset < b.offset; });
    for (const PackEntry& e : live[p]) {
      // The frame is copied as it is: sealed under its chunk's name, not its pack's.
      if (Status ok = Append(e.id, std::string_view(**bytes).substr(e.offset, e.length)); !ok) {
        return std::unexpected(ok.error());
      }
    }
  }
  if (Status ok = WriteOpenPacks(); !ok) return std::unexpected(ok.error());
  if (!rewrite.empty()) {
    if (Status ok = store_.Flush(); !ok) return std::unexpected(ok.error());
  }
  for (const auto& [packs, rewritten] : {std::pair(&rewrite, true), std::pair(&drop, false)}) {
    for (std::uint32_t p : *packs) {
      if (Status ok = store_.Delete(catalogue_.PackName(p)); !ok)
        return std::unexpected(ok.error());
      catalogue_.SetPackState(p, PackState::kDeleted);
      report.chunks_deleted += chunks_in[p] - live[p].size();
      report.bytes_freed += frames[p] - live_bytes[p];
      ++(rewritten ? report.packs_rewritten : report.packs_deleted);
    }
  }
  // One index for every pack left, durable before the old indexes go: a gc killed between
  // leaves indexes that overlap, which loading merges.
  std::map<std::uint32_t, PackRecord> left;
  catalogue_.ForEach([&](const Key256& id, const ChunkLocation& at) {
    left[at.pack].entries.push_back(PackEntry{id, at.offset, at.length});
  });
  std::vector<PackRecord> records;
  for (auto& [pack, record] : left) {
    record.name = catalogue_.PackName(pack);
    std::sort(record.entries.begin(), record.entries.end(),
              [](const PackEntry& a, const PackEntry& b) { return a.offset < b.offset; });
    records.push_back(std::move(record));
  }
  std::vector<std::string> old_indexes;
  {
    std::lock_guard lock(mutex_);
    old_indexes.swap(index_objects_);
    unindexed_.clear();
  }
  if (!records.empty()) {
    Result<std::string> index = PutPackIndex(store_, codec_, records);
    if (!index) return std::unexpected(index.error());
    if (Status ok = store_.Flush(); !ok) return std::unexpected(ok.error());
    std::lock_guard lock(mutex_);
    index_objects_.push_back(std::move(*index));
  }
  for (const std::string& name : old_indexes) {
    if (Status ok = store_.Delete(name); !ok) return std::unexpected(ok.error());
  }
  if (legacy_chunks_) {
    Result<std::vector<std::string>> names = store_.List(kChunks);
    if (!names) return std::unexpected(names.error());
    for (const std::string& n : *names) {
      std::optional<Key256> id = ParseChunkId(n.substr(n.rfind('/') + 1));
      if (!id) continue;
      if (std::binary_search(named.begin(), named.end(), *id)) {
        ++report.chunks_kept;
        continue;
      }
      Result<std::optional<std::uint64_t>> size = store_.Size(n);
      if (Status ok = store_.Delete(n); !ok) return std::unexpected(ok.error());
      ++report.chunks_deleted;
      if (size && *size) report.bytes_freed += **size;
    }
  }
  if (Status ok = store_.Flush(); !ok) return std::unexpected(ok.error());
  return report;
}

}  // namespace cairn::repo
