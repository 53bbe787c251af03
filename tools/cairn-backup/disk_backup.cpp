#include "tools/cairn-backup/disk_backup.hpp"

#include <algorithm>
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
  const bool use_allocation = meta->HasContext(allocation);
  nbd::ExtentCursor allocated(*meta, allocation);
  std::optional<nbd::ExtentCursor> dirty;
  if (!result.read_in_full) dirty.emplace(*meta, dirty_context);

  const unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  ChunkPipeline pipeline(repository, result.index, threads, options.queue_limit);
  std::size_t slot = 0;
  Status planning;
  // Plans slots until one must be read; clean and zero slots are settled on the way.
  auto next = [&]() -> std::optional<nbd::ReadRequest> {
    for (; slot < result.index.slot_count() && planning; ++slot) {
      const std::uint64_t start = std::uint64_t(slot) * repository.chunk_size();
      const std::uint64_t end = start + result.index.SlotBytes(slot);
      if (dirty) {
        Result<bool> changed = AnyDirty(*dirty, start, end);
        if (!changed) {
          planning = std::unexpected(changed.error());
          break;
        }
        if (!*changed) {
          result.index.set_slot(slot, previous->slot(slot));
          continue;
        }
      }
      if (use_allocation) {
        Result<bool> zero = AllHave(allocated, start, end, nbd::kStateZero);
        if (!zero) {
          planning = std::unexpected(zero.error());
          break;
        }
        if (*zero) {
          result.index.set_slot(slot, std::nullopt);
          continue;
        }
      }
      return nbd::ReadRequest{start, result.index.SlotBytes(slot++)};
    }
    return std::nullopt;
  };
  nbd::ParallelReader reader(*data, options.reads_in_flight);
  Status read = reader.Run(next, [&](std::uint64_t offset, std::string&& bytes) {
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
