#include "tools/cairn-backup/disk_backup.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "nbd/extent_cursor.hpp"
#include "nbd/nbd_export.hpp"
#include "nbd/parallel_reader.hpp"

namespace cairn::backup {
namespace {

// Whether every byte of [start, end) has all of `flags` in `cursor`'s context.
Result<bool> AllHave(nbd::ExtentCursor& cursor, std::uint64_t start, std::uint64_t end,
                     std::uint32_t flags) {
  for (std::uint64_t at = start; at < end;) {
    Result<nbd::Extent> e = cursor.At(at);
    if (!e) return std::unexpected(e.error());
    if ((e->flags & flags) != flags) return false;
    at += e->length;
  }
  return true;
}

// Whether any byte of [start, end) is marked dirty.
Result<bool> AnyDirty(nbd::ExtentCursor& cursor, std::uint64_t start, std::uint64_t end) {
  for (std::uint64_t at = start; at < end;) {
    Result<nbd::Extent> e = cursor.At(at);
    if (!e) return std::unexpected(e.error());
    if ((e->flags & nbd::kStateDirty) != 0) return true;
    at += e->length;
  }
  return false;
}

// Picks up to `count` slots, at random, that `dirty` calls clean and `previous` holds data
// for, reads them (all in flight at once: one round trip, not `count`), and returns the
// lowest whose bytes are not the previous backup's.
Result<std::optional<std::size_t>> FirstMissedChange(repo::Repository& repository,
                                                     nbd::NbdExport& source,
                                                     nbd::ExtentCursor& dirty,
                                                     const repo::DiskIndex& previous,
                                                     unsigned count, unsigned& checked) {
  std::vector<std::size_t> clean;
  for (std::size_t slot = 0; slot < previous.slot_count(); ++slot) {
    if (!previous.slot(slot)) continue;
    const std::uint64_t start = std::uint64_t(slot) * previous.chunk_size();
    Result<bool> changed = AnyDirty(dirty, start, start + previous.SlotBytes(slot));
    if (!changed) return std::unexpected(changed.error());
    if (!*changed) clean.push_back(slot);
  }
  std::mt19937_64 rng{std::random_device{}()};
  std::shuffle(clean.begin(), clean.end(), rng);
  if (clean.size() > count) clean.resize(count);
  std::size_t next = 0;
  std::optional<std::size_t> missed;
  nbd::ParallelReader reader(source, static_cast<unsigned>(std::max<std::size_t>(1, clean.size())));
  Status read = reader.Run(
      [&]() -> std::optional<nbd::ReadRequest> {
        if (next == clean.size()) return std::nullopt;
        const std::size_t slot = clean[next++];
        return nbd::ReadRequest{std::uint64_t(slot) * previous.chunk_size(),
                                static_cast<std::uint32_t>(previous.SlotBytes(slot))};
      },
      [&](std::uint64_t offset, std::string&& data) -> Status {
        const std::size_t slot = offset / previous.chunk_size();
        ++checked;
        if (repository.ChunkIdOf(data) != *previous.slot(slot) && (!missed || slot < *missed)) {
          missed = slot;
        }
        return {};
      });
  if (!read) return std::unexpected(read.error());
  return missed;
}

}  // namespace

Result<DiskBackupResult> BackupDisk(repo::Repository& repository, const DiskSource& source,
                                    const repo::DiskIndex* previous,
                                    const DiskBackupOptions& options) {
  const std::string allocation(nbd::kBaseAllocation);
  const std::string dirty_context =
      source.dirty_bitmap ? "qemu:dirty-bitmap:" + *source.dirty_bitmap : std::string();
  std::vector<std::string> contexts{allocation};
  if (!dirty_context.empty()) contexts.push_back(dirty_context);

  Result<nbd::NbdExport> data = nbd::NbdExport::Connect(source.uri);
  if (!data) return std::unexpected(data.error());
  Result<nbd::NbdExport> meta = nbd::NbdExport::Connect(source.uri, contexts);
  if (!meta) return std::unexpected(meta.error());
  const std::uint64_t size = data->size();
  if (options.progress) options.progress->size = size;

  DiskBackupResult result{repo::DiskIndex(size, repository.chunk_size()), {}, true, ""};
  if (previous) {
    if (dirty_context.empty()) {
      result.full_read_reason = "no dirty bitmap was exported";
    } else if (!meta->HasContext(dirty_context)) {
      result.full_read_reason = fmt::format("the export has no '{}'", dirty_context);
    } else if (previous->disk_size() != size || previous->chunk_size() != repository.chunk_size()) {
      result.full_read_reason = fmt::format("the disk's size changed from {} to {} bytes",
                                            previous->disk_size(), size);
    } else {
      result.read_in_full = false;
    }
  }
  if (!result.read_in_full && options.clean_samples > 0) {
    // Its own cursor: the planning below walks the bitmap again from the start.
    nbd::ExtentCursor sample_cursor(*meta, dirty_context);
    Result<std::optional<std::size_t>> missed = FirstMissedChange(
        repository, *data, sample_cursor, *previous, options.clean_samples,
        result.clean_slots_checked);
    if (!missed) return std::unexpected(missed.error());
    if (*missed) {
      result.read_in_full = true;
      result.change_tracker_failed = true;
      result.full_read_reason = fmt::format(
          "CHANGE TRACKING FAILED: the bitmap calls the {} bytes at offset {} unchanged, but "
          "they differ from the last backup",
          previous->SlotBytes(**missed), std::uint64_t(**missed) * previous->chunk_size());
    }
  }
  const bool use_allocation = meta->HasContext(allocation);
  nbd::ExtentCursor allocated(*meta, allocation);
  std::optional<nbd::ExtentCursor> dirty;
  if (!result.read_in_full) dirty.emplace(*meta, dirty_context);

  const unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  ChunkPipeline pipeline(repository, result.index, threads, options.queue_limit);
  std::size_t slot = 0;
  Status planning;
  // Whether slot `s` must be read; one that need not (clean since the previous backup, or
  // zero) is settled here.
  auto must_read = [&](std::size_t s) -> Result<bool> {
    const std::uint64_t start = std::uint64_t(s) * repository.chunk_size();
    const std::uint64_t end = start + result.index.SlotBytes(s);
    if (dirty) {
      Result<bool> changed = AnyDirty(*dirty, start, end);
      if (!changed) return std::unexpected(changed.error());
      if (!*changed) {
        result.index.set_slot(s, previous->slot(s));
        return false;
      }
    }
    if (use_allocation) {
      Result<bool> zero = AllHave(allocated, start, end, nbd::kStateZero);
      if (!zero) return std::unexpected(zero.error());
      if (*zero) {
        result.index.set_slot(s, std::nullopt);
        return false;
      }
    }
    return true;
  };
  // The next run of consecutive slots to read, up to options.max_read_bytes (at least one
  // slot); the slots skipped on the way are settled.
  auto next = [&]() -> std::optional<nbd::ReadRequest> {
    std::optional<std::size_t> first;
    std::uint64_t length = 0;
    for (; slot < result.index.slot_count() && planning; ++slot) {
      if (first && length + result.index.SlotBytes(slot) > options.max_read_bytes) break;
      Result<bool> read = must_read(slot);
      if (!read) {
        planning = std::unexpected(read.error());
        break;
      }
      if (!*read) {
        if (!first) continue;
        ++slot;  // settled: the run ends before it
        break;
      }
      if (!first) first = slot;
      length += result.index.SlotBytes(slot);
    }
    if (!first) {
      if (options.progress) options.progress->covered = size;
      return std::nullopt;
    }
    const std::uint64_t start = std::uint64_t(*first) * repository.chunk_size();
    if (options.progress) options.progress->covered = start;
    return nbd::ReadRequest{start, static_cast<std::uint32_t>(length)};
  };
  nbd::ParallelReader reader(*data, options.reads_in_flight);
  Status read = reader.Run(next, [&](std::uint64_t offset, std::string&& bytes) {
    if (options.progress) options.progress->moved += bytes.size();
    return pipeline.Submit(offset / repository.chunk_size(), std::move(bytes));
  });
  Result<PipelineTotals> totals = pipeline.Finish();
  if (!planning) return std::unexpected(planning.error());
  if (!read) return std::unexpected(read.error());
  if (!totals) return std::unexpected(totals.error());
  result.totals = *totals;
  return result;
}

}  // namespace cairn::backup
